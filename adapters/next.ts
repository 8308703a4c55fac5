/**
 * `auth0-link-kit/next`: the Next.js App Router adapter (Next 15 and 16). Route Handlers
 * for the auth routes, session reads for Server Components, Route Handlers and Server Actions
 * through `next/headers`, Server Actions that start a link or unlink, and a `proxy.ts` /
 * `middleware.ts` helper. Web APIs only, so it runs in the Node.js and the Edge runtime alike.
 *
 * @module auth0-link-kit/next
 */
// Bare specifiers, not `next/headers.js`: Next's bundlers map exactly these names to the build
// for each layer (a Route Handler's `next/navigation` is not the client's); a `.js` path skips
// that mapping and fails `next build`. The adapter is only ever loaded through those bundlers.
import { cookies, headers } from 'next/headers'
import { redirect } from 'next/navigation'
import { NextResponse } from 'next/server'
import {
  type Auth,
  type AuthOptions,
  bindRequest,
  ConfigurationError,
  type CookieSink,
  createAuth,
  DEFAULT_ROUTES,
  errorResponse,
  isPrefetch,
  isValidHost,
  MissingSessionError,
  type RequestAuth,
  type StoreOptions,
  safeReturnTo,
  wantsJson,
  withCookieSink,
} from '../core/index.js'
import { optionsFromEnv, readRecord } from './env.js'

/**
 * Options of {@link NextAuth.startLinkUser}, what a "Link your GitHub account" button sends.
 *
 * @example
 * ```ts
 * const options: NextStartLinkUserOptions = { connection: 'github', returnTo: '/settings' }
 * ```
 */
export interface NextStartLinkUserOptions {
  /** The Auth0 connection to link, e.g. `github` or `google-oauth2`. */
  connection: string
  /** Scopes to request from the linked identity provider (`requested_connection_scope`). */
  connectionScope?: string
  /** Where the callback sends the user afterwards: a path on this app (anything else becomes `/`). */
  returnTo?: string
}

/**
 * Options of {@link NextAuth.startUnlinkUser}.
 *
 * @example
 * ```ts
 * const options: NextStartUnlinkUserOptions = { connection: 'github', returnTo: '/settings' }
 * ```
 */
export interface NextStartUnlinkUserOptions {
  /** The Auth0 connection to unlink. */
  connection: string
  /** Where the callback sends the user afterwards: a path on this app (anything else becomes `/`). */
  returnTo?: string
}

/**
 * Options of {@link NextAuth.startConnectAccount}.
 *
 * @example
 * ```ts
 * const options: NextStartConnectAccountOptions = {
 *   connection: 'google-oauth2',
 *   scopes: ['openid', 'https://www.googleapis.com/auth/calendar.readonly'],
 *   returnTo: '/calendar',
 * }
 * ```
 */
export interface NextStartConnectAccountOptions {
  /** The Auth0 connection whose account to connect (Connected Accounts), e.g. `google-oauth2`. */
  connection: string
  /** Provider scopes to ask for; default the connection's configured scopes. */
  scopes?: string[]
  /** Where the callback sends the user afterwards: a path on this app (anything else becomes `/`). */
  returnTo?: string
}

/**
 * Options of {@link NextAuth.authMiddleware}.
 *
 * @example
 * ```ts
 * const options: AuthMiddlewareOptions = { protect: ['/account', /^\/settings(\/|$)/] }
 * ```
 */
export interface AuthMiddlewareOptions {
  /**
   * Paths that need a session. A string protects that path and everything below it (`/account`
   * covers `/account/linked` but not `/accounts`); a RegExp is tested against the pathname.
   * Signed out, a page request is redirected (303) to the login route with `returnTo` set to the
   * requested path, and a request that accepts only JSON gets a 401.
   */
  protect?: ReadonlyArray<string | RegExp>
}

/**
 * A `proxy.ts` (Next 16) or `middleware.ts` (Next 15) function: a `Response` to send or to
 * continue with (`NextResponse.next()` carrying cookies), or `undefined` to let Next go on.
 *
 * @example
 * ```ts
 * // proxy.ts
 * import { nextAuth } from './lib/auth'
 * export const proxy: AuthMiddleware = nextAuth.authMiddleware({ protect: ['/account'] })
 * ```
 */
export type AuthMiddleware = (request: Request) => Promise<Response | undefined>

/**
 * The Route Handlers of the catch-all auth route. `HEAD` is derived from `GET` by Next.
 *
 * @example
 * ```ts
 * // app/auth/[...auth0]/route.ts
 * import { nextAuth } from '@/lib/auth'
 * export const { GET, POST } = nextAuth.handlers
 * ```
 */
export interface NextAuthHandlers {
  /** Login, callback, logout, link and unlink started by a link, profile, access token. */
  GET(request: Request): Promise<Response>
  /** The same routes for posted forms (link, unlink, logout) and the back-channel logout. */
  POST(request: Request): Promise<Response>
}

/**
 * What {@link createNextAuth} returns. Every method but `handlers` and `authMiddleware` reads the
 * current request through `next/headers`, so call them inside a request: a Server Component, a
 * Route Handler or a Server Action.
 *
 * Where Next lets the response carry cookies (Route Handlers, Server Actions) a read writes what
 * it changed: a rolling session's new expiry, a cookie re-encrypted under a rotated secret, a
 * refreshed token set. In a Server Component Next forbids cookie writes; the read still answers,
 * and the change is left for the next request that can write one (the `authMiddleware` proxy
 * does on every navigation). The one change that cannot wait is a refresh under refresh-token
 * rotation: call {@link NextAuth.getAccessToken} from a Route Handler or Server Action, or let
 * the proxy run first, when the access token may have expired.
 *
 * @example
 * ```ts
 * // lib/auth.ts
 * import { createNextAuth } from 'auth0-link-kit/next'
 * export const nextAuth = createNextAuth() // AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, AUTH0_SECRET, APP_BASE_URL
 *
 * // app/page.tsx (a Server Component)
 * export default async function Home() {
 *   const user = await nextAuth.getUser()
 *   return user ? <p>Signed in as {user.email}</p> : <a href="/auth/login">Sign in</a>
 * }
 * ```
 */
export interface NextAuth<TAppState = unknown> {
  /**
   * The core auth instance (`auth.client` for the full programmatic API), created on first use so
   * that `next build` needs none of the `AUTH0_*` variables. Throws `ConfigurationError` naming
   * the option when one is missing or invalid.
   */
  readonly auth: Auth<TAppState>
  /** `GET` and `POST` for `app/auth/[...auth0]/route.ts`; 404 for a path that is not an auth route. */
  readonly handlers: NextAuthHandlers
  /**
   * The core's {@link RequestAuth} for the current request: every per-request method of the
   * client (`getSession`, `getIdentities`, `getAccessToken({ audience, scope })`, …), reading
   * cookies through `cookies()` and writing what a call changes back through it.
   */
  requestAuth(): Promise<RequestAuth<TAppState>>
  /** The session, or `undefined` when signed out (a tampered or expired cookie counts as signed out). */
  getSession: RequestAuth<TAppState>['getSession']
  /** The signed-in user's claims, or `undefined`. */
  getUser: RequestAuth<TAppState>['getUser']
  /**
   * An access token for `audience` (default: the configured one) and `scope`, refreshed when it
   * has expired. Throws `MissingSessionError` when signed out.
   */
  getAccessToken: RequestAuth<TAppState>['getAccessToken']
  /**
   * For a Server Action: starts linking `connection` to the signed-in user, writes the
   * transaction cookie and `redirect()`s to Auth0 (so it never returns). Signed out, it throws
   * `MissingSessionError` before writing anything: render the button only for a signed-in user.
   */
  startLinkUser(options: NextStartLinkUserOptions): Promise<never>
  /** For a Server Action: as {@link NextAuth.startLinkUser}, for unlinking `connection`. */
  startUnlinkUser(options: NextStartUnlinkUserOptions): Promise<never>
  /**
   * For a Server Action: starts connecting a provider account (Connected Accounts) and
   * `redirect()`s to Auth0's connect page. Signed out, it throws `MissingSessionError`.
   */
  startConnectAccount(options: NextStartConnectAccountOptions): Promise<never>
  /** The signed-in user's connected accounts, from Auth0's My Account API. */
  listConnectedAccounts: RequestAuth<TAppState>['listConnectedAccounts']
  /** A provider access token for `connection` from Token Vault (call it where cookies can be written). */
  getAccessTokenForConnection: RequestAuth<TAppState>['getAccessTokenForConnection']
  /**
   * Runs `call` with `storeOptions` for the current request and writes back the cookies it
   * changed, as the methods above do. Every per-request method is on {@link NextAuth.requestAuth}.
   */
  withStoreOptions<T>(call: (storeOptions: StoreOptions) => Promise<T>): Promise<T>
  /** A `proxy.ts` / `middleware.ts` function that keeps rolling sessions fresh and guards `protect`. */
  authMiddleware(options?: AuthMiddlewareOptions): AuthMiddleware
}

/** Next's own message when a cookie is written during a Server Component render. */
const READONLY_COOKIES_MESSAGE = /^Cookies can only be modified in a Server Action or Route Handler/

/**
 * True for Next's "cookies are read-only here" error. Next does not export the error class, and
 * its name does not survive minification, so the message (stable since Next 13.4) identifies it.
 */
function isReadonlyCookiesError(error: unknown): boolean {
  return error instanceof Error && READONLY_COOKIES_MESSAGE.test(error.message)
}

/**
 * Requests no user asked for as such: the ones Next's client router makes on its own (`<Link>`
 * prefetches with `Next-Router-Prefetch`, the RSC fetch of a soft navigation with `RSC: 1`) and
 * the browser's speculative loads (`Sec-Purpose: prefetch`, which the core refuses too). Answered
 * with 204 and no Flight payload, Next's router falls back to a full page load, and that plain
 * request runs the flow exactly once.
 */
function isSpeculativeRequest(request: Request): boolean {
  return request.headers.has('next-router-prefetch') || request.headers.get('rsc') === '1' || isPrefetch(request)
}

const noStore = (status: number) => new Response(null, { status, headers: { 'cache-control': 'no-store' } })

/**
 * The origin the browser addressed: the `Host` header, and `X-Forwarded-Proto`, which `next start`
 * fills from the socket when no proxy sent one. Not a Route Handler's `request.url`: Next builds
 * that from the address it listens on (`http://localhost:3000` even when the browser asked for
 * `127.0.0.1`), so a callback URL derived from it would land where the browser has no cookies.
 * Used only when `appBaseUrl` is not configured; set it in production, as everywhere.
 */
function requestOrigin(headerList: Headers, nextUrl?: URL): string {
  const host = headerList.get('host') ?? ''
  if (!isValidHost(host)) return nextUrl?.origin ?? 'http://localhost'
  const proto = headerList.get('x-forwarded-proto')?.split(',')[0]?.trim() ?? nextUrl?.protocol.slice(0, -1)
  return `${proto === 'https' ? 'https' : 'http'}://${host}`
}

/**
 * Next's `cookies()` as a {@link CookieSink}. The values are base64url JWE already, which Next's
 * `encodeURIComponent` leaves as they are; `secure` is passed as the core decided (plain-http
 * loopback gets none), never Next's defaults.
 */
function nextCookies(cookieStore: Awaited<ReturnType<typeof cookies>>): CookieSink {
  return ({ name, value, maxAge, path, httpOnly, secure, sameSite, domain }) => {
    const options = { path, httpOnly, secure, sameSite, ...(domain ? { domain } : {}) }
    try {
      if (maxAge <= 0) cookieStore.set(name, '', { ...options, maxAge: 0, expires: new Date(0) })
      else cookieStore.set(name, value, { ...options, maxAge })
    } catch (error) {
      // A Server Component render: the cookie still read fine; the next writable request (the
      // proxy, a Route Handler, a Server Action) rolls or re-encrypts it instead.
      if (!isReadonlyCookiesError(error)) throw error
    }
  }
}

/**
 * Creates the Next.js adapter. Options not passed are read from the environment at first use
 * (`AUTH0_DOMAIN`, `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET`, `AUTH0_SECRET`, `APP_BASE_URL`), so
 * one `next build` runs against any tenant. Create it once in a module of its own and import it
 * wherever it is used.
 *
 * @example
 * ```ts
 * // lib/auth.ts
 * import { createNextAuth } from 'auth0-link-kit/next'
 * export const nextAuth = createNextAuth({ authorizationParams: { scope: 'openid profile email offline_access' } })
 *
 * // app/auth/[...auth0]/route.ts
 * export const { GET, POST } = nextAuth.handlers
 *
 * // app/actions.ts
 * 'use server'
 * export async function linkGitHub() {
 *   await nextAuth.startLinkUser({ connection: 'github', returnTo: '/' })
 * }
 * ```
 */
export function createNextAuth<TAppState = unknown>(options: Partial<AuthOptions> = {}): NextAuth<TAppState> {
  let instance: Auth<TAppState> | undefined
  // Not cached on failure: a ConfigurationError answers every request until the config is fixed.
  const getAuth = (): Auth<TAppState> =>
    (instance ??= createAuth<TAppState>(optionsFromEnv(options, readRecord(globalThis.process?.env ?? {}))))
  const routes = { ...DEFAULT_ROUTES, ...options.routes }
  // The routes a prefetch or an RSC fetch must never run: each starts or ends a flow.
  const flowRoutes = new Set([routes.login, routes.logout, routes.link, routes.unlink])

  /** The current request as the core reads it, and Next's cookie store to write to. */
  async function current(): Promise<{ request: Request; sink: CookieSink }> {
    const [cookieStore, headerList] = await Promise.all([cookies(), headers()])
    // From cookies(), not the Cookie header: in a Server Action it already holds what the
    // action wrote earlier.
    const cookieHeader = cookieStore
      .getAll()
      .map(({ name, value }) => `${name}=${value}`)
      .join('; ')
    const fields: Record<string, string> = cookieHeader ? { cookie: cookieHeader } : {}
    // Who sent the request: a link start refuses another site's (Next checks Server Actions too).
    for (const name of ['sec-fetch-site', 'origin']) {
      const value = headerList.get(name)
      if (value !== null) fields[name] = value
    }
    const request = new Request(`${requestOrigin(headerList)}/`, { headers: fields })
    return { request, sink: nextCookies(cookieStore) }
  }

  async function withStoreOptions<T>(call: (storeOptions: StoreOptions) => Promise<T>): Promise<T> {
    const { request, sink } = await current()
    return withCookieSink(request, sink, call)
  }

  async function requestAuth(): Promise<RequestAuth<TAppState>> {
    const { request, sink } = await current()
    return bindRequest(getAuth(), request, sink)
  }

  /** Starts a link or unlink and redirects; `redirect()` throws Next's redirect signal, outside any catch. */
  async function startAccountFlow(
    method: 'startLinkUser' | 'startUnlinkUser' | 'startConnectAccount',
    connection: string,
    returnTo: string | undefined,
    start: (auth: Auth<TAppState>, appState: TAppState, storeOptions: StoreOptions) => Promise<URL>,
  ): Promise<never> {
    const auth = getAuth()
    const url = await withStoreOptions(async (storeOptions) => {
      const origin = new URL(storeOptions.request.url)
      if (!(await auth.client.getSession(storeOptions))) {
        throw new MissingSessionError(
          `${method}({ connection: '${connection}' }) needs a signed-in user; ` +
            `show the button only when getUser() returns one, or send the user to ${routes.login} first`,
        )
      }
      // The shared callback route reads `returnTo` from the appState to send the browser back.
      return start(auth, { returnTo: safeReturnTo(returnTo, origin) } as TAppState, storeOptions)
    })
    redirect(url.href)
  }

  /** The instance, or the 500 a misconfiguration answers: it names the option (the message does; it holds no secret). */
  function getAuthOrFailure(request: Request): Auth<TAppState> | Response {
    try {
      return getAuth()
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error
      return errorResponse(error, request)
    }
  }

  async function routeHandler(nextRequest: Request): Promise<Response> {
    const nextUrl = new URL(nextRequest.url)
    const { pathname, search } = nextUrl
    const request = new Request(`${requestOrigin(nextRequest.headers, nextUrl)}${pathname}${search}`, {
      method: nextRequest.method,
      headers: nextRequest.headers,
      signal: nextRequest.signal,
      // Streamed on, not read here: the core bounds how much of a form it reads.
      ...(nextRequest.body ? { body: nextRequest.body, duplex: 'half' } : {}),
    } as RequestInit)
    if (flowRoutes.has(pathname) && isSpeculativeRequest(request)) return noStore(204)
    const auth = getAuthOrFailure(request)
    if (auth instanceof Response) return auth
    return (await auth.handler(request)) ?? noStore(404)
  }

  function authMiddleware(middlewareOptions: AuthMiddlewareOptions = {}): AuthMiddleware {
    const protect = middlewareOptions.protect ?? []
    const isProtected = (pathname: string) =>
      protect.some((rule) =>
        typeof rule === 'string' ? pathname === rule || pathname.startsWith(rule.endsWith('/') ? rule : `${rule}/`) : rule.test(pathname),
      )
    return async (nextRequest) => {
      const nextUrl = new URL(nextRequest.url)
      const url = new URL(`${nextUrl.pathname}${nextUrl.search}`, requestOrigin(nextRequest.headers, nextUrl))
      // Headers only: the body is still Next's to hand to the page or Server Action.
      const request = new Request(url, { headers: nextRequest.headers })
      const auth = getAuthOrFailure(request)
      if (auth instanceof Response) return auth
      // The auth routes read and write their own cookies; reading them here would only cost.
      if (auth.routePaths.has(url.pathname)) return undefined
      const responseHeaders = new Headers()
      const session = await auth.getSession(request, responseHeaders)
      if (!session && isProtected(url.pathname)) {
        if (wantsJson(request)) return errorResponse(new MissingSessionError('Not signed in'), request)
        const login = new URL(routes.login, url)
        login.searchParams.set('returnTo', `${url.pathname}${url.search}`)
        return new Response(null, { status: 303, headers: { location: login.href, 'cache-control': 'no-store' } })
      }
      const setCookies = responseHeaders.getSetCookie()
      if (setCookies.length === 0) return undefined
      // Continue to the page, and send the rolled session cookie along with whatever it renders.
      const response = NextResponse.next()
      for (const cookie of setCookies) response.headers.append('set-cookie', cookie)
      return response
    }
  }

  return {
    get auth() {
      return getAuth()
    },
    handlers: { GET: routeHandler, POST: routeHandler },
    requestAuth,
    getSession: async () => (await requestAuth()).getSession(),
    getUser: async () => (await requestAuth()).getUser(),
    getAccessToken: async (accessTokenOptions) => (await requestAuth()).getAccessToken(accessTokenOptions),
    startLinkUser: ({ connection, connectionScope, returnTo }) =>
      startAccountFlow('startLinkUser', connection, returnTo, (auth, appState, storeOptions) =>
        auth.client.startLinkUser({ connection, ...(connectionScope ? { connectionScope } : {}), appState }, storeOptions),
      ),
    startUnlinkUser: ({ connection, returnTo }) =>
      startAccountFlow('startUnlinkUser', connection, returnTo, (auth, appState, storeOptions) =>
        auth.client.startUnlinkUser({ connection, appState }, storeOptions),
      ),
    startConnectAccount: ({ connection, scopes, returnTo }) =>
      startAccountFlow('startConnectAccount', connection, returnTo, (auth, appState, storeOptions) =>
        auth.client.startConnectAccount({ connection, ...(scopes ? { scopes } : {}), appState }, storeOptions),
      ),
    listConnectedAccounts: async (listOptions) => (await requestAuth()).listConnectedAccounts(listOptions),
    getAccessTokenForConnection: async (tokenOptions) => (await requestAuth()).getAccessTokenForConnection(tokenOptions),
    withStoreOptions,
    authMiddleware,
  }
}
