// The SvelteKit hook's translation, with a recording stand-in for `event.cookies`: which cookies
// go through SvelteKit's API and with which options. The built app (sveltekit.test.ts) shows the
// same thing end to end; this pins the exact options SvelteKit receives.

import type { Cookies, RequestEvent } from '@sveltejs/kit'
import { describe, expect, it, vi } from 'vitest'
import { type Auth0Locals, auth0Handle, createAuth } from '../../adapters/sveltekit.js'
import { type Auth, ConfigurationError, MissingSessionError } from '../../core/index.js'
import { flowContextOf } from '../../core/server-client.js'
import { signedInBrowser } from '../support/flows.js'
import { authOptions, createTestAuth, SECRET, useMockedTenant } from '../support/tenant.js'

const tenant = useMockedTenant()

interface CookieCall {
  op: 'set' | 'delete'
  name: string
  value?: string
  options: Parameters<Cookies['set']>[2]
}

/** Just enough of a `RequestEvent` for the hook, with `cookies` recording every call. */
function fakeEvent(request: Request) {
  const calls: CookieCall[] = []
  const cookies = {
    set: (name: string, value: string, options: CookieCall['options']) => void calls.push({ op: 'set', name, value, options }),
    delete: (name: string, options: CookieCall['options']) => void calls.push({ op: 'delete', name, options }),
  } as unknown as Cookies
  const locals: { auth?: Auth0Locals } = {}
  const event = { request, url: new URL(request.url), cookies, locals } as unknown as RequestEvent
  return { event, calls, locals }
}

/** Runs the hook on `request`; `resolve` answers 200 `app` and records that it was reached. */
async function runHook(auth: Auth, request: Request) {
  const fake = fakeEvent(request)
  const resolve = vi.fn(async () => new Response('app'))
  const response = await auth0Handle(auth)({ event: fake.event, resolve })
  return { ...fake, response, resolve }
}

describe('auth0Handle', () => {
  it('answers the auth routes with the core response as it is, without resolving the app', async () => {
    const auth = createTestAuth(tenant.emulator)
    const { response, resolve, calls } = await runHook(auth, new Request('http://localhost:3000/auth/login?returnTo=/x'))
    expect(resolve).not.toHaveBeenCalled()
    expect(response.status).toBe(302)
    expect(new URL(response.headers.get('location')!).origin).toBe(tenant.emulator.origin)
    expect(response.headers.getSetCookie().some((cookie) => cookie.startsWith('__a0_tx.'))).toBe(true)
    expect(calls).toEqual([])
  })

  it('gives every other request locals.auth and resolves it', async () => {
    const auth = createTestAuth(tenant.emulator)
    const browser = await signedInBrowser(auth, tenant.emulator)
    const { response, resolve, locals } = await runHook(auth, browser.request('/settings'))
    expect(resolve).toHaveBeenCalledOnce()
    expect(await response.text()).toBe('app')
    expect(await locals.auth!.getUser()).toMatchObject({ sub: 'auth0|alice', email: 'alice@example.com' })
    expect((await locals.auth!.getSession())?.idToken).toBeTruthy()
  })

  it('connects, lists and gets a provider token through locals.auth, cookies through event.cookies', async () => {
    const auth = createTestAuth(tenant.emulator, { connectedAccounts: { enabled: true } })
    const browser = await signedInBrowser(auth, tenant.emulator)
    const start = await runHook(auth, browser.request('/settings'))
    const url = await start.locals.auth!.startConnectAccount({ connection: 'google-oauth2', appState: { returnTo: '/settings' } })
    expect(url.searchParams.get('ticket')).toBeTruthy()
    const written = start.calls.filter((call) => call.op === 'set').map((call) => call.name)
    expect(written.some((name) => name.startsWith('__a0_tx.'))).toBe(true)
    // The start stored a My Account API token in the session too.
    expect(written.some((name) => name === '__session' || name.startsWith('__session.'))).toBe(true)
    for (const call of start.calls) if (call.op === 'set') browser.cookies.set(call.name, call.value!)
    await browser.navigate(url)
    expect(tenant.emulator.connectedAccounts('auth0|alice')).toHaveLength(1)

    const { locals } = await runHook(auth, browser.request('/settings'))
    expect((await locals.auth!.listConnectedAccounts()).map((account) => account.connection)).toEqual(['google-oauth2'])
    const { token } = await locals.auth!.getAccessTokenForConnection({ connection: 'google-oauth2' })
    expect(tenant.emulator.providerToken(token)?.userId).toBe('auth0|alice')
  })

  it('writes the link transaction through event.cookies with explicit, unencoded options', async () => {
    const auth = createTestAuth(tenant.emulator)
    const browser = await signedInBrowser(auth, tenant.emulator)
    const { locals, calls } = await runHook(auth, browser.request('/settings'))
    const url = await locals.auth!.startLinkUser({ connection: 'github', appState: { returnTo: '/settings' } })
    expect(url.searchParams.get('connection')).toBe('github')
    const state = url.searchParams.get('state')
    expect(calls).toHaveLength(1)
    const [call] = calls
    expect(call).toMatchObject({
      op: 'set',
      name: `__a0_tx.${state}`,
      options: { path: '/', httpOnly: true, sameSite: 'lax', secure: false, maxAge: 3600 },
    })
    // SvelteKit would URI-encode the value by default; ours is already cookie-safe and must not change.
    expect(call!.options.encode!('a.b_c-d%')).toBe('a.b_c-d%')
    expect(call!.value).toMatch(/^[0-9a-z]+\.[\w-]+(\.[\w-]*){4}$/)
  })

  it('marks cookies Secure on an https app, as the core decided', async () => {
    const auth = createTestAuth(tenant.emulator, { appBaseUrl: 'https://app.example.com' })
    const browser = await signedInBrowser(createTestAuth(tenant.emulator), tenant.emulator)
    // On https the session cookie is `__Host-session` (the browser signed in on http localhost).
    const cookie = browser.cookieHeader().replaceAll('__session', '__Host-session')
    const { locals, calls } = await runHook(auth, new Request('https://app.example.com/', { headers: { cookie } }))
    await locals.auth!.startLinkUser({ connection: 'github' })
    expect(calls.map((call) => call.options.secure)).toEqual([true])
  })

  it('rewrites a session read under a rotated secret through event.cookies', async () => {
    const browser = await signedInBrowser(createTestAuth(tenant.emulator), tenant.emulator)
    const rotated = createTestAuth(tenant.emulator, { secret: ['a-newer-secret-that-is-also-32-characters-long', SECRET] })
    const { locals, calls } = await runHook(rotated, browser.request('/'))
    expect((await locals.auth!.getUser())?.sub).toBe('auth0|alice')
    const session = calls.find((call) => call.name === '__session')
    expect(session).toMatchObject({ op: 'set', options: { path: '/', httpOnly: true, secure: false } })
    expect(session!.value).not.toBe(browser.cookies.get('__session'))
  })

  it('throws MissingSessionError from startLinkUser when signed out and writes no cookie', async () => {
    const auth = createTestAuth(tenant.emulator)
    const { locals, calls } = await runHook(auth, new Request('http://localhost:3000/'))
    await expect(locals.auth!.startLinkUser({ connection: 'github' })).rejects.toBeInstanceOf(MissingSessionError)
    expect(calls).toEqual([])
  })
})

describe('createAuth from SvelteKit env', () => {
  const envOf = (options: ReturnType<typeof authOptions>) => ({
    AUTH0_DOMAIN: options.domain,
    AUTH0_CLIENT_ID: options.clientId,
    AUTH0_CLIENT_SECRET: options.clientSecret,
    AUTH0_SECRET: SECRET,
    APP_BASE_URL: 'https://app.example.com',
  })

  it('fills every option from the env record, and explicit options win', async () => {
    const env = envOf(authOptions(tenant.emulator))
    const fromEnv = createAuth({}, env)
    expect(flowContextOf(fromEnv.client).config.issuer?.href).toBe(tenant.emulator.issuer)
    expect(flowContextOf(fromEnv.client).config.appBaseUrl?.href).toBe('https://app.example.com/')
    const login = await fromEnv.handleLogin(new Request('https://app.example.com/auth/login'))
    expect(new URL(login.headers.get('location')!).searchParams.get('redirect_uri')).toBe('https://app.example.com/auth/callback')

    const explicit = createAuth({ appBaseUrl: 'https://other.example.com' }, env)
    expect(flowContextOf(explicit.client).config.appBaseUrl?.href).toBe('https://other.example.com/')
  })

  it('names the missing option when the env lacks it', () => {
    const { AUTH0_DOMAIN: _, ...withoutDomain } = envOf(authOptions(tenant.emulator))
    expect(() => createAuth({}, withoutDomain)).toThrow(ConfigurationError)
    expect(() => createAuth({}, withoutDomain)).toThrow(/domain/)
  })
})
