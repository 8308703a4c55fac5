import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Auth0LinkKitError, safeReturnTo } from '../../core/index.js'
import { TestBrowser } from '../support/browser.js'
import { signedInBrowser } from '../support/flows.js'
import { APP_ORIGIN, createTestAuth, useMockedTenant } from '../support/tenant.js'

const tenant = useMockedTenant()
const origin = new URL(APP_ORIGIN)

/** Strings shaped like the redirect targets attackers try, plus anything at all. */
const returnToLike = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc
    .tuple(
      fc.constantFrom(
        '',
        '/',
        '//',
        '/\\',
        '\\',
        'http://',
        'https://',
        'javascript:',
        '%2F',
        '%2f%2f',
        '/%5C',
        ' ',
        '\t',
        'http://localhost:3000',
        '/./',
      ),
      fc.constantFrom('', 'evil.example', 'localhost:3000', '@evil.example', '%0d%0a', '\r\n', '..', '%2e%2e'),
      fc.string({ maxLength: 20 }),
    )
    .map((parts) => parts.join('')),
)

/** Statuses a typed failure may answer with; a 500 would mean an untyped crash. */
const TYPED_STATUSES = new Set([400, 401, 403, 502, 504])

describe('returnTo parsing (properties)', () => {
  it('always yields a same-origin path that no browser reads as another host', () => {
    fc.assert(
      fc.property(returnToLike, (value) => {
        const path = safeReturnTo(value, origin)
        expect(path.startsWith('/')).toBe(true)
        // biome-ignore lint/suspicious/noControlCharactersInRegex: a returnTo must hold none
        expect(path).not.toMatch(/^\/[\\/]|[\u0000-\u001f\u007f\\]/)
        expect(new URL(path, origin).origin).toBe(origin.origin)
      }),
      { numRuns: 2000 },
    )
  })

  it('lands every login back on the app, whatever returnTo was', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    await fc.assert(
      fc.asyncProperty(returnToLike, async (returnTo) => {
        const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
        const { url, response } = await browser.navigate(`/auth/login?returnTo=${encodeURIComponent(returnTo)}`)
        expect(response.status).toBe(200)
        expect(url.origin).toBe(APP_ORIGIN)
        expect(url.pathname.startsWith('//')).toBe(false)
      }),
      { numRuns: 40 },
    )
  })
})

describe('callback parsing (properties)', () => {
  it('answers any query string with a typed outcome: never a 500, never an off-site redirect', async () => {
    const { emulator } = tenant
    const errors: Error[] = []
    const auth = createTestAuth(emulator, { onError: (error) => void errors.push(error) })
    const browser = await signedInBrowser(auth, emulator)
    const started = await browser.send('/auth/link?connection=github')
    const realState = new URL(started.headers.get('location')!).searchParams.get('state')!
    const value = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constant(realState),
      fc.constantFrom('access_denied', emulator.issuer, 'https://evil.example/'),
    )
    const key = fc.oneof(
      fc.constantFrom('state', 'code', 'error', 'error_description', 'iss', 'id_token', 'response', 'token'),
      fc.string({ maxLength: 8 }),
    )
    const query = fc.array(fc.tuple(key, value), { maxLength: 6 })
    await fc.assert(
      fc.asyncProperty(query, async (pairs) => {
        const search = new URLSearchParams(pairs).toString()
        errors.length = 0
        // Not stored in the jar: every run sees the same pending transaction.
        const response = await auth.handler(browser.request(`/auth/callback?${search}`))
        expect(response).not.toBeNull()
        if (response!.status === 302) {
          expect(new URL(response!.headers.get('location')!).origin).toBe(APP_ORIGIN)
        } else {
          expect(TYPED_STATUSES.has(response!.status), `status ${response!.status} for ?${search}`).toBe(true)
          expect(errors).toHaveLength(1)
          expect(errors[0]).toBeInstanceOf(Auth0LinkKitError)
        }
      }),
      { numRuns: 150 },
    )
  })
})
