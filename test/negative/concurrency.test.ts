import { describe, expect, it, vi } from 'vitest'
import { TestBrowser } from '../support/browser.js'
import { APP_ORIGIN, useMockedTenant } from '../support/tenant.js'
import { expectSafeFailure, SIGNED_OUT, snapshotSession } from './expect-safe-failure.js'
import { callbackFor, LINK_GITHUB, recordingAuth, signedIn } from './scenario.js'

const tenant = useMockedTenant()

const sessionSetCookie = (response: Response) =>
  response.headers
    .getSetCookie()
    .find((cookie) => cookie.startsWith('__session='))
    ?.split(';')[0]
    ?.slice('__session='.length)

describe('two callbacks for one state at once', () => {
  // Both requests carry the same transaction cookie, so both find it: the cookie cannot be
  // consumed atomically. The authorization code can: Auth0 redeems it once, so exactly one wins.
  it.each(['/auth/login?returnTo=/home', LINK_GITHUB])('exactly one wins for %s, and the winner’s session is kept', async (start) => {
    const { emulator } = tenant
    const { auth, errors } = recordingAuth(emulator)
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    if (start.includes('link')) await browser.navigate('/auth/login')
    const sessionBefore = browser.cookies.get('__session')
    const callback = await callbackFor(browser, start)
    const responses = await Promise.all([browser.send(callback), browser.send(callback)])
    const statuses = responses.map((response) => response.status).sort()
    expect(statuses).toEqual([302, 502])
    expect(errors.map((error) => (error as { code?: string }).code)).toEqual(['token_exchange_failed'])
    const winner = responses.find((response) => response.status === 302)!
    const loser = responses.find((response) => response.status === 502)!
    expect(sessionSetCookie(loser)).toBeUndefined()
    if (start.includes('link')) {
      // A management-api link leaves the session as it was (DESIGN §15): neither answer writes one.
      expect(sessionSetCookie(winner)).toBeUndefined()
      expect(browser.cookies.get('__session')).toBe(sessionBefore)
    } else {
      expect(browser.cookies.get('__session')).toBe(sessionSetCookie(winner))
    }
    expect((await auth.getUser(browser.request('/')))?.sub).toBe('auth0|alice')
    // Login, then the link's code exchange twice and one Management API token.
    expect(emulator.hits.token).toBe(start.includes('link') ? 4 : 2)
  })

  it('a replay racing a completed link cannot swap the session to another user', async () => {
    const { emulator } = tenant
    const { auth } = recordingAuth(emulator)
    const alice = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    await alice.navigate('/auth/login?login_hint=alice@example.com')
    const bob = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    emulator.signInAs('auth0|bob')
    await bob.navigate('/auth/login')
    // Alice signs into a GitHub account nobody owns (with Bob current, the tenant would offer Bob's).
    emulator.signInAs('auth0|alice')
    const aliceCallback = await callbackFor(alice, LINK_GITHUB)
    // Bob's browser replays Alice's callback (a leaked URL) while Alice completes it.
    const [aliceResponse, bobResponse] = await Promise.all([alice.send(aliceCallback), bob.send(aliceCallback)])
    expect(aliceResponse.status).toBe(302)
    expect(bobResponse.status).toBe(400)
    expect((await auth.getUser(alice.request('/')))?.sub).toBe('auth0|alice')
    expect((await auth.getUser(bob.request('/')))?.sub).toBe('auth0|bob')
  })
})

describe('link in one tab while logging out in another', () => {
  it('refuses the link callback after the logout (missing_session) and does not sign the user back in', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator)
    const { browser } = await signedIn(auth, emulator)
    const callback = await callbackFor(browser, LINK_GITHUB)
    const logout = await browser.send('/auth/logout')
    expect(logout.status).toBe(302)
    expect(browser.cookies.has('__session')).toBe(false)
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'missing_session', status: 401, browser, auth, before: SIGNED_OUT })
  })

  it('refuses a link Alice started once Bob has signed in in another tab (user_mismatch), keeping Bob signed in', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator)
    const { browser } = await signedIn(auth, emulator)
    const callback = await callbackFor(browser, LINK_GITHUB)
    emulator.signInAs('auth0|bob')
    const { url } = await browser.navigate('/auth/login?returnTo=/home')
    expect(url.pathname).toBe('/home')
    const before = await snapshotSession(auth, browser)
    expect(before.sub).toBe('auth0|bob')
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'user_mismatch', status: 403, browser, auth, before })
  })

  it('stays signed out when the logout lands while the link callback is still talking to Auth0', async () => {
    const { emulator } = tenant
    const { auth } = recordingAuth(emulator)
    const { browser } = await signedIn(auth, emulator)
    const callback = await callbackFor(browser, LINK_GITHUB)
    emulator.fail({ endpoint: 'token', delayMs: 300 })
    const tokenRequests = emulator.hits.token
    const linking = browser.send(callback)
    // The callback has read the session and is waiting for Auth0 when the other tab logs out.
    await vi.waitFor(() => expect(emulator.hits.token).toBe(tokenRequests + 1), { interval: 5 })
    const logout = await browser.send('/auth/logout')
    expect(logout.status).toBe(302)
    const linked = await linking
    expect(linked.status).toBe(302)
    // A management-api link writes no session (DESIGN §15), so nothing can revive the one logged out.
    expect(await auth.getSession(browser.request('/'))).toBeUndefined()
    expect((await browser.send('/auth/profile')).status).toBe(401)
  })
})
