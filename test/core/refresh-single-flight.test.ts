import { describe, expect, it } from 'vitest'
import type { AccessTokenResult } from '../../core/index.js'
import { keep, signedInBrowser, storeOptionsOf } from '../support/flows.js'
import { createTestAuth, useMockedTenant } from '../support/tenant.js'

// Access tokens that live 5 s are inside the 10 s renewal leeway: every read asks for a refresh,
// as right after expiry. The emulator rotates refresh tokens and revokes the grant on any reuse,
// as Auth0 does with rotation on and a reuse interval of 0.
const tenant = useMockedTenant({ refreshTokenRotation: true, accessTokenTtl: 5 })

describe('concurrent refreshes of one session', () => {
  it('sends one refresh for six concurrent getAccessToken calls, gives all six the same token, and the next refresh still works', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = await signedInBrowser(auth, emulator)
    await auth.getSession(storeOptionsOf(browser).request)
    const before = emulator.hits.token

    const calls = Array.from({ length: 6 }, () => storeOptionsOf(browser))
    const results = await Promise.all(calls.map((storeOptions) => auth.client.getAccessToken({}, storeOptions)))
    expect(emulator.hits.token - before).toBe(1)
    expect(new Set(results.map((result) => result.token)).size).toBe(1)
    for (const storeOptions of calls)
      expect(storeOptions.response.headers.getSetCookie().some((cookie) => cookie.startsWith('__session='))).toBe(true)

    // The browser keeps one of the six answers; its rotated refresh token is not a reuse.
    keep(browser, calls[0]!)
    const next = await auth.client.getAccessToken({}, storeOptionsOf(browser))
    expect(emulator.hits.token - before).toBe(2)
    expect(next.token).not.toBe(results[0]!.token)
  })

  it('answers a request still carrying the rotated-out refresh token from memory, sending nothing to Auth0', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = await signedInBrowser(auth, emulator)
    // Its cookie left the browser before the first refresh's answer came back.
    const late = storeOptionsOf(browser)
    const first = await auth.client.getAccessToken({}, storeOptionsOf(browser))
    const hits = emulator.hits.token

    const seventh = await auth.client.getAccessToken({}, late)
    expect(seventh).toEqual(first)
    expect(emulator.hits.token).toBe(hits)
    // And the session it writes back carries the new refresh token: refreshing from it works.
    keep(browser, late)
    await expect(auth.client.getAccessToken({}, storeOptionsOf(browser))).resolves.toMatchObject({ token: expect.any(String) })
    expect(emulator.hits.token).toBe(hits + 1)
  })

  it('gives every concurrent caller the same failure, from one request, and keeps each session cookie as it was', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = await signedInBrowser(auth, emulator)
    // The in-process emulator fails at once; with the cookie already decrypted (as it is for a
    // busy user) every caller reaches the refresh before that answer arrives.
    await auth.getSession(storeOptionsOf(browser).request)
    const before = emulator.hits.token
    emulator.fail({ endpoint: 'token', status: 500 })

    const calls = Array.from({ length: 4 }, () => storeOptionsOf(browser))
    const outcomes = await Promise.allSettled(calls.map((storeOptions) => auth.client.getAccessToken({}, storeOptions)))
    expect(emulator.hits.token - before).toBe(1)
    const codes = outcomes.map((outcome) => (outcome.status === 'rejected' ? (outcome.reason as { code: string }).code : 'fulfilled'))
    expect(codes).toEqual(Array(4).fill('token_exchange_failed'))
    for (const storeOptions of calls) expect(storeOptions.response.headers.getSetCookie()).toEqual([])

    // The failure is not remembered: the next call refreshes, with the refresh token still valid.
    const recovered: AccessTokenResult = await auth.client.getAccessToken({}, storeOptionsOf(browser))
    expect(recovered.token).toEqual(expect.any(String))
    expect(emulator.hits.token - before).toBe(2)
  })
})

describe('the emulator with refresh-token rotation', () => {
  it('revokes the whole grant when a rotated-out refresh token is sent again, as Auth0 does', async () => {
    const { emulator } = tenant
    const refresh = (token: string) =>
      emulator.handle(
        new Request(`${emulator.origin}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'refresh_token',
            refresh_token: token,
            client_id: emulator.clientId,
            client_secret: emulator.clientSecret,
          }),
        }),
      )
    const auth = createTestAuth(emulator)
    const browser = await signedInBrowser(auth, emulator)
    const session = await auth.getSession(storeOptionsOf(browser).request)
    const original = session!.refreshToken!

    const rotated = (await (await refresh(original)).json()) as { refresh_token: string }
    expect(rotated.refresh_token).not.toBe(original)
    const reuse = await refresh(original)
    expect(reuse.status).toBe(403)
    expect(await reuse.json()).toMatchObject({ error: 'invalid_grant' })
    // The reuse revoked the family: the newest token is dead too.
    expect((await refresh(rotated.refresh_token)).status).toBe(403)
  })
})
