import { afterEach, describe, expect, it, vi } from 'vitest'
import { optionsFromEnv } from '../../adapters/env.js'
import { ConfigurationError, type LinkHookContext, UserMismatchError } from '../../core/index.js'
import { createAuth0Emulator } from '../../testing/index.js'
import { TestBrowser } from '../support/browser.js'
import { keep, signedInBrowser, storeOptionsOf } from '../support/flows.js'
import { APP_ORIGIN, authOptions, createTestAuth, useMockedTenant } from '../support/tenant.js'

const tenant = useMockedTenant()

afterEach(() => {
  vi.useRealTimers()
})

/** Moves the clock on by `seconds` (Date only: timers and I/O keep running). */
function later(seconds: number) {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(Date.now() + seconds * 1000)
}

describe('linking options', () => {
  it('validates linking at construction and names the option', () => {
    const { emulator } = tenant
    expect(() => createTestAuth(emulator, { linking: { strategy: 'action' as never } })).toThrow(ConfigurationError)
    expect(() => createTestAuth(emulator, { linking: { confirm: 'both' as never } })).toThrow(/linking\.confirm/)
    expect(() => createTestAuth(emulator, { linking: { maxAge: -1 } })).toThrow(/linking\.maxAge/)
    expect(() => createTestAuth(emulator, { onLink: 'yes' as never })).toThrow(/onLink/)
  })

  it('reads AUTH0_LINK_STRATEGY into linking.strategy unless the code sets it', () => {
    const env: Record<string, string> = { AUTH0_LINK_STRATEGY: 'tenant-action' }
    expect(optionsFromEnv({ linking: { maxAge: 60 } }, (name) => env[name]).linking).toEqual({ maxAge: 60, strategy: 'tenant-action' })
    expect(optionsFromEnv({ linking: { strategy: 'management-api' } }, (name) => env[name]).linking?.strategy).toBe('management-api')
    expect(optionsFromEnv({}, () => undefined).linking).toBeUndefined()
  })
})

describe('re-authentication of an old session before a link', () => {
  it('signs the primary in again, then links, through the handlers', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = await signedInBrowser(auth, emulator)
    later(601)
    const { url } = await browser.navigate('/auth/link?connection=github&returnTo=/settings')
    expect(url.pathname).toBe('/settings')
    const authorizes = browser.visits.filter((visit) => visit.url.pathname === '/authorize').slice(-2)
    const [reauth, link] = authorizes.map((visit) => visit.url.searchParams)
    expect(reauth?.get('connection')).toBe('Username-Password-Authentication')
    expect(reauth?.get('prompt')).toBe('login')
    expect(reauth?.get('max_age')).toBe('600')
    expect(link?.get('connection')).toBe('github')
    expect(link?.get('max_age')).toBe('0')
    expect(emulator.getUser('auth0|alice')!.identities.map((identity) => identity.connection)).toContain('github')
    expect((await auth.getUser(browser.request('/')))?.sub).toBe('auth0|alice')
  })

  it('answers continueAt from completeLinkUser, then the link', async () => {
    const { emulator } = tenant
    const auth = createTestAuth<{ returnTo: string }>(emulator, { linking: { maxAge: 60 } })
    const browser = await signedInBrowser(auth, emulator)
    later(61)
    const start = storeOptionsOf(browser)
    const reauthUrl = await auth.client.startLinkUser({ connection: 'github', appState: { returnTo: '/x' } }, start)
    keep(browser, start)
    expect(reauthUrl.searchParams.get('max_age')).toBe('60')
    const first = await browser.send(reauthUrl)
    const firstCallback = first.headers.get('location')!
    const firstDone = storeOptionsOf(browser, firstCallback)
    const reauthenticated = await auth.client.completeLinkUser(firstCallback, firstDone)
    keep(browser, firstDone)
    expect(reauthenticated.identity).toBeUndefined()
    expect(reauthenticated.continueAt?.searchParams.get('connection')).toBe('github')
    const second = await browser.send(reauthenticated.continueAt!)
    const secondCallback = second.headers.get('location')!
    const linked = await auth.client.completeLinkUser(secondCallback, storeOptionsOf(browser, secondCallback))
    expect(linked).toEqual({ appState: { returnTo: '/x' }, identity: { connection: 'github', provider: 'github', userId: '5550001' } })
  })

  it('refuses a re-authentication that comes back for another user, and links nothing', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = await signedInBrowser(auth, emulator)
    later(601)
    const start = storeOptionsOf(browser)
    const url = await auth.client.startLinkUser({ connection: 'github' }, start)
    keep(browser, start)
    // Read after the start: reading a rolling session this old extends it.
    const before = await auth.getSession(browser.request('/'))
    const callback = (await browser.send(url)).headers.get('location')!
    emulator.fail({ endpoint: 'token', idToken: { claims: { sub: 'auth0|bob' } } })
    const complete = storeOptionsOf(browser, callback)
    const error = await auth.client.completeLinkUser(callback, complete).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UserMismatchError)
    expect(complete.response.headers.getSetCookie().some((cookie) => cookie.startsWith('__session'))).toBe(false)
    expect(await auth.getSession(browser.request('/'))).toEqual(before)
    expect(emulator.getUser('auth0|alice')!.identities).toHaveLength(1)
  })
})

describe('hooks', () => {
  it('tells onLink and onUnlink who the primary and the secondary are, after Auth0 changed the user', async () => {
    const { emulator } = tenant
    const calls: Array<{ hook: string; context: Omit<LinkHookContext, 'request'>; linkedAtAuth0: boolean }> = []
    const linkedAtAuth0 = () => emulator.getUser('auth0|alice')!.identities.some((identity) => identity.connection === 'github')
    const auth = createTestAuth(emulator, {
      onLink: ({ primary, secondary }) => {
        calls.push({ hook: 'onLink', context: { primary, secondary }, linkedAtAuth0: linkedAtAuth0() })
      },
      onUnlink: ({ primary, secondary }) => {
        calls.push({ hook: 'onUnlink', context: { primary, secondary }, linkedAtAuth0: linkedAtAuth0() })
      },
    })
    const browser = await signedInBrowser(auth, emulator)
    await browser.navigate('/auth/link?connection=github')
    await browser.navigate('/auth/unlink?connection=github')
    const secondary = { sub: 'github|5550001', connection: 'github', provider: 'github', userId: '5550001' }
    expect(calls).toEqual([
      { hook: 'onLink', context: { primary: { sub: 'auth0|alice' }, secondary }, linkedAtAuth0: true },
      { hook: 'onUnlink', context: { primary: { sub: 'auth0|alice' }, secondary }, linkedAtAuth0: false },
    ])
  })
})

describe("strategy 'tenant-action' on a tenant running the kit's Action", () => {
  it('links and unlinks, confirmed by the Action’s claim', async () => {
    const emulator = await createAuth0Emulator({ accountLinkingAction: true })
    const auth = createTestAuth(emulator, { fetch: emulator.fetch, linking: { strategy: 'tenant-action' } })
    const browser = await signedInBrowser(auth, emulator)
    const linked = await browser.navigate('/auth/link?connection=github&returnTo=/settings')
    expect(linked.url.pathname).toBe('/settings')
    expect(emulator.getUser('auth0|alice')!.identities.map((identity) => identity.connection)).toContain('github')
    const unlinked = await browser.navigate('/auth/unlink?connection=github&returnTo=/done')
    expect(unlinked.url.pathname).toBe('/done')
    expect(emulator.getUser('auth0|alice')!.identities.map((identity) => identity.connection)).not.toContain('github')
  })

  it("with confirm: 'management-api', compares the identities before and after", async () => {
    const emulator = await createAuth0Emulator({ accountLinkingAction: true })
    const options = { fetch: emulator.fetch, linking: { strategy: 'tenant-action', confirm: 'management-api' } } as const
    const auth = createTestAuth(emulator, options)
    const browser = await signedInBrowser(auth, emulator)
    const start = storeOptionsOf(browser)
    const url = await auth.client.startLinkUser({ connection: 'github' }, start)
    keep(browser, start)
    let response = await browser.send(url)
    // The Action may show pages of its own; follow the tenant's redirects until it sends the browser back.
    for (let hop = 0; hop < 5 && response.status === 302 && !response.headers.get('location')!.startsWith(APP_ORIGIN); hop++) {
      response = await browser.send(response.headers.get('location')!)
    }
    const callback = response.headers.get('location')!
    const result = await auth.client.completeLinkUser(callback, storeOptionsOf(browser, callback))
    expect(result.identity).toEqual({ connection: 'github', provider: 'github', userId: '5550001' })
  })

  it('answers link_not_applied with confirm: management-api on a tenant without the Action', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator, { ...authOptions(emulator), linking: { strategy: 'tenant-action', confirm: 'management-api' } })
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    await browser.navigate('/auth/login')
    const { response } = await browser.navigate('/auth/link?connection=github')
    expect(response.status).toBe(502)
    expect(await response.text()).toContain('link_not_applied')
    expect(emulator.getUser('auth0|alice')!.identities).toHaveLength(1)
  })
})
