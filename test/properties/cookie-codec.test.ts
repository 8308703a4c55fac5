import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../core/config.js'
import { CookieCodec } from '../../core/cookies/codec.js'
import { parseCookieHeader } from '../../core/cookies/header.js'
import { CookieStateStore, CookieTransactionStore } from '../../core/index.js'
import { APP_ORIGIN, SECRET } from '../support/tenant.js'

const inOneHour = () => Math.floor(Date.now() / 1000) + 3600
const codec = new CookieCodec([SECRET], 'session')
const config = resolveConfig({ domain: 'tenant.auth0.test', clientId: 'c', clientSecret: 's', secret: SECRET, appBaseUrl: APP_ORIGIN })

/** JSON is what a cookie can carry: compare with what JSON itself would give back (-0 → 0 etc.). */
const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

/** Any byte string, as the latin-1 text a Cookie header value can arrive as. */
const byteString = fc.uint8Array({ maxLength: 600 }).map((bytes) => String.fromCharCode(...bytes))

/** A valid value with one of the edits a truncating proxy, a bit flip or an attacker would make. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), to: fc.constantFrom(...'AZaz09-_.') }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), text: byteString }),
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
)

type Edit = typeof mutation extends fc.Arbitrary<infer T> ? T : never

function mutate(value: string, edit: Edit): string {
  const at = edit.at % (value.length + 1)
  switch (edit.kind) {
    case 'truncate':
      return value.slice(0, at)
    case 'flip':
      return value[at] === edit.to ? value : `${value.slice(0, at)}${edit.to}${value.slice(at + 1)}`
    case 'splice':
      return `${value.slice(0, at)}${edit.text}${value.slice(at)}`
    case 'drop':
      return `${value.slice(0, at)}${value.slice(at + edit.length)}`
  }
}

describe('the cookie codec (properties)', () => {
  it('decrypt ∘ encrypt is the identity on JSON values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (payload) => {
        const decrypted = await codec.decrypt(await codec.encrypt(payload, inOneHour()))
        expect(decrypted).toEqual({ payload: viaJson(payload), rotated: false })
      }),
      { numRuns: 150 },
    )
  })

  it('decrypts any byte string to absent, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(byteString, async (value) => {
        expect(await codec.decrypt(value)).toBeUndefined()
      }),
      { numRuns: 300 },
    )
  })

  it('decrypts any edit of a valid value to absent or to the original payload, never a throw', async () => {
    const valid = await codec.encrypt({ sub: 'auth0|alice', n: 1 }, inOneHour())
    await fc.assert(
      fc.asyncProperty(mutation, async (edit) => {
        const edited = mutate(valid, edit)
        const decrypted = await codec.decrypt(edited)
        // Base64url has slack bits in its last character, so a rare edit decodes to the same bytes.
        if (decrypted !== undefined) expect(decrypted.payload).toEqual({ sub: 'auth0|alice', n: 1 })
        if (edited.split('.').length !== 5) expect(decrypted).toBeUndefined()
      }),
      { numRuns: 300 },
    )
  })

  it('parses any Cookie header without throwing, and the stores read it as absent', async () => {
    const sessions = new CookieStateStore(config)
    const transactions = new CookieTransactionStore(config)
    const header = fc.oneof(
      byteString,
      fc
        .array(fc.tuple(fc.constantFrom('__session', '__session.0', '__session.1', '__a0_tx.abc', 'x'), byteString), { maxLength: 6 })
        .map((pairs) => pairs.map(([name, value]) => `${name}=${value}`).join('; ')),
    )
    await fc.assert(
      fc.asyncProperty(header, async (cookie) => {
        expect(() => parseCookieHeader(cookie)).not.toThrow()
        let request: Request
        try {
          request = new Request(`${APP_ORIGIN}/`, { headers: { cookie } })
        } catch {
          return // not a header a client can send (e.g. a control character); nothing to read
        }
        const storeOptions = { request, response: { headers: new Headers() } }
        expect(await sessions.get(storeOptions)).toBeUndefined()
        expect(await transactions.get('abc', storeOptions)).toBeUndefined()
      }),
      { numRuns: 300 },
    )
  })
})
