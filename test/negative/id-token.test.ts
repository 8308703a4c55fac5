import { describe, expect, it } from 'vitest'
import type { AuthOptions } from '../../core/index.js'
import type { IdTokenTamper } from '../../testing/index.js'
import { TestBrowser } from '../support/browser.js'
import { signedInBrowser } from '../support/flows.js'
import { APP_ORIGIN, useMockedTenant } from '../support/tenant.js'
import { expectSafeFailure, SIGNED_OUT, snapshotSession } from './expect-safe-failure.js'
import { callbackFor, LINK_GITHUB, recordingAuth, signedIn, UNLINK_GITHUB } from './scenario.js'

const tenant = useMockedTenant()
const now = () => Math.floor(Date.now() / 1000)

/** Starts a link, lets Auth0 tamper with the ID token it then issues, and completes the callback. */
async function linkWithTamperedIdToken(idToken: IdTokenTamper, start = LINK_GITHUB, overrides: Partial<AuthOptions> = {}) {
  const { emulator } = tenant
  const { auth, lastError } = recordingAuth(emulator, overrides)
  const browser = await signedInBrowser(auth, emulator)
  // Only a linked identity can be unlinked.
  if (start === UNLINK_GITHUB) await browser.navigate(LINK_GITHUB)
  const before = await snapshotSession(auth, browser)
  const callback = await callbackFor(browser, start)
  emulator.fail({ endpoint: 'token', idToken })
  const response = await browser.send(callback)
  return { auth, browser, before, response, error: lastError(), emulator }
}

describe('ID token checks (each keeps the existing session)', () => {
  it.each<[string, IdTokenTamper]>([
    ['a bad signature', { signature: 'bad' }],
    ['alg: none', { alg: 'none' }],
    ['HS256 signed with the client secret', { alg: 'HS256' }],
    ['a wrong iss', { claims: { iss: 'https://evil.example/' } }],
    ['a wrong aud', { claims: { aud: 'someone-else' } }],
    ['an extra aud without azp', { claims: { aud: ['test-client-id', 'https://other.example'], azp: undefined } }],
    ['a missing nonce', { claims: { nonce: undefined } }],
    ['a wrong nonce', { claims: { nonce: 'nonce-of-another-transaction' } }],
    ['an expired exp', { claims: { exp: now() - 3600, iat: now() - 7200 } }],
    ['an iat far in the future', { claims: { iat: now() + 3600 } }],
  ])('refuses %s with id_token_invalid (502)', async (_, tamper) => {
    const result = await linkWithTamperedIdToken(tamper)
    await expectSafeFailure({ ...result, code: 'id_token_invalid', status: 502, secrets: [result.emulator.clientSecret] })
  })

  it('refuses an unknown kid after refetching the key set exactly once', async () => {
    const result = await linkWithTamperedIdToken({ kid: 'unknown' })
    await expectSafeFailure({ ...result, code: 'id_token_invalid', status: 502 })
    // One fetch at sign-in, one refetch for the unknown kid, none more.
    expect(result.emulator.hits.jwks).toBe(2)
  })

  it('does not refetch the key set again for a second unknown kid within the cooldown', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator)
    const { browser, before } = await signedIn(auth, emulator)
    for (const connection of ['github', 'google-oauth2']) {
      const callback = await callbackFor(browser, `/auth/link?connection=${connection}`)
      emulator.fail({ endpoint: 'token', idToken: { kid: 'unknown' } })
      const response = await browser.send(callback)
      await expectSafeFailure({ response, error: lastError(), code: 'id_token_invalid', status: 502, browser, auth, before })
    }
    expect(emulator.hits.jwks).toBe(2)
  })

  it('refuses a tenant-action link callback for a different sub with user_mismatch (403)', async () => {
    // A management-api link signs another user in by design; its checks are in linking.test.ts.
    const result = await linkWithTamperedIdToken({ claims: { sub: 'auth0|bob' } }, LINK_GITHUB, { linking: { strategy: 'tenant-action' } })
    await expectSafeFailure({ ...result, code: 'user_mismatch', status: 403 })
  })

  it('refuses an unlink callback for a different sub with user_mismatch (403)', async () => {
    const result = await linkWithTamperedIdToken({ claims: { sub: 'auth0|bob' } }, UNLINK_GITHUB)
    await expectSafeFailure({ ...result, code: 'user_mismatch', status: 403 })
  })

  it('refuses a tampered ID token on login without creating a session', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator)
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    const callback = await callbackFor(browser, '/auth/login')
    emulator.fail({ endpoint: 'token', idToken: { alg: 'none' } })
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'id_token_invalid', status: 502, browser, auth, before: SIGNED_OUT })
  })
})
