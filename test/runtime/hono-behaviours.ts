// The behaviours of the Hono example app (examples/hono/app.js) that every runtime hosting it must
// show, beyond the shared auth-route suite in harness.ts: `c.var.auth` reads, `requiresAuth` in
// both modes, cookies written by app code on the response that carries them, prefetches, a
// cross-site start, a tampered cookie and an oversized header.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HttpBrowser, type StartedApp, setCookieName } from './harness.js'

const connections = (app: StartedApp) => app.emulator.getUser('auth0|alice')?.identities.map((identity) => identity.connection) ?? []
const txCookies = (response: Response) =>
  response.headers
    .getSetCookie()
    .map(setCookieName)
    .filter((name) => name.startsWith('__a0_tx.'))
const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
})

async function me(browser: HttpBrowser): Promise<{ sub: string | null; email: string | null; hasTokens: boolean }> {
  const response = await browser.send('/me')
  expect(response.status).toBe(200)
  return response.json()
}

/**
 * One `describe` of the Hono app's behaviours against an app `start` returns (started once,
 * stopped after, also when a test fails).
 *
 * @example
 * ```ts
 * runHonoSuite('Hono on Bun', () => startSpawnedApp({ command: bun, args: ['test/runtime/apps/hono-bun.ts'] }))
 * ```
 */
export function runHonoSuite(name: string, start: () => Promise<StartedApp>): void {
  describe(name, () => {
    let app: StartedApp | undefined
    const started = (): StartedApp => {
      if (!app) throw new Error(`${name}: the app did not start`)
      return app
    }
    beforeAll(async () => {
      app = await start()
    })
    afterAll(async () => {
      await app?.stop()
    })

    it('reads the user and session through c.var.auth', async () => {
      const browser = new HttpBrowser(started().baseUrl)
      expect(await me(browser)).toEqual({ sub: null, email: null, hasTokens: false })
      await browser.navigate('/auth/login?returnTo=/')
      expect(await me(browser)).toEqual({ sub: 'auth0|alice', email: 'alice@example.com', hasTokens: true })
    })

    it('requiresAuth sends a page to login and back, and answers JSON with 401 missing_session', async () => {
      const { baseUrl } = started()
      const browser = new HttpBrowser(baseUrl)
      const api = await browser.send('/api/account', { headers: { accept: 'application/json' } })
      expect(api.status).toBe(401)
      expect(await api.json()).toMatchObject({ error: 'missing_session' })

      const page = await browser.send('/account?tab=linked')
      expect(page.status).toBe(302)
      const login = new URL(page.headers.get('location')!, baseUrl)
      expect(`${login.pathname}?${login.searchParams}`).toBe(`/auth/login?returnTo=${encodeURIComponent('/account?tab=linked')}`)
      const landed = await browser.navigate(login)
      expect(landed.url.href).toBe(`${baseUrl}/account?tab=linked`)
      expect(await landed.response.text()).toContain('Account of alice@example.com')
      const signedIn = await browser.send('/api/account', { headers: { accept: 'application/json' } })
      expect(await signedIn.json()).toEqual({ email: 'alice@example.com' })
    })

    it('puts the cookies of a link and unlink started by app code on the redirect that starts them', async () => {
      const app = started()
      const browser = new HttpBrowser(app.baseUrl)
      await browser.navigate('/auth/login?returnTo=/')
      const reads = await browser.send('/me')
      expect(reads.headers.getSetCookie()).toEqual([])

      const link = await browser.send('/settings/link', form({ connection: 'github' }))
      expect(link.status).toBe(302)
      const authorize = new URL(link.headers.get('location')!)
      expect(authorize.origin).toBe(app.emulator.origin)
      expect(txCookies(link)).toEqual([`__a0_tx.${authorize.searchParams.get('state')}`])
      expect((await browser.navigate(authorize)).url.href).toBe(`${app.baseUrl}/`)
      expect(connections(app)).toContain('github')

      const unlink = await browser.send('/settings/unlink', form({ connection: 'github' }))
      expect(txCookies(unlink)).toHaveLength(1)
      await browser.navigate(new URL(unlink.headers.get('location')!))
      expect(connections(app)).not.toContain('github')
      expect((await me(browser)).sub).toBe('auth0|alice')
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

    it('refuses a link started from another site, by the auth route and by app code, with 403', async () => {
      const app = started()
      const browser = new HttpBrowser(app.baseUrl)
      await browser.navigate('/auth/login?returnTo=/')
      const route = await browser.send('/auth/link?connection=github', { headers: { 'sec-fetch-site': 'cross-site' } })
      expect(route.status).toBe(403)
      const crossSite = {
        ...form({ connection: 'github' }),
        headers: { ...form({}).headers, 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
      }
      const appCode = await browser.send('/settings/link', crossSite)
      expect(appCode.status).toBe(403)
      for (const response of [route, appCode]) {
        expect(response.headers.get('location')).toBeNull()
        expect(txCookies(response)).toEqual([])
      }
      expect(connections(app)).not.toContain('github')
    })

    it('reads a tampered session cookie as signed out, with no server error', async () => {
      const browser = new HttpBrowser(started().baseUrl)
      await browser.navigate('/auth/login?returnTo=/')
      const name = [...browser.cookies.keys()].find((cookie) => cookie === '__session' || cookie.startsWith('__session.'))!
      const value = browser.cookies.get(name)!
      browser.cookies.set(name, `${value.slice(0, 40)}${value[40] === 'A' ? 'B' : 'A'}${value.slice(41)}`)
      expect(await me(browser)).toEqual({ sub: null, email: null, hasTokens: false })
      expect((await browser.send('/auth/profile')).status).toBe(401)
      const page = await browser.send('/')
      expect(page.status).toBe(200)
      expect(await page.text()).not.toContain('alice@example.com')
    })

    it('answers an oversized Cookie header without a server error and keeps serving', async () => {
      const { baseUrl } = started()
      // Garbage session chunks under the runtimes' header limits: read as signed out.
      const chunks = Array.from({ length: 3 }, (_, i) => `__session.${i}=${'x'.repeat(3000)}`).join('; ')
      const large = await fetch(`${baseUrl}/me`, { headers: { cookie: chunks } })
      expect(large.status).toBe(200)
      expect(await large.json()).toMatchObject({ sub: null })
      // Far past Node's, Bun's and workerd's limits (16 to 128 KB): refused with a 4xx or the
      // connection closed; a runtime that takes it reads it as signed out. Never a 5xx.
      const huge = await fetch(`${baseUrl}/me`, { headers: { cookie: `a=${'y'.repeat(256 * 1024)}` } }).then(
        async (response) => ({ status: response.status, body: await response.text() }),
        () => undefined,
      )
      if (huge?.status === 200) expect(JSON.parse(huge.body)).toMatchObject({ sub: null })
      else if (huge) expect(huge.status >= 400 && huge.status < 500).toBe(true)
      expect((await fetch(`${baseUrl}/hello`)).status).toBe(200)
    })
  })
}
