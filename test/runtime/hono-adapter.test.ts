// The Hono middleware in this process, through `app.fetch` and the emulated tenant behind MSW:
// which requests it answers, what `c.var.auth` reads and on which response its cookies land,
// `requiresAuth` in both modes, and the Workers bindings factory. The real runtimes run the same
// app in hono-runtimes.test.ts and workerd.test.ts.

import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { auth0, authFromBindings, createAuth, requiresAuth, type Variables } from '../../adapters/hono.js'
import { type Auth, ConfigurationError } from '../../core/index.js'
import type { Auth0Emulator } from '../../testing/index.js'
import { BrowserBase, setCookieName } from '../support/browser.js'
import { APP_ORIGIN, authOptions, SECRET, useMockedTenant } from '../support/tenant.js'

const tenant = useMockedTenant()

type AppEnv = { Bindings: Record<string, unknown>; Variables: Variables }

/** A browser whose app requests go to `app.fetch(request, bindings)`, tenant ones to the emulator. */
class HonoBrowser extends BrowserBase {
  constructor(
    readonly app: Hono<AppEnv>,
    readonly emulator: Auth0Emulator,
    readonly bindings: Record<string, unknown> = {},
  ) {
    super(APP_ORIGIN)
  }
  protected async transport(request: Request, toApp: boolean): Promise<Response> {
    if (!toApp) return this.emulator.handle(request)
    return this.app.fetch(request, this.bindings)
  }
}

const bindingsOf = (emulator: Auth0Emulator): Record<string, string> => ({
  AUTH0_DOMAIN: emulator.domain,
  AUTH0_CLIENT_ID: emulator.clientId,
  AUTH0_CLIENT_SECRET: emulator.clientSecret,
  AUTH0_SECRET: SECRET,
  APP_BASE_URL: APP_ORIGIN,
})

/** The app under test: what c.var.auth reads, link/unlink started by app code, guarded routes. */
function testApp(auth: Auth | ((c: never) => Auth), seen: string[] = []): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use(auth0(auth as Auth))
  app.use(async (c, next) => {
    seen.push(c.req.path)
    await next()
  })
  app.get('/me', async (c) => {
    const user = await c.var.auth.getUser()
    const session = await c.var.auth.getSession()
    return c.json({ sub: user?.sub ?? null, hasTokens: (session?.tokenSets.length ?? 0) > 0 })
  })
  app.post('/link', async (c) =>
    c.redirect(String(await c.var.auth.startLinkUser({ connection: 'github', appState: { returnTo: '/done' } }))),
  )
  // Response.redirect() has immutable headers: the middleware must copy it to add cookies.
  app.post('/unlink-frozen', async (c) =>
    Response.redirect(await c.var.auth.startUnlinkUser({ connection: 'github', appState: { returnTo: '/done' } }), 302),
  )
  app.get('/token', async (c) => c.json({ expiresAt: (await c.var.auth.getAccessToken()).expiresAt }))
  app.post('/connect', async (c) =>
    c.redirect(String(await c.var.auth.startConnectAccount({ connection: 'google-oauth2', appState: { returnTo: '/calendar' } }))),
  )
  app.get('/calendar', async (c) => {
    const accounts = await c.var.auth.listConnectedAccounts()
    const { expiresAt } = await c.var.auth.getAccessTokenForConnection({ connection: 'google-oauth2' })
    return c.json({ connections: accounts.map((account) => account.connection), expiresAt })
  })
  app.get('/account', requiresAuth(), (c) => c.text('account page'))
  app.get('*', (c) => c.text('app page'))
  return app
}

async function signIn(browser: HonoBrowser) {
  const { url, response } = await browser.navigate('/auth/login?returnTo=/home')
  expect(response.status).toBe(200)
  expect(url.pathname).toBe('/home')
}

const connections = (emulator: Auth0Emulator) => emulator.getUser('auth0|alice')?.identities.map((identity) => identity.connection) ?? []
const txCookies = (response: Response) =>
  response.headers
    .getSetCookie()
    .map(setCookieName)
    .filter((name) => name.startsWith('__a0_tx.'))

describe('auth0() middleware', () => {
  it('answers the auth routes itself and never runs the app for them', async () => {
    const seen: string[] = []
    const browser = new HonoBrowser(testApp(createAuth({}, bindingsOf(tenant.emulator)), seen), tenant.emulator)
    const login = await browser.send('/auth/login?returnTo=/x')
    expect(login.status).toBe(302)
    expect(new URL(login.headers.get('location')!).origin).toBe(tenant.emulator.origin)
    expect(txCookies(login)).toHaveLength(1)
    expect((await browser.send('/auth/profile')).status).toBe(401)
    expect(seen).toEqual([])
    expect(await (await browser.send('/other')).text()).toBe('app page')
    expect(seen).toEqual(['/other'])
  })

  it('gives app routes c.var.auth with the signed-in user and the session', async () => {
    const browser = new HonoBrowser(testApp(createAuth({}, bindingsOf(tenant.emulator))), tenant.emulator)
    expect(await (await browser.send('/me')).json()).toEqual({ sub: null, hasTokens: false })
    await signIn(browser)
    expect(await (await browser.send('/me')).json()).toEqual({ sub: 'auth0|alice', hasTokens: true })
    expect((await (await browser.send('/token')).json()).expiresAt).toBeGreaterThan(Date.now() / 1000)
  })

  it('puts the link transaction cookie on the redirect the handler returns, and the link completes', async () => {
    const browser = new HonoBrowser(testApp(createAuth({}, bindingsOf(tenant.emulator))), tenant.emulator)
    await signIn(browser)
    const start = await browser.send('/link', { method: 'POST' })
    expect(start.status).toBe(302)
    const authorize = new URL(start.headers.get('location')!)
    expect(authorize.searchParams.get('connection')).toBe('github')
    expect(txCookies(start)).toEqual([`__a0_tx.${authorize.searchParams.get('state')}`])
    const done = await browser.navigate(authorize)
    expect(done.url.pathname).toBe('/done')
    expect(connections(tenant.emulator)).toContain('github')
  })

  it('connects a provider account from app code, lists it and gets its Token Vault token through c.var.auth', async () => {
    const browser = new HonoBrowser(testApp(createAuth({}, bindingsOf(tenant.emulator))), tenant.emulator)
    await signIn(browser)
    const start = await browser.send('/connect', { method: 'POST' })
    expect(start.status).toBe(302)
    // The connect transaction and the session holding the My Account API token ride on the redirect.
    expect(txCookies(start)).toHaveLength(1)
    const { url, response } = await browser.navigate(new URL(start.headers.get('location')!))
    expect(url.pathname).toBe('/calendar')
    const body = (await response.json()) as { connections: string[]; expiresAt: number }
    expect(body.connections).toEqual(['google-oauth2'])
    expect(body.expiresAt).toBeGreaterThan(Date.now() / 1000)
    expect(tenant.emulator.connectedAccounts('auth0|alice').map((account) => account.connection)).toEqual(['google-oauth2'])
  })

  it('adds the cookies to a response whose headers are immutable (Response.redirect)', async () => {
    const browser = new HonoBrowser(testApp(createAuth({}, bindingsOf(tenant.emulator))), tenant.emulator)
    await signIn(browser)
    await browser.navigate('/link', { method: 'POST' })
    const start = await browser.send('/unlink-frozen', { method: 'POST' })
    expect(start.status).toBe(302)
    const authorize = new URL(start.headers.get('location')!)
    expect(txCookies(start)).toEqual([`__a0_tx.${authorize.searchParams.get('state')}`])
    await browser.navigate(authorize)
    expect(connections(tenant.emulator)).not.toContain('github')
  })

  it('rewrites a session read under a rotated secret onto the app response', async () => {
    const bindings = bindingsOf(tenant.emulator)
    const browser = new HonoBrowser(testApp(createAuth({}, bindings)), tenant.emulator)
    await signIn(browser)
    const before = browser.cookies.get('__session')
    const rotated = new HonoBrowser(
      testApp(createAuth({ secret: ['a-newer-secret-that-is-also-32-characters-long', SECRET] }, bindings)),
      tenant.emulator,
    )
    for (const [name, value] of browser.cookies) rotated.cookies.set(name, value)
    const me = await rotated.send('/me')
    expect((await me.json()).sub).toBe('auth0|alice')
    expect(me.headers.getSetCookie().map(setCookieName)).toContain('__session')
    expect(rotated.cookies.get('__session')).not.toBe(before)
  })

  it('reads a tampered session cookie as signed out, without an error', async () => {
    const browser = new HonoBrowser(testApp(createAuth({}, bindingsOf(tenant.emulator))), tenant.emulator)
    await signIn(browser)
    const value = browser.cookies.get('__session')!
    browser.cookies.set('__session', `${value.slice(0, -6)}AAAAAA`)
    const me = await browser.send('/me')
    expect(me.status).toBe(200)
    expect(await me.json()).toEqual({ sub: null, hasTokens: false })
    expect((await browser.send('/auth/profile')).status).toBe(401)
  })
})

describe('requiresAuth()', () => {
  it('sends a signed-out page to the login route with itself as returnTo, and lets a signed-in one through', async () => {
    const browser = new HonoBrowser(testApp(createAuth({}, bindingsOf(tenant.emulator))), tenant.emulator)
    const page = await browser.send('/account?tab=linked')
    expect(page.status).toBe(302)
    expect(page.headers.get('cache-control')).toBe('no-store')
    const login = new URL(page.headers.get('location')!, APP_ORIGIN)
    expect(login.pathname).toBe('/auth/login')
    expect(login.searchParams.get('returnTo')).toBe('/account?tab=linked')
    const landed = await browser.navigate(login)
    expect(landed.url.href).toBe(`${APP_ORIGIN}/account?tab=linked`)
    expect(await landed.response.text()).toBe('account page')
  })

  it('answers 401 JSON missing_session to a request that asks for JSON', async () => {
    const browser = new HonoBrowser(testApp(createAuth({}, bindingsOf(tenant.emulator))), tenant.emulator)
    const api = await browser.send('/account', { headers: { accept: 'application/json' } })
    expect(api.status).toBe(401)
    expect(api.headers.get('location')).toBeNull()
    expect(await api.json()).toMatchObject({ error: 'missing_session' })
  })

  it('uses the login route the instance was configured with', async () => {
    const auth = createAuth({ routes: { login: '/sign-in' } }, bindingsOf(tenant.emulator))
    const browser = new HonoBrowser(testApp(auth), tenant.emulator)
    const page = await browser.send('/account')
    expect(new URL(page.headers.get('location')!, APP_ORIGIN).pathname).toBe('/sign-in')
  })

  it('fails loudly when auth0() is not mounted before it', async () => {
    const app = new Hono<AppEnv>()
    app.get('/account', requiresAuth(), (c) => c.text('account page'))
    app.onError((error, c) => c.text(error instanceof ConfigurationError ? error.option : 'other', 500))
    const response = await app.fetch(new Request(`${APP_ORIGIN}/account`))
    expect(response.status).toBe(500)
    expect(await response.text()).toBe('requiresAuth')
  })
})

describe('authFromBindings()', () => {
  const contextOf = (env: unknown) => ({ env }) as never

  it('builds one instance per bindings object and a new one for new bindings', () => {
    const factory = authFromBindings()
    const bindings = bindingsOf(tenant.emulator)
    const first = factory(contextOf(bindings))
    expect(factory(contextOf(bindings))).toBe(first)
    expect(factory(contextOf({ ...bindings }))).not.toBe(first)
  })

  it('signs in end to end with options from the bindings and a function of them', async () => {
    const factory = authFromBindings<AppEnv>((bindings) => ({ routes: { login: String(bindings.LOGIN_PATH) } }))
    const browser = new HonoBrowser(testApp(factory), tenant.emulator, { ...bindingsOf(tenant.emulator), LOGIN_PATH: '/sign-in' })
    const { url } = await browser.navigate('/account')
    expect(url.pathname).toBe('/account')
    expect(browser.visitsTo('/sign-in')).toHaveLength(1)
    expect(await (await browser.send('/me')).json()).toMatchObject({ sub: 'auth0|alice' })
  })

  it.each(['AUTH0_DOMAIN', 'AUTH0_CLIENT_ID', 'AUTH0_CLIENT_SECRET', 'AUTH0_SECRET'])(
    'answers a missing %s binding with a 500 page that names it and shows no secret',
    async (missing) => {
      const bindings: Record<string, unknown> = bindingsOf(tenant.emulator)
      delete bindings[missing]
      const browser = new HonoBrowser(testApp(authFromBindings()), tenant.emulator, bindings)
      const page = await browser.send('/')
      expect(page.status).toBe(500)
      expect(page.headers.get('content-type')).toMatch(/^text\/html/)
      const html = await page.text()
      expect(html).toContain(missing)
      expect(html).toContain('configuration_error')
      expect(html).not.toContain(SECRET)
      expect(html).not.toContain(tenant.emulator.clientSecret)
      const api = await browser.send('/me', { headers: { accept: 'application/json' } })
      expect(api.status).toBe(500)
      expect(await api.json()).toMatchObject({ error: 'configuration_error' })
      expect(page.headers.getSetCookie()).toEqual([])
    },
  )

  it('treats a binding that is not a string (a KV namespace under the same name) as missing', () => {
    const factory = authFromBindings()
    expect(() => factory(contextOf({ ...bindingsOf(tenant.emulator), AUTH0_SECRET: { get() {} } }))).toThrow(/AUTH0_SECRET/)
    expect(() => factory(contextOf(undefined))).toThrow(ConfigurationError)
  })

  it('lets explicit options win over bindings', () => {
    const auth = authFromBindings({ ...authOptions(tenant.emulator), appBaseUrl: 'https://app.example.com' })(contextOf({}))
    expect(auth.routePaths.has('/auth/login')).toBe(true)
  })
})
