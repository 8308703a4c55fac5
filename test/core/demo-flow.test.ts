import { describe, expect, it } from 'vitest'
import { TestBrowser } from '../support/browser.js'
import { APP_ORIGIN, createTestAuth, useMockedTenant } from '../support/tenant.js'

const tenant = useMockedTenant()

describe('the demo journey through the handlers', () => {
  it('signs in, links github, lists it, unlinks it and logs out', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })

    expect((await browser.send('/auth/profile')).status).toBe(401)

    const signIn = await browser.navigate('/auth/login?returnTo=/')
    expect(signIn.url.href).toBe(`${APP_ORIGIN}/`)
    const profile = await browser.send('/auth/profile')
    expect(profile.status).toBe(200)
    expect(profile.headers.get('cache-control')).toBe('no-store')
    const user = (await profile.json()) as { sub: string; email: string }
    expect(user).toMatchObject({ sub: 'auth0|alice', email: 'alice@example.com' })

    await browser.navigate('/auth/link?connection=github&returnTo=/')
    expect(emulator.getUser(user.sub)!.identities.map((identity) => identity.connection)).toEqual([
      'Username-Password-Authentication',
      'github',
    ])

    await browser.navigate('/auth/unlink?connection=github&returnTo=/')
    expect(emulator.getUser(user.sub)!.identities.map((identity) => identity.connection)).toEqual(['Username-Password-Authentication'])

    const logout = await browser.send('/auth/logout?returnTo=/')
    expect(logout.status).toBe(302)
    const location = new URL(logout.headers.get('location')!)
    expect(location.origin + location.pathname).toBe(`${emulator.origin}/oidc/logout`)
    expect(location.searchParams.get('post_logout_redirect_uri')).toBe(`${APP_ORIGIN}/`)
    expect(location.searchParams.get('client_id')).toBe(emulator.clientId)
    expect(location.searchParams.get('id_token_hint')).toBeTruthy()
    expect(browser.cookies.has('__session')).toBe(false)
    expect((await browser.send('/auth/profile')).status).toBe(401)
    const back = await browser.navigate(location)
    expect(back.url.href).toBe(`${APP_ORIGIN}/`)
  })

  it('leaves other paths to the app: handler() resolves null', async () => {
    const auth = createTestAuth(tenant.emulator)
    expect(await auth.handler(new Request(`${APP_ORIGIN}/`))).toBeNull()
    expect(await auth.handler(new Request(`${APP_ORIGIN}/auth/unknown`))).toBeNull()
    expect(await auth.handler(new Request(`${APP_ORIGIN}/auth/login`))).toBeInstanceOf(Response)
  })

  it('answers the access-token route with the session token, and 401 when signed out', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    const signedOut = await browser.send('/auth/access-token', { headers: { accept: 'application/json' } })
    expect(signedOut.status).toBe(401)
    expect(await signedOut.json()).toMatchObject({ error: 'missing_session' })
    await browser.navigate('/auth/login')
    const response = await browser.send('/auth/access-token')
    const body = (await response.json()) as { token: string; expiresAt: number; scope: string }
    const session = await auth.getSession(browser.request('/'))
    expect(body.token).toBe(session!.tokenSets[0]!.accessToken)
    expect(body.expiresAt).toBeGreaterThan(Date.now() / 1000)
  })
})
