/**
 * @module The behaviours every framework example app (Express 5, Fastify, Nuxt, React Router,
 * Astro) must show on top of harness.ts's auth-route suite: app code starting link, unlink and
 * connect in the framework's idiom, prefetches, cross-site refusals, tampered and oversized
 * cookies and the error page with its status. The link/unlink assertions live in
 * {@link expectLinkedThrough} and {@link expectUnlinkedThrough} only, so a change in how linking
 * completes (the emulator's pages, the Management API strategy) is one edit here.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HttpBrowser, type StartedApp, setCookieName } from './harness.js'

const connections = (app: StartedApp) => app.emulator.getUser('auth0|alice')?.identities.map((identity) => identity.connection) ?? []
const txCookies = (response: Response) =>
  response.headers
    .getSetCookie()
    .map(setCookieName)
    .filter((name) => name.startsWith('__a0_tx.'))
const isSessionCookie = (name: string) => name === '__session' || name.startsWith('__session.')

/** A form post as a browser sends it from the app's own page. */
export const sameSiteForm = (baseUrl: string, fields: Record<string, string>) => ({
  method: 'POST',
  headers: {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8',
    origin: baseUrl,
    'sec-fetch-site': 'same-origin',
  },
  body: new URLSearchParams(fields).toString(),
})

async function me(browser: HttpBrowser): Promise<{ sub: string | null; email: string | null; hasTokens: boolean }> {
  const response = await browser.send('/me')
  expect(response.status).toBe(200)
  return response.json()
}

/**
 * Posts `/settings/link` (app code calling `startLinkUser`), checks the redirect to the tenant is
 * the link sign-in and carries a link transaction cookie, follows it and checks that the kit linked
 * `connection` to alice through the Management API.
 */
export async function expectLinkedThrough(app: StartedApp, browser: HttpBrowser, connection: string): Promise<void> {
  const response = await browser.send('/settings/link', sameSiteForm(app.baseUrl, { connection }))
  expect([302, 303]).toContain(response.status)
  const authorize = new URL(response.headers.get('location') ?? '', app.baseUrl)
  expect(authorize.origin).toBe(app.emulator.origin)
  // The Management API strategy (the default): a fresh sign-in into the connection to link.
  expect(authorize.searchParams.get('connection')).toBe(connection)
  expect(authorize.searchParams.get('prompt')).toBe('login')
  expect(authorize.searchParams.get('scope')?.split(' ')).not.toContain('link_account')
  expect(txCookies(response)).toEqual([`__a0_tx.${authorize.searchParams.get('state')}`])
  const done = await browser.navigate(authorize)
  expect(done.url.href).toBe(`${app.baseUrl}/`)
  expect(connections(app)).toContain(connection)
}

/** Like {@link expectLinkedThrough} for `/settings/unlink`; the same user stays signed in. */
export async function expectUnlinkedThrough(app: StartedApp, browser: HttpBrowser, connection: string): Promise<void> {
  const response = await browser.send('/settings/unlink', sameSiteForm(app.baseUrl, { connection }))
  expect([302, 303]).toContain(response.status)
  const authorize = new URL(response.headers.get('location') ?? '', app.baseUrl)
  // The primary signs in again before Auth0 is asked to detach the identity.
  expect(authorize.searchParams.get('connection')).toBe('Username-Password-Authentication')
  expect(authorize.searchParams.get('max_age')).toBe('0')
  expect(txCookies(response)).toHaveLength(1)
  const done = await browser.navigate(authorize)
  expect(done.url.href).toBe(`${app.baseUrl}/`)
  expect(connections(app)).not.toContain(connection)
  expect((await me(browser)).sub).toBe('auth0|alice')
}

/**
 * One `describe` of the framework app's behaviours. The app must serve, besides what
 * `runBehaviourSuite` asks: `GET /me` → `{ sub, email, hasTokens }` from the framework's
 * per-request auth object; `POST /settings/link` and `/settings/unlink` (form field
 * `connection`) that start the flow from app code and redirect; `GET /account` behind the
 * framework's guard (302/303 to the login route when signed out); and connected accounts on
 * (`/auth/connect`).
 *
 * @example
 * ```ts
 * runFrameworkSuite('Fastify 5', () => startSpawnedApp({ command: process.execPath, args: ['examples/fastify/server.js'] }))
 * ```
 */
export function runFrameworkSuite(name: string, start: () => Promise<StartedApp>): void {
  describe(name, () => {
    let app: StartedApp | undefined
    const started = (): StartedApp => {
      if (!app) throw new Error(`${name}: the app did not start`)
      return app
    }
    beforeAll(async () => {
      app = await start()
    }, 120_000)
    afterAll(async () => {
      await app?.stop()
    })

    it('reads the user and session through the per-request auth object', async () => {
      const browser = new HttpBrowser(started().baseUrl)
      expect(await me(browser)).toEqual({ sub: null, email: null, hasTokens: false })
      await browser.navigate('/auth/login?returnTo=/')
      expect(await me(browser)).toEqual({ sub: 'auth0|alice', email: 'alice@example.com', hasTokens: true })
    })

    it('guards /account: signed out goes to login and comes back', async () => {
      const { baseUrl } = started()
      const browser = new HttpBrowser(baseUrl)
      const page = await browser.send('/account')
      expect([302, 303]).toContain(page.status)
      const login = new URL(page.headers.get('location') ?? '', baseUrl)
      expect(`${login.pathname}?${login.searchParams}`).toBe(`/auth/login?returnTo=${encodeURIComponent('/account')}`)
      const landed = await browser.navigate(login)
      expect(landed.url.href).toBe(`${baseUrl}/account`)
      expect(await landed.response.text()).toContain('alice@example.com')
    })

    it('links and unlinks from app code, with the cookies on the redirect that starts them', async () => {
      const app = started()
      const browser = new HttpBrowser(app.baseUrl)
      await browser.navigate('/auth/login?returnTo=/')
      expect((await browser.send('/me')).headers.getSetCookie()).toEqual([])
      await expectLinkedThrough(app, browser, 'github')
      await expectUnlinkedThrough(app, browser, 'github')
    })

    it('connects an account (Connected Accounts) through /auth/connect and lists it', async () => {
      const app = started()
      const browser = new HttpBrowser(app.baseUrl)
      await browser.navigate('/auth/login?returnTo=/')
      const done = await browser.navigate('/auth/connect?connection=google-oauth2&returnTo=/')
      expect(done.url.href).toBe(`${app.baseUrl}/`)
      expect(app.emulator.connectedAccounts('auth0|alice').map((account) => account.connection)).toContain('google-oauth2')
      const listed = (await (await browser.send('/auth/connected-accounts')).json()) as { connectedAccounts: Array<{ connection: string }> }
      expect(listed.connectedAccounts.map((account) => account.connection)).toContain('google-oauth2')
    })

    it.each([['/auth/login?returnTo=/'], ['/auth/link?connection=github'], ['/auth/unlink?connection=github'], ['/auth/logout']])(
      'answers a prefetch of %s with 204 and no cookie',
      async (path) => {
        const app = started()
        const browser = new HttpBrowser(app.baseUrl)
        await browser.navigate('/auth/login?returnTo=/')
        const before = app.emulator.authorizeRequests.length
        const response = await browser.send(path, { headers: { 'sec-purpose': 'prefetch' } })
        expect(response.status).toBe(204)
        expect(response.headers.getSetCookie()).toEqual([])
        expect(app.emulator.authorizeRequests.length).toBe(before)
        expect((await me(browser)).sub).toBe('auth0|alice')
      },
    )

    it('refuses a link started from another site, by the route and by app code, with 403', async () => {
      const app = started()
      const browser = new HttpBrowser(app.baseUrl)
      await browser.navigate('/auth/login?returnTo=/')
      const before = app.emulator.authorizeRequests.length
      const route = await browser.send('/auth/link?connection=github', { headers: { 'sec-fetch-site': 'cross-site' } })
      expect(route.status).toBe(403)
      const crossSite = sameSiteForm(app.baseUrl, { connection: 'github' })
      crossSite.headers = { ...crossSite.headers, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }
      const appCode = await browser.send('/settings/link', crossSite)
      expect(appCode.status).toBe(403)
      for (const response of [route, appCode]) {
        expect(response.headers.get('location')).toBeNull()
        expect(txCookies(response)).toEqual([])
      }
      expect(app.emulator.authorizeRequests.length).toBe(before)
      expect(connections(app)).not.toContain('github')
    })

    it('reads a tampered session cookie as signed out, with no server error', async () => {
      const browser = new HttpBrowser(started().baseUrl)
      await browser.navigate('/auth/login?returnTo=/')
      const name = [...browser.cookies.keys()].find(isSessionCookie)!
      const value = browser.cookies.get(name)!
      browser.cookies.set(name, `${value.slice(0, 40)}${value[40] === 'A' ? 'B' : 'A'}${value.slice(41)}`)
      expect(await me(browser)).toEqual({ sub: null, email: null, hasTokens: false })
      expect((await browser.send('/auth/profile')).status).toBe(401)
      const page = await browser.send('/')
      expect(page.status).toBe(200)
      expect(await page.text()).not.toContain('alice@example.com')
    })

    it('answers oversized cookies without a server error and keeps serving', async () => {
      const { baseUrl } = started()
      const chunks = Array.from({ length: 3 }, (_, i) => `__session.${i}=${'x'.repeat(3000)}`).join('; ')
      const large = await fetch(`${baseUrl}/me`, { headers: { cookie: chunks } })
      expect(large.status).toBe(200)
      expect(await large.json()).toMatchObject({ sub: null })
      // Past Node's header limit (16 KB by default): a 431 or a closed connection, never a 5xx.
      const huge = await fetch(`${baseUrl}/me`, { headers: { cookie: `a=${'y'.repeat(256 * 1024)}` } }).then(
        async (response) => ({ status: response.status, body: await response.text() }),
        () => undefined,
      )
      if (huge?.status === 200) expect(JSON.parse(huge.body)).toMatchObject({ sub: null })
      else if (huge) expect(huge.status >= 400 && huge.status < 500).toBe(true)
      expect((await fetch(`${baseUrl}/hello`)).status).toBe(200)
    })

    it('renders a failed callback as an error page with its status, no query text, the session kept', async () => {
      const { baseUrl } = started()
      const browser = new HttpBrowser(baseUrl)
      await browser.navigate('/auth/login?returnTo=/')
      const probe = '<script>alert(1)</script>'
      const response = await browser.send(`/auth/callback?code=x&state=${encodeURIComponent(probe)}`, {
        headers: { accept: 'text/html' },
      })
      expect(response.status).toBeGreaterThanOrEqual(400)
      expect(response.status).toBeLessThan(500)
      expect(response.headers.get('location')).toBeNull()
      expect(response.headers.get('content-type')).toMatch(/^text\/html/)
      const html = await response.text()
      expect(html).toContain(`(HTTP ${response.status})`)
      expect(html).not.toContain(probe)
      expect(response.headers.getSetCookie().map(setCookieName).filter(isSessionCookie)).toEqual([])
      expect((await me(browser)).sub).toBe('auth0|alice')
    })
  })
}
