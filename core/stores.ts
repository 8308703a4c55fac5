import type { SessionData } from './session.js'

/**
 * What a store reads and writes through: cookies come from `request`, and `Set-Cookie` headers are
 * appended to `response.headers` (a `new Response()`'s headers, or any `Headers`).
 *
 * @example
 * ```ts
 * const response = new Response(null, { status: 302 })
 * const url = await auth.client.startLinkUser({ connection: 'github' }, { request, response })
 * response.headers.set('location', url.href)
 * ```
 */
export interface StoreOptions {
  request: Request
  response: { headers: Headers }
}

/**
 * Which flow a transaction belongs to; one callback URL serves all three.
 *
 * @example
 * ```ts
 * const flow: FlowKind = (await auth.client.completeAuthorization(request.url, storeOptions)).flow
 * ```
 */
export type FlowKind = 'login' | 'link' | 'unlink'

/**
 * What is kept between the redirect to Auth0 and the callback, one per `state`.
 *
 * @example
 * ```ts
 * // in a custom TransactionStore backed by a key-value store
 * async set(state: string, data: TransactionData) { await kv.put(`tx:${state}`, JSON.stringify(data), { expirationTtl: 3600 }) }
 * ```
 */
export interface TransactionData {
  flow: FlowKind
  state: string
  nonce: string
  codeVerifier: string
  redirectUri: string
  /** Audience the resulting access token is for. */
  audience: string
  maxAge?: number
  appState?: unknown
  /** For link and unlink: the user who started it, who must come back. */
  sub?: string
  connection?: string
  createdAt: number
}

/**
 * Keeps transactions keyed by `state`. The default writes one encrypted cookie per state.
 *
 * @example
 * ```ts
 * const memory = new Map<string, TransactionData>()
 * const transactionStore: TransactionStore = {
 *   async get(state) { return memory.get(state) },
 *   async set(state, data) { memory.set(state, data) },
 *   async delete(state) { memory.delete(state) },
 * }
 * ```
 */
export interface TransactionStore {
  get(state: string, storeOptions: StoreOptions): Promise<TransactionData | undefined>
  set(state: string, data: TransactionData, storeOptions: StoreOptions): Promise<void>
  delete(state: string, storeOptions: StoreOptions): Promise<void>
}

/**
 * Identifies the sessions a backchannel logout token ends.
 *
 * @example
 * ```ts
 * // in a custom StateStore
 * async deleteByLogoutToken({ sub, sid }: LogoutTokenClaims) { if (sid) await db.sessions.deleteMany({ sid }) }
 * ```
 */
export interface LogoutTokenClaims {
  sub?: string
  sid?: string
}

/**
 * Options of {@link StateStore.set}.
 *
 * @example
 * ```ts
 * // what the callback does after a login
 * await stateStore.set(session, { request, response }, { rotate: true })
 * ```
 */
export interface StateStoreSetOptions {
  /** Issue a new session id and delete the record under the old one (login, link, unlink). */
  rotate?: boolean
  /**
   * The write updates the session the request carries (link, unlink completion): a stateful
   * store writes nothing when that session ended meanwhile (logout during the code exchange).
   */
  updatesExisting?: boolean
}

/**
 * Keeps the session. The default is stateless (an encrypted cookie); a stateful store keeps only
 * an id in the cookie and the data in a backend.
 *
 * @example
 * ```ts
 * const session = await stateStore.get({ request, response })
 * ```
 */
export interface StateStore {
  get(storeOptions: StoreOptions): Promise<SessionData | undefined>
  /**
   * Writes the session. `rotate` (sent after login and after link/unlink completion) asks a
   * stateful store to issue a new session id and drop the old one, so an id planted in the
   * browser before sign-in never names a signed-in session (session fixation). Stores without
   * ids may ignore it.
   */
  set(session: SessionData, storeOptions: StoreOptions, options?: StateStoreSetOptions): Promise<void>
  delete(storeOptions: StoreOptions): Promise<void>
  /** Ends every session matching the claims (backchannel logout). */
  deleteByLogoutToken(claims: LogoutTokenClaims, storeOptions?: StoreOptions): Promise<void>
}
