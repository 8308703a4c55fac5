// Pushed authorization requests (RFC 9126) for login, link and unlink, against the emulator.
import { describe, expect, it } from 'vitest'
import { ConfigurationError } from '../../core/index.js'
import { createAuth0Emulator } from '../../testing/index.js'
import { keep, signedInBrowser, storeOptionsOf } from '../support/flows.js'
import { APP_ORIGIN, createTestAuth, useMockedTenant } from '../support/tenant.js'

const tenant = useMockedTenant({ pushedAuthorizationRequests: 'required' })

const PROTOCOL = ['client_id', 'redirect_uri', 'response_type', 'code_challenge', 'code_challenge_method', 'state', 'nonce']

function expectOnlyRequestUri(url: URL, clientId: string) {
  expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri'])
  expect(url.searchParams.get('client_id')).toBe(clientId)
  expect(url.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]+$/)
}

describe('pushed authorization requests', () => {
  it('signs in through the handlers with every parameter pushed and only client_id and request_uri on /authorize', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator, { pushedAuthorizationRequests: true })
    const browser = await signedInBrowser(auth, emulator)
    expect(emulator.hits.par).toBe(1)
    const [authorize] = browser.visitsTo('/authorize')
    expectOnlyRequestUri(authorize!.url, emulator.clientId)
    const [pushed] = emulator.pushedAuthorizationRequests
    for (const name of PROTOCOL) expect(pushed!.get(name), name).toBeTruthy()
    expect(pushed!.get('code_challenge_method')).toBe('S256')
    expect(pushed!.get('scope')).toBe('openid profile email offline_access')
    expect(pushed!.get('redirect_uri')).toBe(`${APP_ORIGIN}/auth/callback`)
    // The client authenticated to the PAR endpoint; its secret is not kept as a parameter.
    expect(pushed!.has('client_secret')).toBe(false)
    expect((await auth.getSession(browser.request('/')))?.user.sub).toBe('auth0|alice')
  })

  it('pushes the management-api link and unlink sign-ins and completes both', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator, { pushedAuthorizationRequests: true })
    const browser = await signedInBrowser(auth, emulator)

    const linked = await browser.navigate('/auth/link?connection=github&connectionScope=repo&returnTo=/settings')
    expect(linked.url.pathname).toBe('/settings')
    const link = emulator.pushedAuthorizationRequests[1]!
    expect(link.get('scope')).toBe('openid profile email')
    expect(link.get('connection')).toBe('github')
    expect(link.get('connection_scope')).toBe('repo')
    expect(link.get('prompt')).toBe('login')
    expect(link.has('id_token_hint')).toBe(false)
    expect(emulator.getUser('auth0|alice')!.identities.map((identity) => identity.connection)).toContain('github')

    const unlinked = await browser.navigate('/auth/unlink?connection=github&returnTo=/settings')
    expect(unlinked.url.pathname).toBe('/settings')
    expect(emulator.pushedAuthorizationRequests[2]!.get('scope')).toBe('openid')
    expect(emulator.getUser('auth0|alice')!.identities.map((identity) => identity.connection)).not.toContain('github')
    for (const visit of browser.visitsTo('/authorize')) expectOnlyRequestUri(visit.url, emulator.clientId)
    expect(emulator.hits.par).toBe(3)
  })

  it('pushes a tenant-action link (link_account, requested_connection, id_token_hint)', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator, { pushedAuthorizationRequests: true, linking: { strategy: 'tenant-action' } })
    const browser = await signedInBrowser(auth, emulator)
    const session = await auth.getSession(browser.request('/'))
    const url = await auth.client.startLinkUser({ connection: 'github', connectionScope: 'repo' }, storeOptionsOf(browser))
    expectOnlyRequestUri(url, emulator.clientId)
    const link = emulator.pushedAuthorizationRequests[1]!
    expect(link.get('scope')).toBe('openid link_account offline_access')
    expect(link.get('requested_connection')).toBe('github')
    expect(link.get('requested_connection_scope')).toBe('repo')
    expect(link.get('id_token_hint')).toBe(session!.idToken)
  })

  it('follows the per-call option over the global one, both ways', async () => {
    const { emulator } = tenant
    const off = createTestAuth(emulator)
    const request = new Request(`${APP_ORIGIN}/`)
    const pushed = await off.client.startInteractiveLogin({ pushedAuthorizationRequests: true }, { request, response: new Response() })
    expectOnlyRequestUri(pushed, emulator.clientId)

    const on = createTestAuth(emulator, { pushedAuthorizationRequests: true })
    const plain = await on.client.startInteractiveLogin({ pushedAuthorizationRequests: false }, { request, response: new Response() })
    expect(plain.searchParams.has('request_uri')).toBe(false)
    expect(plain.searchParams.get('code_challenge_method')).toBe('S256')
    expect(emulator.hits.par).toBe(1)
  })

  it('pushes per call for the programmatic link, keeping the session when it completes', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator, { pushedAuthorizationRequests: true })
    const browser = await signedInBrowser(auth, emulator)
    const start = storeOptionsOf(browser)
    const url = await auth.client.startLinkUser({ connection: 'github', appState: { n: 1 } }, start)
    keep(browser, start)
    expectOnlyRequestUri(url, emulator.clientId)
    const answered = await browser.send(url)
    const callback = answered.headers.get('location')!
    const complete = storeOptionsOf(browser, callback)
    expect(await auth.client.completeLinkUser(callback, complete)).toEqual({
      appState: { n: 1 },
      identity: { connection: 'github', provider: 'github', userId: '5550001' },
    })
  })

  it('refuses, on first use and without falling back, a tenant whose discovery has no PAR endpoint', async () => {
    const emulator = await createAuth0Emulator({ pushedAuthorizationRequests: false })
    const auth = createTestAuth(emulator, { fetch: emulator.fetch, pushedAuthorizationRequests: true })
    const storeOptions = { request: new Request(`${APP_ORIGIN}/`), response: new Response() }
    const error = await auth.client.startInteractiveLogin({}, storeOptions).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as ConfigurationError).option).toBe('pushedAuthorizationRequests')
    expect(storeOptions.response.headers.getSetCookie()).toEqual([])
    expect(emulator.hits.par).toBe(0)
  })

  it('rejects a non-boolean option at construction', () => {
    const emulator = tenant.emulator
    expect(() => createTestAuth(emulator, { pushedAuthorizationRequests: 'yes' as unknown as boolean })).toThrow(
      expect.objectContaining({ code: 'configuration_error', option: 'pushedAuthorizationRequests' }),
    )
  })
})
