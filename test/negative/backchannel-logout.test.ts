import { describe, expect, it } from 'vitest'
import { type Auth, MemorySessionBackend, statefulStateStore } from '../../core/index.js'
import { APP_ORIGIN, useMockedTenant } from '../support/tenant.js'
import { expectSafeFailure } from './expect-safe-failure.js'
import { recordingAuth, signedIn } from './scenario.js'

const tenant = useMockedTenant()
const now = () => Math.floor(Date.now() / 1000)

/** Auth0 posts the logout token server to server: no cookies, no browser headers. */
function postLogoutToken(auth: Auth<unknown>, token: string | undefined): Promise<Response> {
  const body = token === undefined ? '' : new URLSearchParams({ logout_token: token }).toString()
  const request = new Request(`${APP_ORIGIN}/auth/backchannel-logout`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  })
  return auth.handleBackchannelLogout(request)
}

describe('backchannel logout', () => {
  it('ends the session named by a valid token (sid)', async () => {
    const { emulator } = tenant
    const { auth, errors } = recordingAuth(emulator)
    const { browser } = await signedIn(auth, emulator)
    const token = await emulator.createLogoutToken({ sub: 'auth0|alice', sid: emulator.lastSid('auth0|alice')! })
    const response = await postLogoutToken(auth, token)
    expect(response.status).toBe(200)
    expect(errors).toEqual([])
    expect(await auth.getSession(browser.request('/'))).toBeUndefined()
    expect((await browser.send('/auth/profile')).status).toBe(401)
  })

  it('ends every session of the user named by a token with sub only, and no one else’s', async () => {
    const { emulator } = tenant
    const { auth } = recordingAuth(emulator)
    const { browser: alice } = await signedIn(auth, emulator)
    emulator.signInAs('auth0|bob')
    const { browser: bob } = await signedIn(auth, emulator)
    expect((await postLogoutToken(auth, await emulator.createLogoutToken({ sub: 'auth0|alice' }))).status).toBe(200)
    expect(await auth.getSession(alice.request('/'))).toBeUndefined()
    expect((await auth.getUser(bob.request('/')))?.sub).toBe('auth0|bob')
  })

  const refused: Array<[string, (emulator: typeof tenant.emulator, sid: string) => Promise<string>]> = [
    ['with a nonce', (emulator, sid) => emulator.createLogoutToken({ sid }, { nonce: 'n-0S6_WzA2Mj' })],
    ['without events', (emulator, sid) => emulator.createLogoutToken({ sid }, { events: undefined })],
    [
      'with an events claim for another event',
      (emulator, sid) => emulator.createLogoutToken({ sid }, { events: { 'https://example.com/other': {} } }),
    ],
    ['with a wrong aud', (emulator, sid) => emulator.createLogoutToken({ sid }, { aud: 'another-client' })],
    ['with a wrong iss', (emulator, sid) => emulator.createLogoutToken({ sid }, { iss: 'https://evil.example/' })],
    ['expired', (emulator, sid) => emulator.createLogoutToken({ sid }, { iat: now() - 900, exp: now() - 600 })],
    ['issued too long ago', (emulator, sid) => emulator.createLogoutToken({ sid }, { iat: now() - 3600, exp: now() + 600 })],
    ['unsigned (alg: none)', (emulator, sid) => emulator.createLogoutToken({ sid }, {}, { alg: 'none' })],
    ['signed with a key not in the JWKS', (emulator, sid) => emulator.createLogoutToken({ sid }, {}, { key: 'foreign' })],
    ['naming neither sub nor sid', (emulator) => emulator.createLogoutToken({})],
    ['without a jti', (emulator, sid) => emulator.createLogoutToken({ sid }, { jti: undefined })],
    ['without an exp', (emulator, sid) => emulator.createLogoutToken({ sid }, { exp: undefined })],
    ['that is not a JWT', async () => 'not.a.jwt'],
    ['that is empty', async () => ''],
  ]

  it.each(refused)('refuses a token %s (backchannel_logout_error, 400) and keeps the session', async (_, makeToken) => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator)
    const { browser, before } = await signedIn(auth, emulator)
    const token = await makeToken(emulator, emulator.lastSid('auth0|alice')!)
    const response = await postLogoutToken(auth, token)
    await expectSafeFailure({
      response,
      error: lastError(),
      code: 'backchannel_logout_error',
      status: 400,
      browser,
      auth,
      before,
      secrets: token ? [token] : [],
    })
    expect((await browser.send('/auth/profile')).status).toBe(200)
  })

  it('refuses a POST without logout_token (backchannel_logout_error, 400)', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator)
    const { browser, before } = await signedIn(auth, emulator)
    const response = await postLogoutToken(auth, undefined)
    await expectSafeFailure({ response, error: lastError(), code: 'backchannel_logout_error', status: 400, browser, auth, before })
  })

  it('refuses a replayed logout token (backchannel_logout_error, 400) and keeps the session made since', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator)
    await signedIn(auth, emulator)
    const sid = emulator.lastSid('auth0|alice')!
    const token = await emulator.createLogoutToken({ sid })
    expect((await postLogoutToken(auth, token)).status).toBe(200)
    // Alice signs in again (a new Auth0 session); the same token sent once more must not end it.
    const { browser, before } = await signedIn(auth, emulator)
    expect(before.sub).toBe('auth0|alice')
    expect(emulator.lastSid('auth0|alice')).not.toBe(sid)
    const replay = await postLogoutToken(auth, token)
    await expectSafeFailure({
      response: replay,
      error: lastError(),
      code: 'backchannel_logout_error',
      status: 400,
      browser,
      auth,
      before,
      secrets: [token],
    })
    expect((await browser.send('/auth/profile')).status).toBe(200)
  })

  it('refuses a logout token replayed to another instance sharing the session backend', async () => {
    const { emulator } = tenant
    const backend = new MemorySessionBackend()
    const first = recordingAuth(emulator, { stateStore: statefulStateStore(backend) })
    const second = recordingAuth(emulator, { stateStore: statefulStateStore(backend) })
    await signedIn(first.auth, emulator)
    const token = await emulator.createLogoutToken({ sub: 'auth0|alice' })
    expect((await postLogoutToken(first.auth, token)).status).toBe(200)
    const { browser, before } = await signedIn(second.auth, emulator)
    const replay = await postLogoutToken(second.auth, token)
    await expectSafeFailure({
      response: replay,
      error: second.lastError(),
      code: 'backchannel_logout_error',
      status: 400,
      browser,
      auth: second.auth,
      before,
      secrets: [token],
    })
  })

  it('answers 405 to a GET', async () => {
    const { emulator } = tenant
    const { auth } = recordingAuth(emulator)
    const response = await auth.handleBackchannelLogout(new Request(`${APP_ORIGIN}/auth/backchannel-logout?logout_token=x`))
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('POST')
  })
})
