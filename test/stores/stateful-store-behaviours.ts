import { expect, it } from 'vitest'
import { type Auth, type SessionBackend, statefulStateStore } from '../../core/index.js'
import { flowContextOf } from '../../core/server-client.js'
import type { Auth0Emulator } from '../../testing/index.js'
import { TestBrowser } from '../support/browser.js'
import { signedInBrowser } from '../support/flows.js'
import { APP_ORIGIN, createTestAuth, type MockedTenant } from '../support/tenant.js'

export const SESSION_COOKIE = '__session'

/** An app whose sessions live in `backend` through a `StatefulStateStore`, and that store. */
export function statefulAuth(
  emulator: Auth0Emulator,
  backend: SessionBackend,
  session: { rolling?: boolean; inactivityDuration?: number; absoluteDuration?: number } = {},
) {
  const auth = createTestAuth(emulator, { session, stateStore: statefulStateStore(backend) })
  return { auth, stateStore: flowContextOf(auth.client).stateStore }
}

/** What the app sees for a request carrying only this session cookie value. */
export function sessionFor(auth: Auth<unknown>, cookieValue: string | undefined) {
  const headers = new Headers(cookieValue === undefined ? {} : { cookie: `${SESSION_COOKIE}=${cookieValue}` })
  return auth.getSession(new Request(`${APP_ORIGIN}/`, { headers }))
}

/** Auth0 posting a logout token to the app's backchannel-logout route. */
export function backchannelLogout(auth: Auth<unknown>, logoutToken: string, origin = APP_ORIGIN) {
  return auth.handler(
    new Request(`${origin}/auth/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: logoutToken }),
    }),
  )
}

function cookieOf(browser: TestBrowser): string {
  const value = browser.cookies.get(SESSION_COOKIE)
  expect(value).toBeDefined()
  return value!
}

/**
 * The behaviours every {@link SessionBackend} must give a {@link StatefulStateStore}, registered
 * as tests; `makeBackend` is called inside each test, after the file's `beforeAll` hooks ran.
 */
export function behavesAsStatefulSessionStore(tenant: MockedTenant, makeBackend: () => SessionBackend): void {
  it('keeps only an encrypted session id in the cookie and the session in the backend', async () => {
    const { emulator } = tenant
    const { auth } = statefulAuth(emulator, makeBackend())
    const browser = await signedInBrowser(auth, emulator)
    const cookie = cookieOf(browser)
    const session = await sessionFor(auth, cookie)
    expect(session?.user.sub).toBeDefined()
    // A compact JWE of a 43-character id: a few hundred bytes, never the tokens.
    expect(cookie.split('.')).toHaveLength(5)
    expect(cookie.length).toBeLessThan(300)
    expect(cookie.length).toBeLessThan(session!.idToken.length)
    expect([...browser.cookies.keys()].filter((name) => name.startsWith(`${SESSION_COOKIE}.`))).toEqual([])
    const profile = await browser.send('/auth/profile')
    expect(profile.status).toBe(200)
    expect(((await profile.json()) as { sub: string }).sub).toBe(session!.user.sub)
  })

  it('treats a tampered session id cookie as absent', async () => {
    const { emulator } = tenant
    const { auth } = statefulAuth(emulator, makeBackend())
    const cookie = cookieOf(await signedInBrowser(auth, emulator))
    const tampered = `${cookie.slice(0, -3)}${cookie.endsWith('AAA') ? 'BBB' : 'AAA'}`
    expect(await sessionFor(auth, tampered)).toBeUndefined()
    expect(await sessionFor(auth, cookie)).toBeDefined()
  })

  it('issues a new session id at login, so an id planted before sign-in names no session', async () => {
    const { emulator } = tenant
    const { auth } = statefulAuth(emulator, makeBackend())
    const planted = cookieOf(await signedInBrowser(auth, emulator))
    const victim = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    victim.cookies.set(SESSION_COOKIE, planted)
    const { url } = await victim.navigate('/auth/login?returnTo=/home')
    expect(url.pathname).toBe('/home')
    const issued = cookieOf(victim)
    expect(issued).not.toBe(planted)
    expect(await sessionFor(auth, planted)).toBeUndefined()
    expect(await sessionFor(auth, issued)).toBeDefined()
  })

  it('keeps the session id and record through a Management API link and unlink: Auth0 changed the user, not the session', async () => {
    const { emulator } = tenant
    const { auth } = statefulAuth(emulator, makeBackend())
    const browser = await signedInBrowser(auth, emulator)
    const before = cookieOf(browser)
    const signedIn = await sessionFor(auth, before)

    const linked = await browser.navigate('/auth/link?connection=github&returnTo=/home')
    expect(linked.url.pathname).toBe('/home')
    expect(emulator.getUser(signedIn!.user.sub)!.identities.map((identity) => identity.connection)).toContain('github')
    // The secondary's sign-in never becomes the session (DESIGN §15), so there is nothing to rotate.
    expect(cookieOf(browser)).toBe(before)
    expect(await sessionFor(auth, before)).toEqual(signedIn)

    const unlinked = await browser.navigate('/auth/unlink?connection=github&returnTo=/home')
    expect(unlinked.url.pathname).toBe('/home')
    expect(emulator.getUser(signedIn!.user.sub)!.identities.map((identity) => identity.connection)).not.toContain('github')
    expect(cookieOf(browser)).toBe(before)
    expect((await sessionFor(auth, before))?.user.sub).toBe(signedIn!.user.sub)
  })

  it('keeps the session id for writes that are not a login, link or unlink', async () => {
    const { emulator } = tenant
    const { auth, stateStore } = statefulAuth(emulator, makeBackend())
    const browser = await signedInBrowser(auth, emulator)
    const cookie = cookieOf(browser)
    const session = await sessionFor(auth, cookie)
    const response = new Response(null)
    await stateStore.set({ ...session!, user: { ...session!.user, name: 'Renamed' } }, { request: browser.request('/'), response })
    expect(response.headers.getSetCookie()).toEqual([])
    expect((await sessionFor(auth, cookie))?.user.name).toBe('Renamed')
  })

  it('ends the session on logout, so replaying the old cookie finds nothing', async () => {
    const { emulator } = tenant
    const { auth } = statefulAuth(emulator, makeBackend())
    const browser = await signedInBrowser(auth, emulator)
    const cookie = cookieOf(browser)
    const logout = await browser.send('/auth/logout')
    expect(logout.status).toBe(302)
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false)
    expect(await sessionFor(auth, cookie)).toBeUndefined()
  })

  it('ends every session of the user on a backchannel logout token that names only the sub', async () => {
    const { emulator } = tenant
    const { auth } = statefulAuth(emulator, makeBackend())
    const laptop = cookieOf(await signedInBrowser(auth, emulator))
    const phone = cookieOf(await signedInBrowser(auth, emulator))
    const { sub } = (await sessionFor(auth, laptop))!.user
    const response = await backchannelLogout(auth, await emulator.createLogoutToken({ sub }))
    expect(response?.status).toBe(200)
    expect(await sessionFor(auth, laptop)).toBeUndefined()
    expect(await sessionFor(auth, phone)).toBeUndefined()
  })

  it('ends only the named Auth0 session on a backchannel logout token with a sid', async () => {
    const { emulator } = tenant
    const { auth } = statefulAuth(emulator, makeBackend())
    const laptop = cookieOf(await signedInBrowser(auth, emulator))
    const phone = cookieOf(await signedInBrowser(auth, emulator))
    const laptopSession = (await sessionFor(auth, laptop))!
    const phoneSession = (await sessionFor(auth, phone))!
    expect(laptopSession.internal.sid).toBeDefined()
    expect(laptopSession.internal.sid).not.toBe(phoneSession.internal.sid)
    const token = await emulator.createLogoutToken({ sub: laptopSession.user.sub, sid: laptopSession.internal.sid! })
    expect((await backchannelLogout(auth, token))?.status).toBe(200)
    expect(await sessionFor(auth, laptop)).toBeUndefined()
    expect((await sessionFor(auth, phone))?.internal.sid).toBe(phoneSession.internal.sid)
  })

  it('still finds a session by sid and by sub after a link gave it a new id', async () => {
    const { emulator } = tenant
    const { auth } = statefulAuth(emulator, makeBackend())
    const first = await signedInBrowser(auth, emulator)
    await first.navigate('/auth/link?connection=github&returnTo=/home')
    const linked = (await sessionFor(auth, cookieOf(first)))!
    await backchannelLogout(auth, await emulator.createLogoutToken({ sid: linked.internal.sid! }))
    expect(await sessionFor(auth, cookieOf(first))).toBeUndefined()

    const second = await signedInBrowser(auth, emulator)
    await second.navigate('/auth/unlink?connection=github&returnTo=/home')
    await backchannelLogout(auth, await emulator.createLogoutToken({ sub: linked.user.sub }))
    expect(await sessionFor(auth, cookieOf(second))).toBeUndefined()
  })

  it('does not bring back a session that a backchannel logout ended while a refresh was writing it', async () => {
    const { emulator } = tenant
    const { auth, stateStore } = statefulAuth(emulator, makeBackend())
    const browser = await signedInBrowser(auth, emulator)
    const cookie = cookieOf(browser)
    const session = (await sessionFor(auth, cookie))!
    await backchannelLogout(auth, await emulator.createLogoutToken({ sid: session.internal.sid! }))
    const response = new Response(null)
    await stateStore.set(session, { request: browser.request('/'), response })
    expect(await sessionFor(auth, cookie)).toBeUndefined()
    expect(response.headers.getSetCookie().join('\n')).toMatch(/^__session=;.*Max-Age=0/i)
  })

  it('does not write back a session that ended while a link was at Auth0', async () => {
    const { emulator } = tenant
    const { auth, stateStore } = statefulAuth(emulator, makeBackend())
    const browser = await signedInBrowser(auth, emulator)
    const cookie = cookieOf(browser)
    // What the link callback read before the code exchange…
    const session = (await sessionFor(auth, cookie))!
    // …and a logout for the same Auth0 session arriving during it.
    await backchannelLogout(auth, await emulator.createLogoutToken({ sid: session.internal.sid! }))
    const response = new Response(null)
    await stateStore.set(session, { request: browser.request('/auth/callback'), response }, { rotate: true, updatesExisting: true })
    browser.store(response)
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false)
    expect(await sessionFor(auth, cookie)).toBeUndefined()
  })

  it('refuses a logout token replayed to another instance sharing the backend', async () => {
    const { emulator } = tenant
    const backend = makeBackend()
    const errors: Error[] = []
    const onError = (error: Error) => {
      errors.push(error)
    }
    const first = createTestAuth(emulator, { stateStore: statefulStateStore(backend), onError })
    const second = createTestAuth(emulator, { stateStore: statefulStateStore(backend), onError })
    await signedInBrowser(first, emulator)
    const token = await emulator.createLogoutToken({ sid: emulator.lastSid('auth0|alice')! })
    expect((await backchannelLogout(first, token))?.status).toBe(200)
    const browser = await signedInBrowser(second, emulator)
    const replay = await backchannelLogout(second, token)
    expect(replay?.status).toBe(400)
    expect(errors.map((error) => (error as { code?: string }).code)).toEqual(['backchannel_logout_error'])
    expect((await second.getUser(browser.request('/')))?.sub).toBe('auth0|alice')
  })
}
