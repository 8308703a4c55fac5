// Auth0 Organizations: login, invitation links, and link/unlink that stay in the session's organization.
import { describe, expect, it } from 'vitest'
import { optionsFromEnv, readRecord } from '../../adapters/env.js'
import { InvalidRequestError } from '../../core/index.js'
import { TestBrowser } from '../support/browser.js'
import { APP_ORIGIN, createTestAuth, useMockedTenant } from '../support/tenant.js'

const ACME = { id: 'org_acme123', name: 'acme', members: ['auth0|alice'] }
const GLOBEX = { id: 'org_globex456', name: 'globex', members: ['auth0|alice', 'auth0|bob'] }

const tenant = useMockedTenant({ organizations: [ACME, GLOBEX] })

function browserFor(auth: ReturnType<typeof createTestAuth>) {
  return new TestBrowser({ auth, emulator: tenant.emulator, appOrigin: APP_ORIGIN })
}

describe('organizations', () => {
  it('signs in to the configured organization and records it in the session', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator, { organization: ACME.id })
    const browser = browserFor(auth)
    const { url } = await browser.navigate('/auth/login?returnTo=/home')
    expect(url.pathname).toBe('/home')
    expect(emulator.authorizeRequests[0]!.get('organization')).toBe(ACME.id)
    const session = await auth.getSession(browser.request('/'))
    expect(session?.user.org_id).toBe(ACME.id)
    expect(session?.internal.organization).toBe(ACME.id)
  })

  it('takes authorizationParams.organization as the same setting, and a name checked against org_name in any case', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator, { authorizationParams: { organization: 'ACME' } })
    const browser = browserFor(auth)
    const { url } = await browser.navigate('/auth/login')
    expect(url.pathname).toBe('/')
    expect((await auth.getSession(browser.request('/')))?.user.org_name).toBe('acme')
  })

  it('forwards exactly organization, invitation, login_hint, screen_hint and ui_locales from /auth/login, nothing else', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = browserFor(auth)
    const ticket = emulator.inviteToOrganization(GLOBEX.id, 'auth0|bob')
    const query = new URLSearchParams({
      organization: GLOBEX.id,
      invitation: ticket,
      login_hint: 'bob@example.com',
      screen_hint: 'signup',
      ui_locales: 'de fr',
      organization_name: 'globex',
      prompt: 'none',
      scope: 'openid admin',
      audience: 'https://evil.example/',
      redirect_uri: 'https://evil.example/callback',
      connection: 'evil',
      max_age: '0',
    })
    const started = await browser.send(`/auth/login?${query}`)
    const authorize = new URL(started.headers.get('location')!).searchParams
    expect(authorize.get('organization')).toBe(GLOBEX.id)
    expect(authorize.get('invitation')).toBe(ticket)
    expect(authorize.get('login_hint')).toBe('bob@example.com')
    expect(authorize.get('screen_hint')).toBe('signup')
    expect(authorize.get('ui_locales')).toBe('de fr')
    expect(authorize.get('scope')).toBe('openid profile email offline_access')
    expect(authorize.get('redirect_uri')).toBe(`${APP_ORIGIN}/auth/callback`)
    for (const name of ['organization_name', 'prompt', 'audience', 'connection', 'max_age']) expect(authorize.has(name), name).toBe(false)
  })

  it('accepts an invitation link: the invitee signs in to the organization and becomes a member', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = browserFor(auth)
    expect(emulator.getOrganization(ACME.id)!.members).not.toContain('auth0|bob')
    const ticket = emulator.inviteToOrganization(ACME.id, 'auth0|bob')
    const { url } = await browser.navigate(`/auth/login?invitation=${ticket}&organization=${ACME.id}&organization_name=acme`)
    expect(url.pathname).toBe('/')
    const session = await auth.getSession(browser.request('/'))
    expect(session?.user.sub).toBe('auth0|bob')
    expect(session?.internal.organization).toBe(ACME.id)
    expect(emulator.getOrganization(ACME.id)!.members).toContain('auth0|bob')
  })

  it('keeps the unlink re-authentication in the organization the session is signed in to; the link sign-in asks for none', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = browserFor(auth)
    await browser.navigate(`/auth/login?organization=${GLOBEX.id}`)
    const linked = await browser.navigate('/auth/link?connection=github&returnTo=/settings')
    expect(linked.url.pathname).toBe('/settings')
    const unlinked = await browser.navigate('/auth/unlink?connection=github&returnTo=/settings')
    expect(unlinked.url.pathname).toBe('/settings')
    const [, link, unlink] = emulator.authorizeRequests
    // The identity to link signs in on its own; it need not be a member (DESIGN §15).
    expect(link!.get('connection')).toBe('github')
    expect(link!.has('organization')).toBe(false)
    expect(unlink!.get('organization')).toBe(GLOBEX.id)
    expect((await auth.getSession(browser.request('/')))?.internal.organization).toBe(GLOBEX.id)
  })

  it('sends no organization on a tenant-action link when the session has none', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator, { linking: { strategy: 'tenant-action' } })
    const browser = browserFor(auth)
    await browser.navigate('/auth/login')
    await browser.navigate('/auth/link?connection=github')
    expect(emulator.authorizeRequests.map((query) => query.has('organization'))).toEqual([false, false])
  })

  it('refuses an invitation without an organization in the programmatic API too', async () => {
    const auth = createTestAuth(tenant.emulator)
    const storeOptions = { request: new Request(`${APP_ORIGIN}/`), response: new Response() }
    await expect(auth.client.startInteractiveLogin({ authorizationParams: { invitation: 'abc' } }, storeOptions)).rejects.toBeInstanceOf(
      InvalidRequestError,
    )
    expect(storeOptions.response.headers.getSetCookie()).toEqual([])
  })

  it('validates the organization options at construction', () => {
    const { emulator } = tenant
    const expectOption = (option: string) => expect.objectContaining({ code: 'configuration_error', option })
    expect(() => createTestAuth(emulator, { organization: 'org acme' })).toThrow(expectOption('organization'))
    expect(() => createTestAuth(emulator, { organization: ACME.id, authorizationParams: { organization: GLOBEX.id } })).toThrow(
      expectOption('organization'),
    )
    expect(() => createTestAuth(emulator, { authorizationParams: { organization: 'a/b' } })).toThrow(
      expectOption('authorizationParams.organization'),
    )
    expect(() => createTestAuth(emulator, { organization: ACME.id, authorizationParams: { organization: ACME.id } })).not.toThrow()
  })

  it('reads AUTH0_ORGANIZATION in the adapters', () => {
    expect(optionsFromEnv({}, readRecord({ AUTH0_ORGANIZATION: ACME.id })).organization).toBe(ACME.id)
  })
})
