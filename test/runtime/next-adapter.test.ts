// The Next adapter's translation, with `next/headers` and `next/navigation` replaced by a
// recording stand-in of one request: which cookies go through Next's `cookies()` API and with
// which options, what a Server Component (where Next forbids writes) gets, and what the route
// handlers and the proxy answer. The built app (next.test.ts) shows the same end to end in Next.

import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createNextAuth } from '../../adapters/next.js'
import { ConfigurationError, MissingSessionError } from '../../core/index.js'
import { signedInBrowser } from '../support/flows.js'
import { APP_ORIGIN, authOptions, createTestAuth, SECRET, useMockedTenant } from '../support/tenant.js'

interface CookieSet {
  name: string
  value: string
  options: Record<string, unknown>
}

/** The request Next would expose through next/headers: its cookies, its headers, and whether writes are allowed. */
const current = {
  cookies: new Map<string, string>(),
  headers: new Headers(),
  writable: true,
  sets: [] as CookieSet[],
  failWith: undefined as Error | undefined,
}

// Next's own message for a write during a Server Component render (request-cookies.js).
const READONLY_MESSAGE =
  'Cookies can only be modified in a Server Action or Route Handler. Read more: https://nextjs.org/docs/app/api-reference/functions/cookies#options'

vi.mock('next/headers', () => ({
  cookies: async () => ({
    getAll: () => [...current.cookies].map(([name, value]) => ({ name, value })),
    set: (name: string, value: string, options: Record<string, unknown>) => {
      if (current.failWith) throw current.failWith
      if (!current.writable) throw new Error(READONLY_MESSAGE)
      current.sets.push({ name, value, options })
      if (Number(options.maxAge) <= 0) current.cookies.delete(name)
      else current.cookies.set(name, value)
    },
  }),
  headers: async () => current.headers,
}))

/** What `redirect()` throws, as Next's NEXT_REDIRECT signal does. */
class RedirectSignal extends Error {
  constructor(readonly url: string) {
    super('NEXT_REDIRECT')
  }
}
vi.mock('next/navigation', () => ({
  redirect: (url: string) => {
    throw new RedirectSignal(url)
  },
}))
vi.mock('next/server', () => ({
  NextResponse: { next: () => new Response(null, { headers: { 'x-middleware-next': '1' } }) },
}))

const tenant = useMockedTenant()

/** Puts a signed-in browser's cookies into the current "Next request". */
async function signIn(): Promise<void> {
  const browser = await signedInBrowser(createTestAuth(tenant.emulator), tenant.emulator)
  for (const [name, value] of browser.cookies) current.cookies.set(name, value)
}

beforeEach(() => {
  current.cookies = new Map()
  current.headers = new Headers({ host: 'localhost:3000', 'x-forwarded-proto': 'http' })
  current.writable = true
  current.sets = []
  current.failWith = undefined
})

const sessionSets = () => current.sets.filter((set) => set.name === '__session' || set.name.startsWith('__session.'))

describe('getSession / getUser through next/headers', () => {
  it('reads the user from the cookies Next exposes', async () => {
    await signIn()
    const nextAuth = createNextAuth(authOptions(tenant.emulator))
    expect(await nextAuth.getUser()).toMatchObject({ sub: 'auth0|alice', email: 'alice@example.com' })
    expect((await nextAuth.getSession())?.user.sub).toBe('auth0|alice')
    expect(current.sets).toEqual([])
  })

  it('writes a re-encrypted session back through cookies().set with the core’s attributes where Next allows it', async () => {
    await signIn()
    const nextAuth = createNextAuth(authOptions(tenant.emulator, { secret: ['a-new-secret-that-is-at-least-32-characters-long', SECRET] }))
    expect((await nextAuth.getUser())?.sub).toBe('auth0|alice')
    const [written] = sessionSets()
    expect(written).toBeDefined()
    // http://localhost is loopback: a Secure cookie would be dropped there.
    expect(written!.options).toMatchObject({ path: '/', httpOnly: true, sameSite: 'lax', secure: false })
    expect(Number(written!.options.maxAge)).toBeGreaterThan(0)
  })

  it('answers in a Server Component, where Next refuses cookie writes, and leaves the write for later', async () => {
    await signIn()
    current.writable = false
    const before = new Map(current.cookies)
    const nextAuth = createNextAuth(authOptions(tenant.emulator, { secret: ['a-new-secret-that-is-at-least-32-characters-long', SECRET] }))
    expect((await nextAuth.getUser())?.sub).toBe('auth0|alice')
    expect(current.sets).toEqual([])
    expect(current.cookies).toEqual(before)
  })

  it('does not swallow other cookie errors', async () => {
    await signIn()
    current.failWith = new TypeError('something else broke')
    const nextAuth = createNextAuth(authOptions(tenant.emulator, { secret: ['a-new-secret-that-is-at-least-32-characters-long', SECRET] }))
    await expect(nextAuth.getUser()).rejects.toThrow('something else broke')
  })

  it('reads as signed out with a tampered cookie', async () => {
    await signIn()
    const value = current.cookies.get('__session')!
    current.cookies.set('__session', `${value.slice(0, -4)}AAAA`)
    const nextAuth = createNextAuth(authOptions(tenant.emulator))
    expect(await nextAuth.getUser()).toBeUndefined()
  })
})

describe('startLinkUser / startUnlinkUser for Server Actions', () => {
  it('writes the transaction cookie through cookies() and redirects to Auth0', async () => {
    await signIn()
    // The §5 parameters: strategy tenant-action (the default's are covered in test/core/authorize-url.test.ts).
    const nextAuth = createNextAuth({ ...authOptions(tenant.emulator), linking: { strategy: 'tenant-action' } })
    const signal = await nextAuth.startLinkUser({ connection: 'github', returnTo: '/settings' }).catch((error: unknown) => error)
    expect(signal).toBeInstanceOf(RedirectSignal)
    const authorize = new URL((signal as RedirectSignal).url)
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${tenant.emulator.origin}/authorize`)
    expect(authorize.searchParams.get('requested_connection')).toBe('github')
    expect(authorize.searchParams.get('scope')?.split(' ')).toContain('link_account')
    const transaction = current.sets.find((set) => set.name === `__a0_tx.${authorize.searchParams.get('state')}`)
    expect(transaction?.options).toMatchObject({ path: '/', httpOnly: true, sameSite: 'lax', secure: false, maxAge: 3600 })
  })

  it('starts an unlink the same way', async () => {
    await signIn()
    const nextAuth = createNextAuth({ ...authOptions(tenant.emulator), linking: { strategy: 'tenant-action' } })
    const signal = await nextAuth.startUnlinkUser({ connection: 'github' }).catch((error: unknown) => error)
    const authorize = new URL((signal as RedirectSignal).url)
    expect(authorize.searchParams.get('scope')?.split(' ')).toContain('unlink_account')
    expect(current.sets.some((set) => set.name.startsWith('__a0_tx.'))).toBe(true)
  })

  it('starts a connect (Connected Accounts) the same way: the connect transaction through cookies(), a redirect to the connect page', async () => {
    await signIn()
    const nextAuth = createNextAuth(authOptions(tenant.emulator))
    const signal = await nextAuth
      .startConnectAccount({ connection: 'google-oauth2', returnTo: '/calendar' })
      .catch((error: unknown) => error)
    expect(signal).toBeInstanceOf(RedirectSignal)
    const connectPage = new URL((signal as RedirectSignal).url)
    expect(connectPage.origin).toBe(tenant.emulator.origin)
    expect(connectPage.searchParams.get('ticket')).toEqual(expect.any(String))
    expect(current.sets.some((set) => set.name.startsWith('__a0_tx.'))).toBe(true)
    // Nothing is connected until the browser comes back with a connect_code.
    expect(await nextAuth.listConnectedAccounts()).toEqual([])
  })

  it('throws MissingSessionError naming the call when signed out, before writing or redirecting', async () => {
    const nextAuth = createNextAuth(authOptions(tenant.emulator))
    const error = await nextAuth.startLinkUser({ connection: 'github' }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(MissingSessionError)
    expect((error as MissingSessionError).status).toBe(401)
    expect((error as Error).message).toMatch(/^startLinkUser\(\{ connection: 'github' \}\) needs a signed-in user/)
    expect(current.sets).toEqual([])
    expect(tenant.emulator.authorizeRequests).toHaveLength(0)
  })
})

describe('route handlers', () => {
  it('answers the auth routes and 404 off-route', async () => {
    const { handlers } = createNextAuth(authOptions(tenant.emulator))
    const login = await handlers.GET(new Request(`${APP_ORIGIN}/auth/login`))
    expect(login.status).toBe(302)
    expect(new URL(login.headers.get('location')!).origin).toBe(tenant.emulator.origin)
    expect((await handlers.POST(new Request(`${APP_ORIGIN}/auth/nothing`, { method: 'POST' }))).status).toBe(404)
  })

  it('builds the callback URL from the Host the browser used, not the address Next listens on', async () => {
    const { appBaseUrl: _derived, ...options } = authOptions(tenant.emulator)
    const { handlers } = createNextAuth(options)
    // Next gives a Route Handler `http://localhost:<port>` whatever the browser addressed.
    const login = await handlers.GET(new Request('http://localhost:3000/auth/login', { headers: { host: '127.0.0.1:4000' } }))
    const authorize = new URL(login.headers.get('location')!)
    expect(authorize.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:4000/auth/callback')
  })

  it.each([
    ['Next-Router-Prefetch', { 'next-router-prefetch': '1', rsc: '1' }],
    ['an RSC navigation fetch', { rsc: '1' }],
    ['Sec-Purpose: prefetch', { 'sec-purpose': 'prefetch' }],
  ])('answers %s of a flow route with 204, starting and ending nothing', async (_name, headers) => {
    await signIn()
    const { handlers } = createNextAuth(authOptions(tenant.emulator))
    const cookie = [...current.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    for (const path of ['/auth/login', '/auth/logout', '/auth/link?connection=github', '/auth/unlink?connection=github']) {
      const response = await handlers.GET(new Request(`${APP_ORIGIN}${path}`, { headers: { ...headers, cookie } }))
      expect(response.status, path).toBe(204)
      expect(response.headers.getSetCookie(), path).toEqual([])
    }
  })

  it('shows misconfiguration as a 500 naming the option, and only when used', async () => {
    const { clientSecret: _omitted, ...incomplete } = authOptions(tenant.emulator)
    // Created without complaint (next build imports this module), failing at the first request.
    const nextAuth = createNextAuth({ ...incomplete, clientSecret: undefined })
    const response = await nextAuth.handlers.GET(new Request(`${APP_ORIGIN}/auth/login`))
    expect(response.status).toBe(500)
    expect(await response.text()).toMatch(/clientSecret/)
    expect(() => nextAuth.auth).toThrow(ConfigurationError)
    // Through the proxy, every page shows the same 500 instead of Next's anonymous one.
    const page = await nextAuth.authMiddleware()(new Request(`${APP_ORIGIN}/`))
    expect(page?.status).toBe(500)
    expect(await page?.text()).toMatch(/clientSecret/)
  })
})

describe('authMiddleware', () => {
  it('redirects a signed-out page request for a protected path to login with returnTo', async () => {
    const middleware = createNextAuth(authOptions(tenant.emulator)).authMiddleware({ protect: ['/account'] })
    const response = await middleware(new Request(`${APP_ORIGIN}/account/linked?tab=github`, { headers: { accept: 'text/html' } }))
    expect(response?.status).toBe(303)
    expect(response?.headers.get('location')).toBe(`${APP_ORIGIN}/auth/login?returnTo=%2Faccount%2Flinked%3Ftab%3Dgithub`)
    const viaHost = await middleware(new Request('http://localhost:3000/account', { headers: { host: '127.0.0.1:4000' } }))
    expect(viaHost?.headers.get('location')).toBe('http://127.0.0.1:4000/auth/login?returnTo=%2Faccount')
    expect(await middleware(new Request(`${APP_ORIGIN}/accounts`))).toBeUndefined()
  })

  it('answers 401 JSON for an API request to a protected path', async () => {
    const middleware = createNextAuth(authOptions(tenant.emulator)).authMiddleware({ protect: [/^\/api\//] })
    const response = await middleware(new Request(`${APP_ORIGIN}/api/me`, { headers: { accept: 'application/json' } }))
    expect(response?.status).toBe(401)
    expect(await response?.json()).toMatchObject({ error: 'missing_session' })
  })

  it('lets a signed-in request through and carries a rewritten session cookie on NextResponse.next()', async () => {
    await signIn()
    const cookie = [...current.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    const plain = createNextAuth(authOptions(tenant.emulator)).authMiddleware({ protect: ['/account'] })
    expect(await plain(new Request(`${APP_ORIGIN}/account`, { headers: { cookie } }))).toBeUndefined()

    const rotated = createNextAuth(authOptions(tenant.emulator, { secret: ['a-new-secret-that-is-at-least-32-characters-long', SECRET] }))
    const response = await rotated.authMiddleware({ protect: ['/account'] })(new Request(`${APP_ORIGIN}/account`, { headers: { cookie } }))
    expect(response?.headers.get('x-middleware-next')).toBe('1')
    expect(response?.headers.getSetCookie().some((header) => header.startsWith('__session'))).toBe(true)
  })
})

describe('the built auth0-link-kit/next', () => {
  // The Edge runtime has no node: modules; a Node built-in anywhere in what the entry pulls in
  // would fail `export const runtime = 'edge'` routes at build time.
  it('pulls in no node: module and keeps next/* imports external, in ESM and CJS', async () => {
    const { readFile } = await import('node:fs/promises')
    const dist = new URL('../../dist/', import.meta.url)
    for (const entry of ['next.js', 'next.cjs']) {
      const seen = new Set<string>()
      const external = new Set<string>()
      const pending = [entry]
      while (pending.length > 0 && seen.size < 100) {
        const file = pending.pop()!
        if (seen.has(file)) continue
        seen.add(file)
        const code = await readFile(new URL(file, dist), 'utf8')
        for (const [, specifier] of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\(\s*)['"]([^'"\s]+)['"]/g)) {
          if (specifier!.startsWith('./')) pending.push(specifier!.slice(2))
          else external.add(specifier!)
        }
      }
      expect(
        [...external].filter((specifier) => specifier.startsWith('node:')),
        entry,
      ).toEqual([])
      expect([...external].sort(), entry).toEqual(['jose', 'next/headers', 'next/navigation', 'next/server', 'oauth4webapi'])
    }
  })
})
