// getAccessToken({ audience, scope }): a token for a scope subset through the refresh token
// (Auth0's multi-resource refresh token), kept as its own token set and refreshed single-flight.
import { describe, expect, it } from 'vitest'
import { createAuth0Emulator } from '../../testing/index.js'
import { expectSafeFailure, snapshotSession } from '../negative/expect-safe-failure.js'
import { recordingAuth } from '../negative/scenario.js'
import { TestBrowser } from '../support/browser.js'
import { keep, signedInBrowser, storeOptionsOf } from '../support/flows.js'
import { APP_ORIGIN, createTestAuth, useMockedTenant } from '../support/tenant.js'

const tenant = useMockedTenant()

/** The scope claim of an access token the emulator issued (a JWT). */
function scopeOf(token: string): string {
  return JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))).scope
}

describe('access tokens for a scope subset', () => {
  it('asks the refresh grant for the scope, keeps the result as its own token set, and leaves the login token alone', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = await signedInBrowser(auth, emulator)
    const login = await auth.client.getAccessToken({}, storeOptionsOf(browser))
    const hits = emulator.hits.token

    const first = storeOptionsOf(browser)
    const narrow = await auth.client.getAccessToken({ scope: 'profile openid' }, first)
    keep(browser, first)
    expect(emulator.hits.token).toBe(hits + 1)
    expect(narrow.token).not.toBe(login.token)
    expect(narrow.scope).toBe('openid profile')
    expect(scopeOf(narrow.token)).toBe('openid profile')

    // The same scope in another order is the same set, from the session; the login's set is intact.
    expect(await auth.client.getAccessToken({ scope: 'openid  profile' }, storeOptionsOf(browser))).toEqual(narrow)
    expect(await auth.client.getAccessToken({}, storeOptionsOf(browser))).toEqual(login)
    expect(emulator.hits.token).toBe(hits + 1)
    const session = await auth.getSession(browser.request('/'))
    expect(session?.tokenSets.map((set) => [set.audience, set.requestedScope])).toEqual([
      ['default', undefined],
      ['default', 'openid profile'],
    ])
  })

  it('answers the access-token route with ?scope= the same way', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = await signedInBrowser(auth, emulator)
    const response = await browser.send('/auth/access-token?scope=email')
    expect(response.status).toBe(200)
    const body = (await response.json()) as { token: string; scope: string }
    expect(body.scope).toBe('email')
    expect(scopeOf(body.token)).toBe('email')
  })

  it('refreshes concurrent calls for two scopes once each under rotation, and never reuses a refresh token', async () => {
    const emulator = await createAuth0Emulator({ refreshTokenRotation: true, accessTokenTtl: 5 })
    const auth = createTestAuth(emulator, { fetch: emulator.fetch })
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    await browser.navigate('/auth/login')
    await auth.getSession(browser.request('/'))
    const before = emulator.hits.token
    const scopes = ['openid profile', 'email', 'openid profile', 'email', 'openid profile', 'email']
    const calls = scopes.map(() => storeOptionsOf(browser))
    const results = await Promise.all(scopes.map((scope, index) => auth.client.getAccessToken({ scope }, calls[index]!)))
    expect(emulator.hits.token - before).toBe(2)
    const byScope = new Map<string, Set<string>>()
    for (const [index, result] of results.entries()) {
      const scope = scopes[index]!
      byScope.set(scope, (byScope.get(scope) ?? new Set()).add(result.token))
      expect(scopeOf(result.token)).toBe(scope)
    }
    expect([...byScope.values()].map((tokens) => tokens.size)).toEqual([1, 1])
    // The session the browser keeps still refreshes: no refresh token was sent twice (a reuse would revoke the grant).
    keep(browser, calls.at(-1)!)
    await expect(auth.client.getAccessToken({ scope: 'email' }, storeOptionsOf(browser))).resolves.toMatchObject({ scope: 'email' })
  })

  it('answers a scope the refresh token was not granted (invalid_scope) as token_exchange_failed, keeping the session', async () => {
    const { emulator } = tenant
    // Allowed by the route (see the hardening tests for what it refuses), so Auth0 gets to answer.
    const { auth, lastError } = recordingAuth(emulator, { accessTokenRoute: { allow: [{ audience: 'default', scope: 'openid admin' }] } })
    const browser = await signedInBrowser(auth, emulator)
    const before = await snapshotSession(auth, browser)
    const response = await browser.send('/auth/access-token?scope=openid%20admin', { headers: { accept: 'application/json' } })
    await expectSafeFailure({ response, error: lastError(), code: 'token_exchange_failed', status: 502, browser, auth, before })
    expect((lastError() as { error?: string }).error).toBe('invalid_scope')
  })
})
