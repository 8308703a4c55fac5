import {
  CookieTransactionStore as Auth0CookieTransactionStore,
  ServerClient as Auth0ServerClient,
  StatelessStateStore as Auth0StatelessStateStore,
  type CookieHandler,
  type CookieSerializeOptions,
} from '@auth0/auth0-server-js'
import { requestCookies } from '../core/cookies/jar.js'
import { type AuthOptions, ServerClient } from '../core/index.js'
import type { StoreOptions } from '../core/stores.js'
import type { BenchTenant } from './tenant.js'

export const APP_ORIGIN = 'https://app.bench.test'
export const CALLBACK_URL = `${APP_ORIGIN}/auth/callback`
export const SECRET = 'a-benchmark-secret-that-is-at-least-32-characters-long'

/** The same input for both libraries in every run. */
export const LOGIN_OPTIONS = { appState: { returnTo: '/home' } }
export const LINK_OPTIONS = { connection: 'github', connectionScope: 'repo', appState: { returnTo: '/settings/accounts' } }
export const UNLINK_OPTIONS = { connection: 'github', appState: { returnTo: '/settings/accounts' } }

/** The five operations the issue compares, behind one shape so both libraries get the same inputs. */
export interface Contender {
  readonly name: string
  /** Cookie name prefix of the session (to report its size on the wire). */
  readonly sessionCookie: string
  startInteractiveLogin(storeOptions: StoreOptions): Promise<URL>
  completeInteractiveLogin(url: URL, storeOptions: StoreOptions): Promise<unknown>
  startLinkUser(storeOptions: StoreOptions): Promise<URL>
  completeLinkUser(url: URL, storeOptions: StoreOptions): Promise<unknown>
  startUnlinkUser(storeOptions: StoreOptions): Promise<URL>
  completeUnlinkUser(url: URL, storeOptions: StoreOptions): Promise<unknown>
  getSession(storeOptions: StoreOptions): Promise<unknown>
  /** The default audience's access token; refreshes it when it has expired. */
  getAccessToken(storeOptions: StoreOptions): Promise<unknown>
  /** Login start with a pushed authorization request (PAR); absent where the library has none here. */
  startInteractiveLoginPar?(storeOptions: StoreOptions): Promise<URL>
  /** Connected Accounts: the connect URL (absent where the library has no such call). */
  startConnectAccount?(storeOptions: StoreOptions): Promise<URL>
  /** Token Vault: the provider access token for Google. */
  getAccessTokenForConnection?(storeOptions: StoreOptions): Promise<unknown>
}

export const CONNECT_OPTIONS = { connection: 'google-oauth2', scopes: ['openid', 'https://www.googleapis.com/auth/calendar.readonly'] }

/** Our options for the bench tenant, shared by the library contender and the HTTP servers. */
export function linkKitOptions(tenant: BenchTenant): AuthOptions {
  const { emulator } = tenant
  return {
    domain: emulator.domain,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    secret: SECRET,
    appBaseUrl: APP_ORIGIN,
    fetch: tenant.fetch,
    // The strategy auth0-server-js's startLinkUser/startUnlinkUser use (the tenant's post-login
    // Action applies the link), so both libraries do the same work; the default 'management-api'
    // would add Management API calls the bench tenant does not answer.
    linking: { strategy: 'tenant-action' },
  }
}

export function createLinkKit(tenant: BenchTenant): Contender {
  const client = new ServerClient(linkKitOptions(tenant))
  return {
    name: 'auth0-link-kit',
    // https app: the session cookie carries the __Host- prefix (core/cookies/jar.ts hostPrefixed).
    sessionCookie: '__Host-session',
    startInteractiveLogin: (storeOptions) => client.startInteractiveLogin(LOGIN_OPTIONS, storeOptions),
    completeInteractiveLogin: (url, storeOptions) => client.completeInteractiveLogin(url, storeOptions),
    startLinkUser: (storeOptions) => client.startLinkUser(LINK_OPTIONS, storeOptions),
    completeLinkUser: (url, storeOptions) => client.completeLinkUser(url, storeOptions),
    startUnlinkUser: (storeOptions) => client.startUnlinkUser(UNLINK_OPTIONS, storeOptions),
    completeUnlinkUser: (url, storeOptions) => client.completeUnlinkUser(url, storeOptions),
    getSession: (storeOptions) => client.getSession(storeOptions),
    getAccessToken: (storeOptions) => client.getAccessToken({}, storeOptions),
    startInteractiveLoginPar: (storeOptions) =>
      client.startInteractiveLogin({ ...LOGIN_OPTIONS, pushedAuthorizationRequests: true }, storeOptions),
    startConnectAccount: (storeOptions) => client.startConnectAccount(CONNECT_OPTIONS, storeOptions),
    getAccessTokenForConnection: (storeOptions) => client.getAccessTokenForConnection({ connection: 'google-oauth2' }, storeOptions),
  }
}

function serializeCookie(name: string, value: string, options: CookieSerializeOptions = {}): string {
  let cookie = `${name}=${value}; Path=${options.path ?? '/'}`
  if (options.maxAge !== undefined) cookie += `; Max-Age=${Math.floor(options.maxAge)}`
  if (options.httpOnly) cookie += '; HttpOnly'
  if (options.secure) cookie += '; Secure'
  if (options.sameSite) cookie += `; SameSite=${options.sameSite}`
  return cookie
}

/**
 * The in-memory cookie handler auth0-server-js asks its users to write, over the same
 * `{ request, response }` pair ours takes, parsing the `Cookie` header once per request as ours does.
 */
const headerCookieHandler: CookieHandler<StoreOptions> = {
  setCookie(name, value, options, storeOptions) {
    storeOptions!.response.headers.append('set-cookie', serializeCookie(name, value, options))
  },
  getCookie: (name, storeOptions) => requestCookies(storeOptions!.request).get(name),
  getCookies: (storeOptions) => Object.fromEntries(requestCookies(storeOptions!.request)),
  deleteCookie(name, storeOptions, options) {
    storeOptions!.response.headers.append('set-cookie', serializeCookie(name, '', { ...options, maxAge: 0 }))
  },
}

export function createAuth0ServerJs(tenant: BenchTenant): Contender {
  const { emulator } = tenant
  const client = new Auth0ServerClient<StoreOptions>({
    domain: emulator.domain,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    authorizationParams: { redirect_uri: CALLBACK_URL },
    customFetch: tenant.fetch,
    transactionStore: new Auth0CookieTransactionStore({ secret: SECRET }, headerCookieHandler),
    stateStore: new Auth0StatelessStateStore({ secret: SECRET }, headerCookieHandler),
  })
  return {
    name: '@auth0/auth0-server-js',
    sessionCookie: '__a0_session',
    startInteractiveLogin: (storeOptions) => client.startInteractiveLogin(LOGIN_OPTIONS, storeOptions),
    completeInteractiveLogin: (url, storeOptions) => client.completeInteractiveLogin(url, storeOptions),
    startLinkUser: (storeOptions) => client.startLinkUser(LINK_OPTIONS, storeOptions),
    completeLinkUser: (url, storeOptions) => client.completeLinkUser(url, storeOptions),
    startUnlinkUser: (storeOptions) => client.startUnlinkUser(UNLINK_OPTIONS, storeOptions),
    completeUnlinkUser: (url, storeOptions) => client.completeUnlinkUser(url, storeOptions),
    getSession: (storeOptions) => client.getSession(storeOptions),
    getAccessToken: (storeOptions) => client.getAccessToken(storeOptions),
    getAccessTokenForConnection: (storeOptions) => client.getAccessTokenForConnection({ connection: 'google-oauth2' }, storeOptions),
  }
}
