/**
 * @module The per-request auth object of the framework adapters (Fastify, Nuxt/h3, React Router,
 * Astro): one request, one cookie sink. A stand-in with core `bindRequest`'s shape until that
 * lands (issue 19); then this file goes and the adapters import it from the core.
 */
import type {
  AccessTokenForConnectionOptions,
  AccessTokenResult,
  Auth,
  ConnectedAccount,
  ConnectionAccessTokenResult,
  Identity,
  ListConnectedAccountsOptions,
  SessionData,
  StartConnectAccountOptions,
  StartLinkUserOptions,
  StartUnlinkUserOptions,
  StoreOptions,
  UserClaims,
} from '../core/index.js'

/**
 * Where a call's cookies go: the framework's own way of setting a response header
 * (`reply.header`, `appendResponseHeader`, `context.cookies`…), one `Set-Cookie` line a call.
 *
 * @example
 * ```ts
 * const sink: CookieSink = (setCookie) => reply.header('set-cookie', setCookie)
 * ```
 */
export type CookieSink = (setCookie: string) => void

/**
 * The signed-in user's session and the calls that start account flows, bound to one request.
 * Cookies a call writes (a rolling session extended, a flow's transaction) go to the adapter's
 * sink, so they leave with whatever response the app sends.
 *
 * @example
 * ```ts
 * const user = await request.auth.getUser()
 * const url = await request.auth.startLinkUser({ connection: 'github', appState: { returnTo: '/' } })
 * ```
 */
export interface RequestAuth<TAppState = unknown> {
  /** The session, or `undefined` when signed out. A rolling session is kept alive by reading it. */
  getSession(): Promise<SessionData | undefined>
  /** The signed-in user's claims, or `undefined`. */
  getUser(): Promise<UserClaims | undefined>
  /** The user's linked identities (Management API; the app needs `read:users`). */
  getIdentities(): Promise<Identity[]>
  /** An access token for `audience` (default: the configured one), refreshed when expired. */
  getAccessToken(options?: { audience?: string; scope?: string }): Promise<AccessTokenResult>
  /** Starts linking `connection`; resolves with Auth0's `/authorize` URL to redirect to. */
  startLinkUser(options: StartLinkUserOptions<TAppState>): Promise<URL>
  /** Starts unlinking `connection`; resolves with Auth0's `/authorize` URL to redirect to. */
  startUnlinkUser(options: StartUnlinkUserOptions<TAppState>): Promise<URL>
  /** Starts connecting a provider account (Connected Accounts); resolves with the URL to redirect to. */
  startConnectAccount(options: StartConnectAccountOptions<TAppState>): Promise<URL>
  /** The user's connected accounts (My Account API). */
  listConnectedAccounts(options?: ListConnectedAccountsOptions): Promise<ConnectedAccount[]>
  /** A provider access token from Token Vault, cached in the session until shortly before it expires. */
  getAccessTokenForConnection(options: AccessTokenForConnectionOptions): Promise<ConnectionAccessTokenResult>
}

/**
 * Binds `auth` to one request: each call gets its own `Headers` for cookies and hands every
 * `Set-Cookie` it wrote to `sink`, also when the call fails.
 *
 * @example
 * ```ts
 * const requestAuth = bindRequest(auth, request, (setCookie) => headers.append('set-cookie', setCookie))
 * ```
 */
export function bindRequest<TAppState>(auth: Auth<TAppState>, request: Request, sink: CookieSink): RequestAuth<TAppState> {
  const { client } = auth
  const call = async <T>(run: (storeOptions: StoreOptions) => Promise<T>): Promise<T> => {
    const storeOptions: StoreOptions = { request, response: { headers: new Headers() } }
    try {
      return await run(storeOptions)
    } finally {
      for (const cookie of storeOptions.response.headers.getSetCookie()) sink(cookie)
    }
  }
  return {
    getSession: () => call((so) => client.getSession(so)),
    getUser: () => call((so) => client.getUser(so)),
    getIdentities: () => call((so) => client.getIdentities(so)),
    getAccessToken: (options = {}) => call((so) => client.getAccessToken(options, so)),
    startLinkUser: (options) => call((so) => client.startLinkUser(options, so)),
    startUnlinkUser: (options) => call((so) => client.startUnlinkUser(options, so)),
    startConnectAccount: (options) => call((so) => client.startConnectAccount(options, so)),
    listConnectedAccounts: (options = {}) => call((so) => client.listConnectedAccounts(options, so)),
    getAccessTokenForConnection: (options) => call((so) => client.getAccessTokenForConnection(options, so)),
  }
}
