// Issue 20 (DESIGN §19): each weakness found from outside, as a named negative case through the
// public API or the handlers. Every case asserts the typed code (or the safe outcome where
// nothing is refused), a safe answer, and the session the browser had, unchanged.
import { describe, expect, it } from 'vitest'
import { KIT_COOKIE_BUDGET } from '../../core/cookies/jar.js'
import { type AuthOptions, type SessionData, SessionStoreError, type StateStore } from '../../core/index.js'
import { readBoundedBody, readBoundedForm } from '../../core/request-body.js'
import { createAuth0Emulator } from '../../testing/index.js'
import { TestBrowser } from '../support/browser.js'
import { CONNECT_GOOGLE, CONNECTED_ACCOUNTS, connectCallbackFor } from '../support/connected-accounts.js'
import { customDomains, SHOP_A, SHOP_B, ShopBrowser, shopAuth } from '../support/custom-domains.js'
import { keep, signedInBrowser, storeOptionsOf } from '../support/flows.js'
import { APP_ORIGIN, createTestAuth, SECRET, useMockedTenant } from '../support/tenant.js'
import { expectSafeFailure, SIGNED_OUT, snapshotSession } from './expect-safe-failure.js'
import { browserWithCookiesOf, recordingAuth, signedIn } from './scenario.js'

const ACME = { id: 'org_acme123', name: 'acme', members: ['auth0|alice'] }
const GLOBEX = { id: 'org_globex456', name: 'globex', members: ['auth0|alice'] }
const tenant = useMockedTenant({ organizations: [ACME, GLOBEX] })

const HTTPS_APP = 'https://app.example.com'
const bytes = (browser: TestBrowser) => new TextEncoder().encode(browser.cookieHeader()).length
const LARGE = { maxCookieSize: 40_000 }

/** A random, incompressible claim so a session grows by exactly `length`. */
function filler(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'
  return Array.from(crypto.getRandomValues(new Uint8Array(length)), (byte) => alphabet[byte % 36]).join('')
}

describe('item 5: planted cookie names that are not RFC 6265 tokens', () => {
  it('ignores a planted `__session. 1`: the callback and logout answer, never a 5xx', async () => {
    const { emulator } = tenant
    const { auth, errors } = recordingAuth(emulator)
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    browser.cookies.set('__session. 1', 'planted')
    const { url } = await browser.navigate('/auth/login?returnTo=/home')
    expect(url.pathname).toBe('/home')
    expect((await auth.getUser(browser.request('/')))?.sub).toBe('auth0|alice')
    const logout = await browser.send('/auth/logout', { method: 'POST' })
    expect(logout.status).toBe(302)
    expect(errors).toEqual([])
    expect(logout.headers.getSetCookie().some((cookie) => cookie.startsWith('__session. 1'))).toBe(false)
  })

  it('ignores a malformed oldest `__a0_tx.*` name when evicting transactions', async () => {
    const { emulator } = tenant
    const { auth, errors } = recordingAuth(emulator)
    const { browser, before } = await signedIn(auth, emulator)
    browser.cookies.set('__a0_tx.{bad}', '0.planted')
    for (let i = 0; i < 6; i++) expect((await browser.send(`/auth/link?connection=github&returnTo=/${i}`)).status).toBe(302)
    expect(errors).toEqual([])
    expect((await snapshotSession(auth, browser)).cookies).toEqual(before.cookies)
  })
})

describe('item 4: cookie tossing', () => {
  it('never lets a planted unchunked session beat a complete chunk set, even sent last', async () => {
    const { emulator } = tenant
    const { auth } = recordingAuth(emulator, {
      session: LARGE,
      beforeSessionSaved: (s) => ({ ...s, user: { ...s.user, big: filler(6000) } }),
    })
    const victim = await signedInBrowser(auth, emulator)
    expect(victim.cookies.has('__session.1')).toBe(true)
    emulator.signInAs('auth0|bob')
    const { auth: small } = recordingAuth(emulator)
    const attacker = await signedInBrowser(small, emulator)
    victim.cookies.set('__session', attacker.cookies.get('__session')!)
    expect((await auth.getUser(victim.request('/')))?.sub).toBe('auth0|alice')
  })

  it('names the session and transaction cookies `__Host-` on https without a domain, and ignores un-prefixed ones', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator, { appBaseUrl: HTTPS_APP })
    const login = await auth.handleLogin(new Request(`${HTTPS_APP}/auth/login`, { headers: { 'sec-fetch-site': 'same-origin' } }))
    const [transaction] = login.headers.getSetCookie()
    expect(transaction).toMatch(/^__Host-a0_tx\.[^=]+=.*; Path=\/; .*; Secure$/)
    expect(transaction).not.toMatch(/Domain=/i)

    // A session of Bob's, encrypted under the app's secret, planted un-prefixed from a sibling subdomain.
    emulator.signInAs('auth0|bob')
    const bob = await signedInBrowser(createTestAuth(emulator), emulator)
    const planted = new Request(`${HTTPS_APP}/`, { headers: { cookie: `__session=${bob.cookies.get('__session')}` } })
    expect(await auth.getSession(planted)).toBeUndefined()
    const prefixed = new Request(`${HTTPS_APP}/`, { headers: { cookie: `__Host-session=${bob.cookies.get('__session')}` } })
    expect((await auth.getUser(prefixed))?.sub).toBe('auth0|bob')
  })

  it('keeps a configured cookie name or domain as given (no prefix)', async () => {
    const { emulator } = tenant
    for (const [overrides, name] of [
      [{ transactionCookie: { prefix: 'tx' } }, 'tx.'],
      [{ transactionCookie: { domain: 'example.com' } }, '__a0_tx.'],
    ] as const) {
      const auth = createTestAuth(emulator, { appBaseUrl: HTTPS_APP, ...overrides })
      const login = await auth.handleLogin(new Request(`${HTTPS_APP}/auth/login`))
      expect(login.headers.getSetCookie()[0]?.startsWith(name)).toBe(true)
    }
  })
})

describe('item 1: the kit’s cookies stay within 8 KB', () => {
  it('evicts the oldest transactions by total bytes however many flows are started', async () => {
    const { emulator } = tenant
    const { auth } = recordingAuth(emulator)
    const { browser, before } = await signedIn(auth, emulator)
    const long = `/${'a'.repeat(2000)}`
    for (let i = 0; i < 8; i++) {
      expect((await browser.send(`/auth/link?connection=github&returnTo=${long}${i}`)).status).toBe(302)
      expect(bytes(browser)).toBeLessThanOrEqual(KIT_COOKIE_BUDGET)
    }
    expect((await snapshotSession(auth, browser)).cookies).toEqual(before.cookies)
    // The newest flow survives eviction and completes.
    const last = await browser.navigate('/auth/link?connection=google-oauth2&returnTo=/last')
    expect(last.url.pathname).toBe('/last')
  })
})

describe('item 2: cached access tokens are capped, and a refresh never loses the rotated refresh token', () => {
  it('keeps at most six token sets, the oldest evicted, and the cookies within 8 KB', async () => {
    const { emulator } = tenant
    const scopes = ['openid', 'profile', 'email', 'openid profile', 'openid email', 'profile email', 'openid profile email']
    const asked = async (auth: ReturnType<typeof createTestAuth>) => {
      const browser = await signedInBrowser(auth, emulator)
      for (const scope of scopes) {
        const storeOptions = storeOptionsOf(browser)
        await auth.client.getAccessToken({ scope }, storeOptions)
        keep(browser, storeOptions)
      }
      return browser
    }
    // With the default size limit, older sets are shed to fit: the cookies stay within 8 KB.
    expect(bytes(await asked(createTestAuth(emulator)))).toBeLessThanOrEqual(KIT_COOKIE_BUDGET)
    // With room to spare, the cap itself bounds the list.
    const auth = createTestAuth(emulator, { session: LARGE })
    const browser = await asked(auth)
    const session = await auth.getSession(browser.request('/'))
    expect(session?.tokenSets).toHaveLength(6)
    // The login's set (no requested scope) went first, then the oldest of the rest.
    expect(session?.tokenSets.map((set) => set.requestedScope)).toEqual(scopes.slice(1).map(sorted))
  })

  it('sheds cached access tokens rather than fail to store a refresh that rotated the refresh token', async () => {
    const emulator = await createAuth0Emulator({ refreshTokenRotation: true })
    const roomy = createTestAuth(emulator, { fetch: emulator.fetch })
    const browser = new TestBrowser({ auth: roomy, emulator, appOrigin: APP_ORIGIN })
    await browser.navigate('/auth/login')
    const size = browser.cookies.get('__session')!.length
    // Room for the login's session and not one token set more.
    const { auth: tight, errors } = recordingAuth(emulator, { fetch: emulator.fetch, session: { maxCookieSize: size + 200 } })
    const tightBrowser = browserWithCookiesOf(browser, tight, emulator)
    const first = storeOptionsOf(tightBrowser)
    const narrow = await tight.client.getAccessToken({ scope: 'openid profile' }, first)
    keep(tightBrowser, first)
    const stored = await tight.getSession(tightBrowser.request('/'))
    expect(stored?.tokenSets.map((set) => set.accessToken)).toEqual([narrow.token])
    // Another instance (no shared memory) refreshes with the cookie's refresh token: it must be the rotated one.
    const { auth: other } = recordingAuth(emulator, { fetch: emulator.fetch, session: { maxCookieSize: size + 200 } })
    const next = storeOptionsOf(browserWithCookiesOf(tightBrowser, other, emulator))
    await expect(other.client.getAccessToken({ scope: 'openid email' }, next)).resolves.toMatchObject({ scope: 'email openid' })
    expect(errors).toEqual([])
  })
})

function sorted(scope: string): string {
  return scope.split(' ').sort().join(' ')
}

describe('item 3: bodies are read through a byte counter', () => {
  it('pulls at most about 16 KB from a streamed body without Content-Length', async () => {
    let pulled = 0
    const chunk = new Uint8Array(1024).fill(0x61)
    // Bounded: the reader cancels the stream; 10 000 pulls would be 10 MB.
    let pulls = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulls++ >= 10_000) return controller.close()
        pulled += chunk.byteLength
        controller.enqueue(chunk)
      },
    })
    const request = new Request(`${APP_ORIGIN}/auth/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      duplex: 'half',
    } as RequestInit)
    expect(request.headers.has('content-length')).toBe(false)
    await expect(readBoundedForm(request)).rejects.toMatchObject({ code: 'invalid_request', status: 400 })
    expect(pulled).toBeLessThanOrEqual(16 * 1024 + 4 * 1024)
  })

  it('reads a form within the limit, urlencoded or multipart', async () => {
    const form = new FormData()
    form.set('connection', 'github')
    const multipart = new Request(`${APP_ORIGIN}/`, { method: 'POST', body: form })
    expect((await readBoundedForm(multipart))?.get('connection')).toBe('github')
    const encoded = new Request(`${APP_ORIGIN}/`, { method: 'POST', body: new URLSearchParams({ a: 'b' }) })
    expect((await readBoundedForm(encoded))?.get('a')).toBe('b')
    expect(await readBoundedBody(new Request(`${APP_ORIGIN}/`))).toHaveLength(0)
  })
})

describe('item 9: a configured organization cannot be replaced from a request', () => {
  it('refuses /auth/login?organization=<another> (invalid_request, 400), writing nothing', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator, { organization: ACME.id })
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    const response = await browser.send(`/auth/login?organization=${GLOBEX.id}`)
    await expectSafeFailure({ response, error: lastError(), code: 'invalid_request', status: 400, browser, auth, before: SIGNED_OUT })
    expect([...browser.cookies.keys()]).toEqual([])
  })

  it('refuses it through the client as well, and keeps a signed-in session', async () => {
    const { emulator } = tenant
    const { auth } = recordingAuth(emulator, { organization: ACME.id })
    const { browser, before } = await signedIn(auth, emulator)
    const storeOptions = storeOptionsOf(browser)
    await expect(
      auth.client.startInteractiveLogin({ authorizationParams: { organization: GLOBEX.id } }, storeOptions),
    ).rejects.toMatchObject({ code: 'invalid_request' })
    expect(storeOptions.response.headers.getSetCookie()).toEqual([])
    expect((await snapshotSession(auth, browser)).cookies).toEqual(before.cookies)
    // The pinned organization itself may be repeated.
    const same = await browser.send(`/auth/login?organization=${ACME.id}`)
    expect(same.status).toBe(302)
  })
})

describe('item 10: a disconnect drops the cached Token Vault tokens', () => {
  it('stops handing out the provider token after a disconnect by id', async () => {
    const { emulator } = tenant
    const { auth } = recordingAuth(emulator, CONNECTED_ACCOUNTS)
    const browser = await signedInBrowser(auth, emulator)
    await browser.navigate(CONNECT_GOOGLE)
    const token = await browser.send('/auth/connection-token?connection=google-oauth2')
    expect(token.status).toBe(200)
    expect((await auth.getSession(browser.request('/')))?.connectionTokenSets).toHaveLength(1)
    const [account] = emulator.connectedAccounts('auth0|alice')
    const storeOptions = storeOptionsOf(browser)
    await auth.client.deleteConnectedAccount(account!.id, storeOptions)
    keep(browser, storeOptions)
    expect((await auth.getSession(browser.request('/')))?.connectionTokenSets ?? []).toEqual([])
    const after = await browser.send('/auth/connection-token?connection=google-oauth2')
    expect(after.status).not.toBe(200)
  })
})

describe('item 10 through the route: disconnecting a connection', () => {
  it('drops that connection’s cached provider token', async () => {
    const { emulator } = tenant
    const { auth, errors } = recordingAuth(emulator, CONNECTED_ACCOUNTS)
    const browser = await signedInBrowser(auth, emulator)
    await browser.navigate(CONNECT_GOOGLE)
    expect((await browser.send('/auth/connection-token?connection=google-oauth2')).status).toBe(200)
    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    const response = await browser.send('/auth/disconnect', {
      method: 'POST',
      headers: form,
      body: new URLSearchParams({ connection: 'google-oauth2', returnTo: '/settings' }),
    })
    expect(response.status).toBe(302)
    expect(errors).toEqual([])
    expect((await auth.getSession(browser.request('/')))?.connectionTokenSets ?? []).toEqual([])
    expect((await browser.send('/auth/connection-token?connection=google-oauth2')).status).not.toBe(200)
  })
})

describe('logout under one custom domain', () => {
  it('leaves the session of another domain untouched', async () => {
    const domains = await customDomains()
    const auth = shopAuth(domains)
    const a = new ShopBrowser(auth, domains, SHOP_A)
    await a.navigate('/auth/login')
    const b = new ShopBrowser(auth, domains, SHOP_B)
    for (const [name, value] of a.cookies) b.cookies.set(name, value)
    const before = new Map(b.cookies)
    expect(before.has('__Host-session')).toBe(true)
    const storeOptions = { request: b.request('/auth/logout'), response: new Response() }
    await auth.client.logout({}, storeOptions)
    expect(storeOptions.response.headers.getSetCookie().filter((cookie) => cookie.startsWith('__Host-session'))).toEqual([])
    b.store(storeOptions.response)
    expect(b.cookies).toEqual(before)
    // The same cookies back on shop A: still Alice's session there.
    const back = new ShopBrowser(auth, domains, SHOP_A)
    for (const [name, value] of b.cookies) back.cookies.set(name, value)
    expect((await auth.getUser(back.request('/')))?.sub).toBe('auth0|alice')
  })
})

describe('the connect callback and RFC 9207 iss', () => {
  /**
   * A tenant whose discovery says it sends `iss` on authorization responses (the emulator's
   * /authorize does not send one, so only the connect runs under it; sign-in is done before).
   */
  function advertisingIss(emulator: typeof tenant.emulator): typeof fetch {
    return async (input, init) => {
      const response = await emulator.fetch(input, init)
      if (!new URL(input instanceof Request ? input.url : String(input)).pathname.endsWith('/openid-configuration')) return response
      const metadata = (await response.json()) as Record<string, unknown>
      return Response.json({ ...metadata, authorization_response_iss_parameter_supported: true })
    }
  }

  it('completes a connect_code callback without iss when discovery advertises it', async () => {
    const { emulator } = tenant
    const { auth, errors } = recordingAuth(emulator, { ...CONNECTED_ACCOUNTS, fetch: advertisingIss(emulator) })
    const browser = browserWithCookiesOf(await signedInBrowser(createTestAuth(emulator), emulator), auth, emulator)
    const callback = await connectCallbackFor(browser)
    expect(callback.searchParams.has('iss')).toBe(false)
    const response = await browser.send(callback)
    expect(response.status).toBe(302)
    expect(errors).toEqual([])
    expect(emulator.connectedAccounts('auth0|alice')).toHaveLength(1)
  })

  it('refuses a connect_code callback with another iss (invalid_callback), keeping the session', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator, { ...CONNECTED_ACCOUNTS, fetch: advertisingIss(emulator) })
    const browser = browserWithCookiesOf(await signedInBrowser(createTestAuth(emulator), emulator), auth, emulator)
    const callback = await connectCallbackFor(browser)
    const before = await snapshotSession(auth, browser)
    callback.searchParams.set('iss', 'https://evil.example/')
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'invalid_callback', status: 400, browser, auth, before })
  })
})

describe('a custom store’s session without internal', () => {
  it('is a typed session_store_error, not a TypeError', async () => {
    const { emulator } = tenant
    const legacy: StateStore = {
      get: async () => ({ user: { sub: 'auth0|alice' }, idToken: 'x', tokenSets: [] }) as unknown as SessionData,
      set: async () => {},
      delete: async () => {},
      deleteByLogoutToken: async () => {},
    }
    const options: Partial<AuthOptions> = { stateStore: legacy }
    const { auth, lastError } = recordingAuth(emulator, options)
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    await expect(auth.client.startLinkUser({ connection: 'github' }, storeOptionsOf(browser))).rejects.toBeInstanceOf(SessionStoreError)
    const response = await browser.send('/auth/link?connection=github')
    expect(response.status).toBe(503)
    expect((lastError() as SessionStoreError).code).toBe('session_store_error')
    expect(await response.text()).not.toContain(SECRET)
  })
})

/** What an older browser without Fetch Metadata sends: cookies, and `Origin` only when given. */
function oldBrowserRequest(browser: TestBrowser, path: string, init: { method?: string; origin?: string; body?: URLSearchParams } = {}) {
  const headers = new Headers({ cookie: browser.cookieHeader() })
  if (init.origin) headers.set('origin', init.origin)
  return new Request(new URL(path, APP_ORIGIN), { method: init.method ?? 'GET', headers, ...(init.body ? { body: init.body } : {}) })
}

async function sendAs(browser: TestBrowser, auth: { handler(request: Request): Promise<Response | null> }, request: Request) {
  const response = (await auth.handler(request))!
  browser.store(response)
  return response
}

const CROSS_SITE = { headers: { 'sec-fetch-site': 'cross-site' } }

describe('item 1: cross-site sign-in starts with parameters', () => {
  it('refuses five cross-site /auth/login?returnTo=<2 KB> navigations (cross_site_request, 403), setting no cookie', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator)
    const { browser, before } = await signedIn(auth, emulator)
    for (let i = 0; i < 5; i++) {
      const response = await browser.send(`/auth/login?returnTo=/${'a'.repeat(2000)}${i}`, CROSS_SITE)
      await expectSafeFailure({ response, error: lastError(), code: 'cross_site_request', status: 403, browser, auth, before })
      expect(response.headers.getSetCookie()).toEqual([])
    }
    expect(bytes(browser)).toBeLessThanOrEqual(KIT_COOKIE_BUDGET)
  })

  it('still starts a bare sign-in and an Auth0 invitation link from another site', async () => {
    const { emulator } = tenant
    const { auth, errors } = recordingAuth(emulator)
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    expect((await browser.send('/auth/login', CROSS_SITE)).status).toBe(302)
    const invitation = await browser.send(`/auth/login?invitation=abc123&organization=${ACME.id}&organization_name=acme`, CROSS_SITE)
    expect(invitation.status).toBe(302)
    expect(errors).toEqual([])
  })

  it('keeps a returnTo only up to 512 characters (longer falls back to /)', async () => {
    const { emulator } = tenant
    const { auth } = recordingAuth(emulator)
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    const long = await browser.navigate(`/auth/login?returnTo=/${'a'.repeat(600)}`)
    expect(long.url.pathname).toBe('/')
    const fits = `/${'b'.repeat(500)}`
    const kept = await new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN }).navigate(`/auth/login?returnTo=${fits}`)
    expect(kept.url.pathname).toBe(fits)
  })
})

describe('item 2 and 11: /auth/access-token', () => {
  it('refuses a cross-site request (cross_site_request, 403): nine navigations grow nothing', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator)
    const { browser, before } = await signedIn(auth, emulator)
    const scopes = [
      'openid',
      'profile',
      'email',
      'offline_access',
      'openid profile',
      'openid email',
      'profile email',
      'email offline_access',
      'openid offline_access',
    ]
    for (const scope of scopes) {
      const response = await browser.send(`/auth/access-token?scope=${encodeURIComponent(scope)}`, CROSS_SITE)
      await expectSafeFailure({ response, error: lastError(), code: 'cross_site_request', status: 403, browser, auth, before })
    }
    expect(bytes(browser)).toBeLessThanOrEqual(KIT_COOKIE_BUDGET)
  })

  it('refuses an audience or scope not configured (invalid_request, 400), keeping the session', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator)
    const { browser, before } = await signedIn(auth, emulator)
    for (const query of ['audience=https://other.example.com/', 'scope=read:admin', 'scope=openid%20delete:everything']) {
      const response = await browser.send(`/auth/access-token?${query}`)
      await expectSafeFailure({ response, error: lastError(), code: 'invalid_request', status: 400, browser, auth, before })
    }
  })

  it('never answers the My Account API audience, even when allowed (invalid_request, 400)', async () => {
    const { emulator } = tenant
    const me = `${emulator.issuer}me/`
    const { auth, lastError } = recordingAuth(emulator, { ...CONNECTED_ACCOUNTS, accessTokenRoute: { allow: [{ audience: me }] } })
    const { browser } = await signedIn(auth, emulator)
    await browser.navigate(CONNECT_GOOGLE)
    const before = await snapshotSession(auth, browser)
    expect((await auth.getSession(browser.request('/')))?.tokenSets.some((set) => set.audience === me)).toBe(true)
    for (const audience of [me, me.slice(0, -1)]) {
      const response = await browser.send(`/auth/access-token?audience=${encodeURIComponent(audience)}`)
      await expectSafeFailure({ response, error: lastError(), code: 'invalid_request', status: 400, browser, auth, before })
    }
  })

  it('answers what accessTokenRoute.allow lists', async () => {
    const { emulator } = tenant
    const api = 'https://api.example.com/'
    const { auth, errors } = recordingAuth(emulator, {
      accessTokenRoute: { allow: [{ audience: 'default' }, { audience: api, scope: 'read:orders' }] },
    })
    const browser = await signedInBrowser(auth, emulator)
    expect((await browser.send('/auth/access-token')).status).toBe(200)
    expect((await browser.send(`/auth/access-token?audience=${encodeURIComponent(api)}&scope=read:orders`)).status).toBe(200)
    expect((await browser.send('/auth/access-token?scope=email')).status).toBe(400)
    expect(errors.map((error) => (error as { code?: string }).code)).toEqual(['invalid_request'])
  })
})

describe('item 6: logout CSRF', () => {
  it('refuses a cross-site GET of /auth/logout (cross_site_request, 403) and keeps the session', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator)
    const { browser, before } = await signedIn(auth, emulator)
    const response = await browser.send('/auth/logout', CROSS_SITE)
    await expectSafeFailure({ response, error: lastError(), code: 'cross_site_request', status: 403, browser, auth, before })
  })

  it('answers a GET without Fetch Metadata with a confirm page, and logs out on its same-origin POST', async () => {
    const { emulator } = tenant
    const { auth, errors } = recordingAuth(emulator)
    const { browser, before } = await signedIn(auth, emulator)
    const page = await sendAs(browser, auth, oldBrowserRequest(browser, '/auth/logout?returnTo=/bye'))
    expect(page.status).toBe(200)
    expect(page.headers.getSetCookie()).toEqual([])
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    const html = await page.text()
    expect(html).toContain('<form method="post" action="/auth/logout">')
    expect(html).toContain('name="returnTo" value="/bye"')
    expect((await snapshotSession(auth, browser)).cookies).toEqual(before.cookies)
    const posted = await sendAs(
      browser,
      auth,
      oldBrowserRequest(browser, '/auth/logout', { method: 'POST', origin: APP_ORIGIN, body: new URLSearchParams({ returnTo: '/bye' }) }),
    )
    expect(posted.status).toBe(302)
    expect(await auth.getSession(browser.request('/'))).toBeUndefined()
    expect(errors).toEqual([])
  })

  it('escapes what the query puts in the confirm page', async () => {
    const { emulator } = tenant
    const { auth } = recordingAuth(emulator)
    const { browser } = await signedIn(auth, emulator)
    const page = await sendAs(
      browser,
      auth,
      oldBrowserRequest(browser, `/auth/logout?returnTo=${encodeURIComponent('"><script>alert(1)</script>')}`),
    )
    const html = await page.text()
    expect(html).not.toContain('<script>')
    expect(html).toContain('&quot;&gt;&lt;script&gt;')
  })
})

describe('item 7: state-changing starts from browsers without Fetch Metadata', () => {
  it.each([
    ['/auth/link?connection=github', 'Link account'],
    ['/auth/unlink?connection=github', 'Unlink account'],
    ['/auth/connect?connection=google-oauth2', 'Connect account'],
  ])('answers a plain GET of %s with a confirm page and starts nothing', async (path, button) => {
    const { emulator } = tenant
    const { auth, errors } = recordingAuth(emulator, CONNECTED_ACCOUNTS)
    const { browser, before } = await signedIn(auth, emulator)
    const page = await sendAs(browser, auth, oldBrowserRequest(browser, path))
    expect(page.status).toBe(200)
    expect(page.headers.getSetCookie()).toEqual([])
    expect(await page.text()).toContain(`<button type="submit">${button}</button>`)
    expect((await snapshotSession(auth, browser)).cookies).toEqual(before.cookies)
    expect(errors).toEqual([])
  })

  it('refuses a POST without Origin or with another one (cross_site_request, 403), keeping the session', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator)
    const { browser, before } = await signedIn(auth, emulator)
    for (const origin of [undefined, 'https://evil.example']) {
      const request = oldBrowserRequest(browser, '/auth/link', {
        method: 'POST',
        ...(origin ? { origin } : {}),
        body: new URLSearchParams({ connection: 'github' }),
      })
      const response = await sendAs(browser, auth, request)
      await expectSafeFailure({ response, error: lastError(), code: 'cross_site_request', status: 403, browser, auth, before })
    }
  })

  it('starts the link on a POST with a same-origin Origin', async () => {
    const { emulator } = tenant
    const { auth, errors } = recordingAuth(emulator)
    const { browser } = await signedIn(auth, emulator)
    const request = oldBrowserRequest(browser, '/auth/link', {
      method: 'POST',
      origin: APP_ORIGIN,
      body: new URLSearchParams({ connection: 'github' }),
    })
    const response = await sendAs(browser, auth, request)
    expect(response.status).toBe(302)
    const authorize = new URL(response.headers.get('location')!).searchParams
    // The Management API strategy's link sign-in: straight into the connection to link.
    expect(authorize.get('connection')).toBe('github')
    expect(authorize.get('prompt')).toBe('login')
    expect(errors).toEqual([])
  })
})

describe('item 3 over the handlers: back-channel logout with a streamed body', () => {
  it('refuses an endless chunked body (invalid_request, 400) after pulling about 16 KB', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator)
    const { browser, before } = await signedIn(auth, emulator)
    let pulled = 0
    let pulls = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Bounded: 10 000 pulls would be 10 MB; the reader must stop long before.
        if (pulls++ >= 10_000) return controller.close()
        pulled += 1024
        controller.enqueue(new Uint8Array(1024).fill(0x61))
      },
    })
    const request = new Request(`${APP_ORIGIN}/auth/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      duplex: 'half',
    } as RequestInit)
    const response = await auth.handleBackchannelLogout(request)
    await expectSafeFailure({ response, error: lastError(), code: 'invalid_request', status: 400, browser, auth, before })
    expect(pulled).toBeLessThanOrEqual(20 * 1024)
  })
})
