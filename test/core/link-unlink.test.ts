import { describe, expect, it } from 'vitest'
import {
  AuthorizationError,
  CrossSiteRequestError,
  IdentityAlreadyLinkedError,
  MissingSessionError,
  UserMismatchError,
} from '../../core/index.js'
import { TestBrowser } from '../support/browser.js'
import { keep, signedInBrowser, storeOptionsOf } from '../support/flows.js'
import { APP_ORIGIN, createTestAuth, useMockedTenant } from '../support/tenant.js'

const tenant = useMockedTenant()

/** Follows an /authorize URL at the emulator and returns the callback URL it redirects to. */
async function authorizeAt(browser: TestBrowser, url: URL): Promise<string> {
  const response = await browser.send(url)
  expect(response.status).toBe(302)
  return response.headers.get('location')!
}

describe('linking and unlinking through the programmatic API', () => {
  const appState = { returnTo: '/settings', nested: { list: [1, 'two', { three: null }], flag: true }, unicode: 'ünïcødé ✓' }

  it('round-trips nested appState through link and unlink, changes the user at Auth0 and leaves the session as it was', async () => {
    const { emulator } = tenant
    const auth = createTestAuth<typeof appState>(emulator)
    const browser = await signedInBrowser(auth, emulator)
    const before = await auth.getSession(browser.request('/'))
    const sessionCookie = browser.cookies.get('__session')

    const start = storeOptionsOf(browser)
    const linkUrl = await auth.client.startLinkUser({ connection: 'github', appState }, start)
    keep(browser, start)
    const callback = await authorizeAt(browser, linkUrl)
    const complete = storeOptionsOf(browser, callback)
    const linked = await auth.client.completeLinkUser(callback, complete)
    keep(browser, complete)
    expect(linked.appState).toEqual(appState)
    expect(linked.identity).toEqual({ connection: 'github', provider: 'github', userId: '5550001' })
    expect(emulator.getUser('auth0|alice')!.identities.map((identity) => identity.connection)).toContain('github')
    // Auth0's semantics: a linked secondary is no longer a user of its own.
    expect(emulator.getUser('github|5550001')).toBeUndefined()

    // The session is the primary's and was not replaced by the secondary's sign-in.
    expect(browser.cookies.get('__session')).toBe(sessionCookie)
    expect(await auth.getSession(browser.request('/'))).toEqual(before)

    const unlinkStart = storeOptionsOf(browser)
    const unlinkUrl = await auth.client.startUnlinkUser({ connection: 'github', appState }, unlinkStart)
    keep(browser, unlinkStart)
    const unlinkCallback = await authorizeAt(browser, unlinkUrl)
    const unlinked = await auth.client.completeUnlinkUser(new URL(unlinkCallback), storeOptionsOf(browser, unlinkCallback))
    expect(unlinked).toEqual({ appState, identity: { connection: 'github', provider: 'github', userId: '5550001' } })
    expect(emulator.getUser('auth0|alice')!.identities.map((identity) => identity.connection)).not.toContain('github')
    // An unlinked identity is a user of its own again.
    expect(emulator.getUser('github|5550001')).toBeDefined()
  })

  it('refuses app code starting a link, unlink, connect or disconnect for a request another site sent (403), and writes nothing', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator, { connectedAccounts: { enabled: true } })
    const browser = await signedInBrowser(auth, emulator)
    const before = emulator.authorizeRequests.length
    const fromElsewhere: Record<string, string>[] = [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'https://evil.example' },
    ]
    for (const headers of fromElsewhere) {
      const starts = [
        (o: ReturnType<typeof storeOptionsOf>) => auth.client.startLinkUser({ connection: 'github' }, o),
        (o: ReturnType<typeof storeOptionsOf>) => auth.client.startUnlinkUser({ connection: 'github' }, o),
        (o: ReturnType<typeof storeOptionsOf>) => auth.client.startConnectAccount({ connection: 'google-oauth2' }, o),
        (o: ReturnType<typeof storeOptionsOf>) => auth.client.deleteConnectedAccount('cac_0123456789abcdef', o),
      ]
      for (const start of starts) {
        const options = { request: browser.request('/settings', { method: 'POST', headers }), response: new Response(null) }
        const error = await start(options).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(CrossSiteRequestError)
        expect(error).toMatchObject({ status: 403 })
        expect(options.response.headers.getSetCookie()).toEqual([])
      }
    }
    expect(emulator.authorizeRequests.length).toBe(before)
    // The app's own page (same-origin, or a browser that says nothing) still starts a link.
    const own = {
      request: browser.request('/settings', { method: 'POST', headers: { origin: APP_ORIGIN, 'sec-fetch-site': 'same-origin' } }),
      response: new Response(null),
    }
    expect((await auth.client.startLinkUser({ connection: 'github' }, own)).pathname).toBe('/authorize')
    expect((await auth.client.startLinkUser({ connection: 'github' }, storeOptionsOf(browser))).pathname).toBe('/authorize')
  })

  it('refuses an identity that already belongs to another user (409) and changes nothing', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = await signedInBrowser(auth, emulator)
    const before = await auth.getSession(browser.request('/'))
    const bobIdentities = emulator.getUser('auth0|bob')!.identities
    const start = storeOptionsOf(browser)
    // Bob's GitHub account, chosen at the provider.
    const url = await auth.client.startLinkUser({ connection: 'github', authorizationParams: { login_hint: '5550002' } }, start)
    keep(browser, start)
    const callback = await authorizeAt(browser, url)
    const complete = storeOptionsOf(browser, callback)
    const error = await auth.client.completeLinkUser(callback, complete).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(IdentityAlreadyLinkedError)
    expect(error).toMatchObject({ code: 'identity_already_linked', status: 409 })
    expect(complete.response.headers.getSetCookie().some((cookie) => cookie.startsWith('__session'))).toBe(false)
    expect(await auth.getSession(browser.request('/'))).toEqual(before)
    expect(emulator.getUser('auth0|alice')!.identities.map((identity) => identity.connection)).toEqual(['Username-Password-Authentication'])
    expect(emulator.getUser('auth0|bob')!.identities).toEqual(bobIdentities)
  })

  it("treats an identity that is already the user's as linked, calling nothing that changes Auth0", async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = await signedInBrowser(auth, emulator)
    const link = async () => {
      const start = storeOptionsOf(browser)
      const url = await auth.client.startLinkUser({ connection: 'github' }, start)
      keep(browser, start)
      const callback = await authorizeAt(browser, url)
      return auth.client.completeLinkUser(callback, storeOptionsOf(browser, callback))
    }
    await link()
    const identities = emulator.getUser('auth0|alice')!.identities
    expect((await link()).identity).toEqual({ connection: 'github', provider: 'github', userId: '5550001' })
    expect(emulator.getUser('auth0|alice')!.identities).toEqual(identities)
  })

  it('reports user_mismatch when the unlink re-authentication comes back for another sub, and unlinks nothing', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator, { authorizationParams: {} })
    const browser = await signedInBrowser(auth, emulator)
    await browser.navigate('/auth/link?connection=github')
    const sessionCookie = browser.cookies.get('__session')
    const start = storeOptionsOf(browser)
    const url = await auth.client.startUnlinkUser({ connection: 'github' }, start)
    keep(browser, start)
    const callback = await authorizeAt(browser, url)
    emulator.fail({ endpoint: 'token', idToken: { claims: { sub: 'auth0|bob' } } })
    const complete = storeOptionsOf(browser, callback)
    const error = await auth.client.completeUnlinkUser(callback, complete).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UserMismatchError)
    expect((error as UserMismatchError).code).toBe('user_mismatch')
    const written = complete.response.headers.getSetCookie()
    expect(written.some((cookie) => cookie.startsWith('__session'))).toBe(false)
    keep(browser, complete)
    expect(browser.cookies.get('__session')).toBe(sessionCookie)
    expect((await auth.getUser(browser.request('/')))?.sub).toBe('auth0|alice')
    expect(emulator.getUser('auth0|alice')!.identities.map((identity) => identity.connection)).toContain('github')
  })

  it('keeps the session when Auth0 answers access_denied, as a typed error', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = await signedInBrowser(auth, emulator)
    const before = await auth.getSession(browser.request('/'))
    const start = storeOptionsOf(browser)
    const url = await auth.client.startLinkUser({ connection: 'github' }, start)
    keep(browser, start)
    emulator.fail({ endpoint: 'authorize', error: 'access_denied', errorDescription: 'User cancelled <b>the</b> link' })
    const callback = await authorizeAt(browser, url)
    const error = await auth.client.completeLinkUser(callback, storeOptionsOf(browser, callback)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthorizationError)
    expect(error).toMatchObject({ code: 'authorization_error', error: 'access_denied', errorDescription: 'User cancelled <b>the</b> link' })
    expect(await auth.getSession(browser.request('/'))).toEqual(before)
  })

  it('completes two links started in two tabs, in either order', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = await signedInBrowser(auth, emulator)
    const first = storeOptionsOf(browser)
    const githubUrl = await auth.client.startLinkUser({ connection: 'github', appState: 'tab-1' }, first)
    keep(browser, first)
    const second = storeOptionsOf(browser)
    const googleUrl = await auth.client.startLinkUser({ connection: 'google-oauth2', appState: 'tab-2' }, second)
    keep(browser, second)
    const githubCallback = await authorizeAt(browser, githubUrl)
    const googleCallback = await authorizeAt(browser, googleUrl)

    const googleDone = storeOptionsOf(browser, googleCallback)
    expect((await auth.client.completeLinkUser(googleCallback, googleDone)).appState).toBe('tab-2')
    keep(browser, googleDone)
    const githubDone = storeOptionsOf(browser, githubCallback)
    expect((await auth.client.completeLinkUser(githubCallback, githubDone)).appState).toBe('tab-1')
    keep(browser, githubDone)
    const connections = emulator.getUser('auth0|alice')!.identities.map((identity) => identity.connection)
    expect(connections).toEqual(expect.arrayContaining(['github', 'google-oauth2']))
    expect([...browser.cookies.keys()].filter((name) => name.startsWith('__a0_tx.'))).toEqual([])
  })

  it('refuses to complete a link when the session ended meanwhile (missing_session)', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = await signedInBrowser(auth, emulator)
    const start = storeOptionsOf(browser)
    const url = await auth.client.startLinkUser({ connection: 'github' }, start)
    keep(browser, start)
    const callback = await authorizeAt(browser, url)
    browser.cookies.delete('__session')
    const error = await auth.client.completeLinkUser(callback, storeOptionsOf(browser, callback)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MissingSessionError)
    // Checked before the code is even exchanged: nothing is linked to a user nobody is signed in as.
    expect(emulator.getUser('auth0|alice')!.identities.map((identity) => identity.connection)).not.toContain('github')
  })
})

describe('linking through the handlers', () => {
  it('sends a signed-out user to login first, then continues into the link and back to returnTo', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    const { url, response } = await browser.navigate('/auth/link?connection=github&returnTo=/profile')
    expect(response.status).toBe(200)
    expect(url.pathname).toBe('/profile')
    const authorizeVisits = browser.visits.filter((visit) => visit.url.pathname === '/authorize')
    expect(authorizeVisits.map((visit) => visit.url.searchParams.get('scope'))).toEqual([
      'openid profile email offline_access',
      'openid profile email',
    ])
    expect(emulator.getUser('auth0|alice')!.identities.map((identity) => identity.connection)).toContain('github')
    expect((await auth.getUser(browser.request('/')))?.sub).toBe('auth0|alice')
  })

  it('answers access_denied with a friendly error page and keeps the session', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = await signedInBrowser(auth, emulator)
    const sessionCookie = browser.cookies.get('__session')
    emulator.fail({ endpoint: 'authorize', error: 'access_denied', errorDescription: '<script>alert(1)</script>' })
    const { response } = await browser.navigate('/auth/link?connection=github')
    expect(response.status).toBe(400)
    const html = await response.text()
    // Words chosen by our code; Auth0's description came in the URL, so it is not shown at all.
    expect(html).toContain('<h1>Auth0 did not complete that request</h1>')
    expect(html).toContain('<code>authorization_error</code>')
    expect(html).not.toContain('alert(1)')
    expect(html).not.toContain('<script>')
    expect(browser.cookies.get('__session')).toBe(sessionCookie)
    expect((await auth.getUser(browser.request('/')))?.sub).toBe('auth0|alice')
  })

  it('requires a connection (400) and refuses a cross-site start (403)', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = await signedInBrowser(auth, emulator)
    expect((await browser.send('/auth/link')).status).toBe(400)
    const crossSite = await browser.send('/auth/unlink?connection=github', { headers: { 'sec-fetch-site': 'cross-site' } })
    expect(crossSite.status).toBe(403)
    expect(crossSite.headers.getSetCookie()).toEqual([])
  })

  it('starts an unlink from a POSTed form', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = await signedInBrowser(auth, emulator)
    await browser.navigate('/auth/link?connection=github')
    const { url } = await browser.navigate('/auth/unlink', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: APP_ORIGIN },
      body: 'connection=github&returnTo=%2Fdone',
    })
    expect(url.pathname).toBe('/done')
    expect(emulator.getUser('auth0|alice')!.identities.map((identity) => identity.connection)).not.toContain('github')
  })
})
