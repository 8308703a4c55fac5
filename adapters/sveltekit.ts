import type { Cookies, Handle, RequestEvent } from '@sveltejs/kit'
import {
  type AccessTokenForConnectionOptions,
  type AccessTokenResult,
  type Auth,
  type AuthOptions,
  type ConnectedAccount,
  type ConnectionAccessTokenResult,
  createAuth as createCoreAuth,
  type LinkSuggestion,
  type ListConnectedAccountsOptions,
  type SessionData,
  type StartConnectAccountOptions,
  type StartLinkUserOptions,
  type StartUnlinkUserOptions,
  type StoreOptions,
  type UserClaims,
} from '../core/index.js'
import { optionsFromEnv, readRecord } from './env.js'
import { parseSetCookie } from './set-cookie.js'

/**
 * Creates the auth instance with every option not passed filled from `env` (`AUTH0_DOMAIN`,
 * `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET`, `AUTH0_SECRET`, `APP_BASE_URL`). A library cannot
 * import SvelteKit's `$env` modules, so pass `$env/dynamic/private` (read at runtime, so one build
 * runs against any tenant) or `$env/static/private`. Explicit options win.
 *
 * @example
 * ```ts
 * // src/hooks.server.ts
 * import { env } from '$env/dynamic/private'
 * import { auth0Handle, createAuth } from 'auth0-link-kit/sveltekit'
 *
 * export const handle = auth0Handle(createAuth({}, env))
 * ```
 */
export function createAuth<TAppState = unknown>(
  options: Partial<AuthOptions> | undefined,
  env: Record<string, string | undefined>,
): Auth<TAppState> {
  return createCoreAuth<TAppState>(optionsFromEnv(options ?? {}, readRecord(env)))
}

/**
 * What {@link auth0Handle} puts on `event.locals.auth`. Every call reads the request's cookies
 * and writes any cookie it changes through `event.cookies`, so SvelteKit sends them with
 * whatever response the load function or form action ends in (a `redirect(303, url)` included).
 *
 * Declare it once in `src/app.d.ts` so `locals.auth` is typed:
 *
 * @example
 * ```ts
 * // src/app.d.ts
 * import type { Auth0Locals } from 'auth0-link-kit/sveltekit'
 *
 * declare global {
 *   namespace App {
 *     interface Locals {
 *       auth: Auth0Locals
 *     }
 *   }
 * }
 * export {}
 * ```
 */
export interface Auth0Locals<TAppState = unknown> {
  /** The session, or `undefined` when signed out. A rolling session is kept alive by reading it. */
  getSession(): Promise<SessionData | undefined>
  /** The signed-in user's claims, or `undefined`. */
  getUser(): Promise<UserClaims | undefined>
  /**
   * Starts linking `connection` to the signed-in user and returns Auth0's `/authorize` URL;
   * throws `MissingSessionError` when signed out.
   */
  startLinkUser(options: StartLinkUserOptions<TAppState>): Promise<URL>
  /** Starts unlinking `connection`; returns Auth0's `/authorize` URL. */
  startUnlinkUser(options: StartUnlinkUserOptions<TAppState>): Promise<URL>
  /** An access token for `audience` (default: the configured one), refreshed when it has expired. */
  getAccessToken(options?: { audience?: string }): Promise<AccessTokenResult>
  /** Starts connecting an account (Connected Accounts); returns the URL to redirect to. */
  startConnectAccount(options: StartConnectAccountOptions<TAppState>): Promise<URL>
  /** The signed-in user's connected accounts (My Account API). */
  /**
   * Other accounts the user may have made with the same verified email (suggested linking),
   * masked; `[]` when the session's email is unverified. Throws `MissingSessionError` when signed out.
   */
  getLinkSuggestions(): Promise<LinkSuggestion[]>
  listConnectedAccounts(options?: ListConnectedAccountsOptions): Promise<ConnectedAccount[]>
  /** A provider's access token from Token Vault for `connection`, cached in the session. */
  getAccessTokenForConnection(options: AccessTokenForConnectionOptions): Promise<ConnectionAccessTokenResult>
}

/**
 * Replays the `Set-Cookie` headers the core's stores appended onto SvelteKit's cookie API. The
 * values are already cookie-safe (base64url JWE), so they pass through unencoded; `secure` is
 * always explicit because SvelteKit's own default would mark cookies on `http://127.0.0.1` Secure.
 */
function applySetCookies(headers: Headers, cookies: Cookies): void {
  for (const header of headers.getSetCookie()) {
    const cookie = parseSetCookie(header)
    if (!cookie) continue
    const options = {
      path: '/',
      httpOnly: true,
      sameSite: cookie.sameSite,
      secure: cookie.secure,
      encode: (value: string) => value,
      ...(cookie.domain ? { domain: cookie.domain } : {}),
    }
    if (cookie.maxAge <= 0) cookies.delete(cookie.name, options)
    else cookies.set(cookie.name, cookie.value, { ...options, maxAge: cookie.maxAge })
  }
}

/** Builds `locals.auth` for one request; every call goes to the core with its own `Headers`. */
function createAuth0Locals<TAppState>(auth: Auth<TAppState>, event: RequestEvent): Auth0Locals<TAppState> {
  async function withCookies<T>(call: (storeOptions: StoreOptions) => Promise<T>): Promise<T> {
    const storeOptions: StoreOptions = { request: event.request, response: { headers: new Headers() } }
    try {
      return await call(storeOptions)
    } finally {
      // Cookies written before a failure (e.g. a rotated session) still belong on the response.
      applySetCookies(storeOptions.response.headers, event.cookies)
    }
  }
  const { client } = auth
  return {
    getSession: () => withCookies((storeOptions) => client.getSession(storeOptions)),
    getUser: () => withCookies((storeOptions) => client.getUser(storeOptions)),
    startLinkUser: (options) => withCookies((storeOptions) => client.startLinkUser(options, storeOptions)),
    startUnlinkUser: (options) => withCookies((storeOptions) => client.startUnlinkUser(options, storeOptions)),
    getAccessToken: (options = {}) => withCookies((storeOptions) => client.getAccessToken(options, storeOptions)),
    startConnectAccount: (options) => withCookies((storeOptions) => client.startConnectAccount(options, storeOptions)),
    getLinkSuggestions: () => withCookies((storeOptions) => client.getLinkSuggestions(storeOptions)),
    listConnectedAccounts: (options = {}) => withCookies((storeOptions) => client.listConnectedAccounts(options, storeOptions)),
    getAccessTokenForConnection: (options) => withCookies((storeOptions) => client.getAccessTokenForConnection(options, storeOptions)),
  }
}

/**
 * A SvelteKit `handle` hook: the auth routes (`/auth/login`, `/auth/callback`, `/auth/link`, …)
 * answer with the core's responses as they are; every other request gets `event.locals.auth`
 * ({@link Auth0Locals}) and goes on to the app. Composes with `sequence` like any hook.
 *
 * Any `Auth` works: from {@link createAuth} with SvelteKit's env, or from the core's `createAuth`.
 *
 * @example
 * ```ts
 * // src/hooks.server.ts
 * import { env } from '$env/dynamic/private'
 * import { sequence } from '@sveltejs/kit/hooks'
 * import { auth0Handle, createAuth } from 'auth0-link-kit/sveltekit'
 *
 * const auth = createAuth({}, env) // AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, AUTH0_SECRET, APP_BASE_URL
 *
 * export const handle = sequence(auth0Handle(auth), async ({ event, resolve }) => resolve(event))
 *
 * // src/routes/settings/+page.server.ts: a form action that starts a link
 * export const actions = {
 *   link: async ({ locals }) => {
 *     redirect(303, await locals.auth.startLinkUser({ connection: 'github', appState: { returnTo: '/settings' } }))
 *   },
 * }
 * ```
 */
export function auth0Handle<TAppState = unknown>(auth: Auth<TAppState>): Handle {
  return async ({ event, resolve }) => {
    const response = await auth.handler(event.request)
    if (response) return response
    ;(event.locals as { auth?: Auth0Locals<TAppState> }).auth = createAuth0Locals(auth, event)
    return resolve(event)
  }
}
