/**
 * @module One request's auth for app code: every per-request method of `ServerClient` with the
 * request and a cookie sink filled in, so each adapter supplies only how it writes a cookie.
 */

import type { Auth } from './auth-types.js'
import { serializeCookie } from './cookies/header.js'
import type { ServerClient } from './server-client.js'
import type { StoreOptions } from './stores.js'

/**
 * One cookie the kit writes for a response, both parsed (for frameworks with a cookie API) and as
 * its `Set-Cookie` header value (for the ones that take headers). `maxAge` 0 deletes the cookie.
 *
 * @example
 * ```ts
 * const sink: CookieSink = (cookie: ResponseCookie) => console.log(cookie.name, cookie.maxAge > 0 ? 'set' : 'deleted')
 * ```
 */
export interface ResponseCookie {
  name: string
  /** Already cookie-safe (base64url): write it unencoded. */
  value: string
  /** Seconds; 0 deletes the cookie. */
  maxAge: number
  path: string
  httpOnly: boolean
  secure: boolean
  sameSite: 'lax' | 'strict' | 'none'
  domain: string | undefined
  /** The whole `Set-Cookie` header value, attributes included. */
  header: string
}

/**
 * How an adapter writes one cookie onto the response of the current request. Cookies arrive in
 * order; a later one of the same name wins (as it does in browsers).
 *
 * @example
 * ```ts
 * // Node: append the header
 * const node: CookieSink = (cookie) => res.appendHeader('set-cookie', cookie.header)
 * // SvelteKit: the framework's cookie API, value unencoded
 * const svelte: CookieSink = ({ name, value, maxAge, domain, secure, sameSite }) =>
 *   event.cookies.set(name, value, { path: '/', httpOnly: true, secure, sameSite, maxAge, encode: (v) => v, ...(domain ? { domain } : {}) })
 * // A Headers the app sends later (Hono, Workers, Bun, Deno)
 * const headers = new Headers()
 * const fetchStyle: CookieSink = (cookie) => headers.append('set-cookie', cookie.header)
 * ```
 */
export type CookieSink = (cookie: ResponseCookie) => void

/**
 * A {@link CookieSink} that appends `Set-Cookie` headers to `headers`.
 *
 * @example
 * ```ts
 * const cookies = new Headers()
 * const requestAuth = bindRequest(auth, request, headersCookieSink(cookies))
 * ```
 */
export function headersCookieSink(headers: Headers): CookieSink {
  return (cookie) => headers.append('set-cookie', cookie.header)
}

/**
 * The names of the client's methods that take `storeOptions` last: the per-request ones, which
 * {@link RequestAuth} has.
 *
 * @example
 * ```ts
 * const method: PerRequestMethod = 'startLinkUser'
 * ```
 */
export type PerRequestMethod<TAppState = unknown> = {
  [K in keyof ServerClient<TAppState>]: ServerClient<TAppState>[K] extends (...args: [...infer _A, StoreOptions]) => unknown ? K : never
}[keyof ServerClient<TAppState>]

/** A lone leading option that may be `undefined` becomes optional: `getAccessToken()` as `getAccessToken({})`. */
type Leading<A extends unknown[]> = A extends [infer First] ? (undefined extends First ? [First?] : [First]) : A

type Bound<F> = F extends (...args: [...infer A, StoreOptions]) => infer R ? (...args: Leading<A>) => R : never

/**
 * The one per-request auth object every adapter hands to app code (`locals.auth`, `c.var.auth`,
 * `req.auth0`, …): each per-request method of {@link ServerClient}, without `storeOptions`.
 * Cookies a call changes (a rolling session extended, a transaction, a refreshed token set) go
 * to the adapter's {@link CookieSink}, also when the call fails.
 *
 * @example
 * ```ts
 * const requestAuth: RequestAuth = bindRequest(auth, request, headersCookieSink(responseHeaders))
 * const user = await requestAuth.getUser()
 * const { token } = await requestAuth.getAccessToken({ audience: 'https://api.example.com', scope: 'read:orders' })
 * ```
 */
export type RequestAuth<TAppState = unknown> = { [K in PerRequestMethod<TAppState>]: Bound<ServerClient<TAppState>[K]> }

type LeadingCount<K extends PerRequestMethod> = Parameters<ServerClient[K]> extends [...infer A, StoreOptions] ? A['length'] : never

/**
 * How many arguments come before `storeOptions`, per method. Typed from the client, so a method
 * added to `ServerClient` with `storeOptions` last does not compile until it is listed here.
 */
const PER_REQUEST: { readonly [K in PerRequestMethod]: LeadingCount<K> } = Object.freeze({
  startInteractiveLogin: 1,
  completeInteractiveLogin: 1,
  startLinkUser: 1,
  completeLinkUser: 1,
  startUnlinkUser: 1,
  completeUnlinkUser: 1,
  completeAuthorization: 1,
  startConnectAccount: 1,
  completeConnectAccount: 1,
  listConnectedAccounts: 1,
  deleteConnectedAccount: 1,
  listConnectedAccountConnections: 0,
  getAccessTokenForConnection: 1,
  getSession: 0,
  getUser: 0,
  getIdentities: 0,
  getAccessToken: 1,
  logout: 1,
  handleBackchannelLogout: 1,
})

/** The names of the per-request methods, as {@link RequestAuth} has them. Internal (tests compare adapters with it). */
export const PER_REQUEST_METHODS: readonly PerRequestMethod[] = Object.freeze(Object.keys(PER_REQUEST) as PerRequestMethod[])

/** One `Set-Cookie` value as the core writes it, parsed; `undefined` without a `name=value` pair. */
function parseSetCookie(header: string): ResponseCookie | undefined {
  const [pair = '', ...attributes] = header.split(';')
  const eq = pair.indexOf('=')
  if (eq <= 0) return undefined
  const cookie: ResponseCookie = {
    name: pair.slice(0, eq).trim(),
    value: pair.slice(eq + 1).trim(),
    maxAge: 0,
    path: '/',
    httpOnly: false,
    secure: false,
    sameSite: 'lax',
    domain: undefined,
    header,
  }
  for (const attribute of attributes) {
    const [key = '', ...rest] = attribute.split('=')
    const value = rest.join('=').trim()
    switch (key.trim().toLowerCase()) {
      case 'max-age':
        cookie.maxAge = Math.max(0, Number(value) || 0)
        break
      case 'path':
        if (value.startsWith('/')) cookie.path = value
        break
      case 'httponly':
        cookie.httpOnly = true
        break
      case 'secure':
        cookie.secure = true
        break
      case 'samesite':
        cookie.sameSite = value.toLowerCase() === 'none' ? 'none' : value.toLowerCase() === 'strict' ? 'strict' : 'lax'
        break
      case 'domain':
        cookie.domain = value
        break
    }
  }
  return cookie
}

/** A response's cookies for one request: the `Headers` the core writes to, passed on to a sink after each call. */
function cookieWriter(cookieSink: CookieSink): { headers: Headers; flush(): void } {
  const headers = new Headers()
  let sent = new Map<string, ResponseCookie>()
  return {
    headers,
    /** Passes on what changed since the last flush; a cookie the core dropped since (a superseded write) is deleted. */
    flush() {
      const current = new Map<string, ResponseCookie>()
      for (const header of headers.getSetCookie()) {
        const cookie = parseSetCookie(header)
        if (cookie) current.set(cookie.name, cookie)
      }
      for (const [name, cookie] of sent) {
        if (current.has(name)) continue
        const attributes = { maxAge: 0, secure: cookie.secure, sameSite: cookie.sameSite === 'none' ? 'None' : 'Lax' } as const
        const header = serializeCookie(name, '', { ...attributes, ...(cookie.domain ? { domain: cookie.domain } : {}) })
        cookieSink({ ...cookie, value: '', maxAge: 0, header })
      }
      for (const [name, cookie] of current) if (sent.get(name)?.header !== cookie.header) cookieSink(cookie)
      sent = current
    },
  }
}

/**
 * Runs `call` with `storeOptions` for `request` and passes every cookie it wrote to
 * `cookieSink`, also when it fails: the way to a `ServerClient` call from an adapter without a
 * `Headers` to hand (most per-request calls are simpler through {@link bindRequest}).
 *
 * @example
 * ```ts
 * const url = await withCookieSink(request, (cookie) => res.appendHeader('set-cookie', cookie.header), (storeOptions) =>
 *   auth.client.startLinkUser({ connection: 'github' }, storeOptions),
 * )
 * ```
 */
export async function withCookieSink<T>(
  request: Request,
  cookieSink: CookieSink,
  call: (storeOptions: StoreOptions) => Promise<T>,
): Promise<T> {
  const writer = cookieWriter(cookieSink)
  try {
    return await call({ request, response: { headers: writer.headers } })
  } finally {
    writer.flush()
  }
}

/**
 * Binds `auth` to one request: the returned {@link RequestAuth} reads the request's cookies and
 * writes every cookie a call changes to `cookieSink`. All calls share one response, so a later
 * call sees (and may replace) what an earlier one wrote, as the core's handlers do. Pass a
 * function for `request` to build it only when a method is first called.
 *
 * @example
 * ```ts
 * // A fetch-style app (Workers, Bun, Deno): cookies go onto the response it returns.
 * export default {
 *   async fetch(request: Request) {
 *     const routed = await auth.handler(request)
 *     if (routed) return routed
 *     const cookies = new Headers()
 *     const requestAuth = bindRequest(auth, request, headersCookieSink(cookies))
 *     const user = await requestAuth.getUser() // a rolling session is extended here
 *     const response = new Response(user ? `Hello ${user.name}` : 'Signed out')
 *     for (const cookie of cookies.getSetCookie()) response.headers.append('set-cookie', cookie)
 *     return response
 *   },
 * }
 * ```
 */
export function bindRequest<TAppState = unknown>(
  auth: Pick<Auth<TAppState>, 'client'>,
  request: Request | (() => Request),
  cookieSink: CookieSink,
): RequestAuth<TAppState> {
  const { client } = auth
  const writer = cookieWriter(cookieSink)
  let storeOptions: StoreOptions | undefined
  const bound: Record<string, (...args: unknown[]) => Promise<unknown>> = {}
  for (const method of PER_REQUEST_METHODS) {
    const leading: number = PER_REQUEST[method]
    bound[method] = async (...args) => {
      storeOptions ??= { request: typeof request === 'function' ? request() : request, response: { headers: writer.headers } }
      const call = client[method] as (...args: unknown[]) => Promise<unknown>
      try {
        return await call.apply(client, [...Array.from({ length: leading }, (_, i) => args[i]), storeOptions])
      } finally {
        // Cookies written before a failure (a rotated session) still belong on the response.
        writer.flush()
      }
    }
  }
  return bound as RequestAuth<TAppState>
}
