/**
 * @module Auth0's My Account API, its connected-accounts endpoints: one function per call, each
 * given the bearer token the caller obtained for it. Answers are parsed at the boundary; a
 * refusal, an unreachable API or a body that is not what Auth0 documents is a `MyAccountApiError`.
 */

import { bearerJson } from './bearer-json.js'
import { MyAccountApiError } from './errors.js'
import { myAccountAudience } from './my-account-base.js'
import type { Tenant } from './tenant.js'

/**
 * One account the user connected through Connected Accounts, as the My Account API lists it.
 *
 * @example
 * ```ts
 * const accounts: ConnectedAccount[] = await auth.client.listConnectedAccounts({}, { request, response })
 * const calendar = accounts.find((account) => account.scopes.includes('https://www.googleapis.com/auth/calendar.readonly'))
 * ```
 */
export interface ConnectedAccount {
  /** `cac_…`; what {@link ServerClient.deleteConnectedAccount} takes. */
  id: string
  /** The Auth0 connection, e.g. `google-oauth2`. */
  connection: string
  /** Always `offline` today: Token Vault keeps the provider's refresh token. */
  accessType: string
  /** The provider scopes the user granted. */
  scopes: string[]
  /** ISO 8601. */
  createdAt: string
  /** ISO 8601, when the provider's refresh token expires (if it does). */
  expiresAt?: string
}

/**
 * A connection the user may connect, as `GET /me/v1/connected-accounts/connections` lists it.
 *
 * @example
 * ```ts
 * const connections: ConnectedAccountConnection[] = await auth.client.listConnectedAccountConnections({ request, response })
 * const offered = connections.map((connection) => connection.name) // ['google-oauth2', 'github']
 * ```
 */
export interface ConnectedAccountConnection {
  name: string
  strategy: string
  /** The scopes the connection may be asked for. */
  scopes: string[]
}

/** The body of `POST /me/v1/connected-accounts/connect`. */
export interface ConnectRequestBody {
  connection: string
  redirect_uri: string
  state: string
  code_challenge: string
  code_challenge_method: 'S256'
  scopes?: string[]
  authorization_params?: Record<string, string>
}

/** What `POST …/connect` answers: where to send the browser, and the session to complete with. */
export interface ConnectTicket {
  authSession: string
  /** `connect_uri` with `ticket` from `connect_params`. */
  url: URL
  /** Seconds the ticket is valid. */
  expiresIn: number
}

/** The body of `POST /me/v1/connected-accounts/complete`. */
export interface CompleteRequestBody {
  auth_session: string
  connect_code: string
  redirect_uri: string
  code_verifier: string
}

/** A page of a list and the cursor of the next one (`next`, sent back as `from`). */
export interface Page<T> {
  items: T[]
  next: string | undefined
}

type JsonObject = Record<string, unknown>

const isObject = (value: unknown): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value)
const isNonEmptyString = (value: unknown, max = 2048): value is string => typeof value === 'string' && value !== '' && value.length <= max

/** One call to the My Account API's connected-accounts endpoints (see {@link bearerJson}). */
function call(
  tenant: Tenant,
  token: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body: unknown,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  const url = new URL(`v1/connected-accounts/${path}`, myAccountAudience(tenant.issuer))
  return bearerJson(tenant, { what: 'The My Account API', method, url, token, body, signal, ErrorClass: MyAccountApiError })
}

function invalid(what: string): MyAccountApiError {
  return new MyAccountApiError(`The My Account API sent ${what}`)
}

function parseScopes(value: unknown): string[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || !value.every((scope) => typeof scope === 'string')) throw invalid('scopes that are not a list of strings')
  return value
}

function parseAccount(value: unknown): ConnectedAccount {
  if (!isObject(value)) throw invalid('a connected account that is not an object')
  const { id, connection, access_type, scopes, created_at, expires_at } = value
  if (!isNonEmptyString(id, 256) || !isNonEmptyString(connection, 256)) throw invalid('a connected account without id or connection')
  return {
    id,
    connection,
    accessType: typeof access_type === 'string' ? access_type : 'offline',
    scopes: parseScopes(scopes),
    createdAt: typeof created_at === 'string' ? created_at : '',
    ...(typeof expires_at === 'string' ? { expiresAt: expires_at } : {}),
  }
}

function parseConnection(value: unknown): ConnectedAccountConnection {
  if (!isObject(value)) throw invalid('a connection that is not an object')
  const { name, strategy, scopes } = value
  if (!isNonEmptyString(name, 256)) throw invalid('a connection without a name')
  return { name, strategy: typeof strategy === 'string' ? strategy : '', scopes: parseScopes(scopes) }
}

function parsePage<T>(body: unknown, field: string, parse: (value: unknown) => T): Page<T> {
  const items = isObject(body) ? body[field] : undefined
  if (!Array.isArray(items)) throw invalid(`a list without ${field}`)
  const next = isObject(body) ? body.next : undefined
  if (next !== undefined && next !== null && !isNonEmptyString(next, 2048)) throw invalid('a next cursor that is not a string')
  return { items: items.map(parse), next: typeof next === 'string' ? next : undefined }
}

/** A connect URI we send the browser to: absolute, https (plain http only where the tenant is on loopback). */
function connectUrl(tenant: Tenant, connectUri: unknown, ticket: unknown): URL {
  if (!isNonEmptyString(connectUri) || !URL.canParse(connectUri)) throw invalid('no connect_uri')
  if (!isNonEmptyString(ticket)) throw invalid('no connect_params.ticket')
  const url = new URL(connectUri)
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && tenant.http.allowInsecureRequests)
  if (!secure || url.username || url.password) throw invalid('a connect_uri that is not an https URL')
  url.searchParams.set('ticket', ticket)
  return url
}

/**
 * `POST /me/v1/connected-accounts/connect` (`create:me:connected_accounts`): starts a connect
 * request; answers where to send the browser and the `auth_session` to complete it with.
 *
 * @throws {MyAccountApiError} when the API refuses (400 unknown connection, 401, 403, 429, 5xx) or answers garbage.
 * @see [My Account API: Create a connected account request](https://auth0.com/docs/api/myaccount/connected-accounts/create-connected-account-request)
 */
export async function createConnectRequest(
  tenant: Tenant,
  token: string,
  body: ConnectRequestBody,
  signal: AbortSignal | undefined,
): Promise<ConnectTicket> {
  const answer = await call(tenant, token, 'POST', 'connect', body, signal)
  if (!isObject(answer)) throw invalid('a connect answer that is not an object')
  const { auth_session, connect_uri, connect_params, expires_in } = answer
  if (!isNonEmptyString(auth_session, 1024)) throw invalid('no auth_session')
  const url = connectUrl(tenant, connect_uri, isObject(connect_params) ? connect_params.ticket : undefined)
  return { authSession: auth_session, url, expiresIn: typeof expires_in === 'number' ? expires_in : 0 }
}

/**
 * `POST /me/v1/connected-accounts/complete`: completes the connect request with the
 * `connect_code` the browser brought back, the PKCE verifier and the same `redirect_uri`.
 *
 * @throws {MyAccountApiError} when the API refuses (a used or foreign code, an `auth_session` mismatch) or answers garbage.
 * @see [My Account API: Complete a connected account request](https://auth0.com/docs/api/myaccount/connected-accounts/complete-connected-account-request)
 */
export async function completeConnectRequest(
  tenant: Tenant,
  token: string,
  body: CompleteRequestBody,
  signal: AbortSignal | undefined,
): Promise<ConnectedAccount> {
  return parseAccount(await call(tenant, token, 'POST', 'complete', body, signal))
}

/**
 * `GET /me/v1/connected-accounts/accounts` (`read:me:connected_accounts`): one page.
 *
 * @see [My Account API: Get a list of connected accounts](https://auth0.com/docs/api/myaccount/connected-accounts/get-connected-accounts)
 */
export async function listAccountsPage(
  tenant: Tenant,
  token: string,
  query: { connection?: string | undefined; from?: string | undefined; take: number },
  signal: AbortSignal | undefined,
): Promise<Page<ConnectedAccount>> {
  const params = new URLSearchParams({ take: String(query.take) })
  if (query.connection !== undefined) params.set('connection', query.connection)
  if (query.from !== undefined) params.set('from', query.from)
  return parsePage(await call(tenant, token, 'GET', `accounts?${params}`, undefined, signal), 'accounts', parseAccount)
}

/**
 * `GET /me/v1/connected-accounts/connections` (`read:me:connected_accounts`): one page.
 *
 * @see [My Account API: Get connections for connected accounts](https://auth0.com/docs/api/myaccount/connected-accounts/get-connected-accounts-connections)
 */
export async function listConnectionsPage(
  tenant: Tenant,
  token: string,
  query: { from?: string | undefined; take: number },
  signal: AbortSignal | undefined,
): Promise<Page<ConnectedAccountConnection>> {
  const params = new URLSearchParams({ take: String(query.take) })
  if (query.from !== undefined) params.set('from', query.from)
  return parsePage(await call(tenant, token, 'GET', `connections?${params}`, undefined, signal), 'connections', parseConnection)
}

/**
 * `DELETE /me/v1/connected-accounts/accounts/{id}` (`delete:me:connected_accounts`). The API
 * answers 404 for an id that is not one of the token's user's accounts.
 *
 * @see [My Account API: Delete a connected account](https://auth0.com/docs/api/myaccount/connected-accounts/delete-connected-account)
 */
export async function deleteAccount(tenant: Tenant, token: string, id: string, signal: AbortSignal | undefined): Promise<void> {
  await call(tenant, token, 'DELETE', `accounts/${encodeURIComponent(id)}`, undefined, signal)
}

/** Pages followed at most; at the API's 20 a page, 200 accounts is far past any real user. */
export const MAX_PAGES = 10

/**
 * Every item of a list from the cursor `start`, following `next` until there is none, `limit` items are collected, or
 * {@link MAX_PAGES} pages were read: a cursor that never ends cannot keep a request busy.
 */
export async function collectPages<T>(
  limit: number,
  start: string | undefined,
  fetchPage: (from: string | undefined, take: number) => Promise<Page<T>>,
): Promise<T[]> {
  const items: T[] = []
  let from = start
  for (let page = 0; page < MAX_PAGES && items.length < limit; page++) {
    const result = await fetchPage(from, Math.min(20, limit - items.length))
    items.push(...result.items)
    if (result.next === undefined || result.next === from) break
    from = result.next
  }
  return items.slice(0, limit)
}
