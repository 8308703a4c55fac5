import { describe, expect, it } from 'vitest'
import type { Auth } from '../../core/index.js'
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

  it('answers 405 to a GET', async () => {
    const { emulator } = tenant
    const { auth } = recordingAuth(emulator)
    const response = await auth.handleBackchannelLogout(new Request(`${APP_ORIGIN}/auth/backchannel-logout?logout_token=x`))
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('POST')
  })
})
