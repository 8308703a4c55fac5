/**
 * @module The store interfaces: where transactions and sessions live, and what a store is given
 * to build itself (`StoreConfig`), so custom stores plug in like the built-in ones.
 */

import type { CookieOptions } from './cookies/cookie-options.js'
import type { SessionData } from './session.js'
import type { SuggestedLink } from './suggestions.js'
import type { AppOriginSettings } from './urls.js'

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
 * Which flow a transaction belongs to; one callback URL serves them all.
 *
 * @example
 * ```ts
 * const flow: FlowKind = (await auth.client.completeAuthorization(request.url, storeOptions)).flow
 * ```
 */
export type FlowKind = 'login' | 'link' | 'unlink' | 'connect'

/**
 * What is kept between the redirect to Auth0 and the callback, one per `state`: an
 * `/authorize` flow's record, or a Connected Accounts connect's.
 *
 * @example
 * ```ts
 * // in a custom TransactionStore backed by a key-value store
 * async set(state: string, data: TransactionData) { await kv.put(`tx:${state}`, JSON.stringify(data), { expirationTtl: 3600 }) }
 * ```
 */
export type TransactionData = AuthorizeTransactionData | ConnectTransactionData

/**
 * The transaction of a login, link or unlink: what the `/authorize` callback is checked against.
 * One type per flow, told apart by `flow`: a link or unlink always names the user who started it,
 * the connection and its linking step; a login can carry only a {@link Continuation}.
 *
 * @example
 * ```ts
 * const transaction = await transactionStore.get(state, storeOptions)
 * if (transaction?.flow === 'link') console.log(transaction.connection, transaction.nonce)
 * ```
 */
export type AuthorizeTransactionData = LoginTransactionData | LinkTransactionData | UnlinkTransactionData

/**
 * What every `/authorize` transaction holds, whatever its flow.
 *
 * @example
 * ```ts
 * const expired = (transaction: AuthorizeTransactionFields) => transaction.createdAt + 3600 < Date.now() / 1000
 * ```
 */
export interface AuthorizeTransactionFields {
  state: string
  nonce: string
  codeVerifier: string
  redirectUri: string
  /** Audience the resulting access token is for. */
  audience: string
  maxAge?: number
  /** The caller's own value, returned unchanged by the matching `complete*`; never read by the library. */
  appState?: unknown
  /** The organization (id or name) the start asked for; the ID token must come back for it. */
  organization?: string
  /** The issuer of the Auth0 domain the flow was started with; the callback must come back to it. */
  issuer?: string
  createdAt: number
}

/**
 * The transaction of a login.
 *
 * @example
 * ```ts
 * if (transaction.flow === 'login' && transaction.continuation) console.log(`then ${transaction.continuation.flow}`)
 * ```
 */
export interface LoginTransactionData extends AuthorizeTransactionFields {
  flow: 'login'
  /** A login started by a signed-out `/auth/link`, `/auth/unlink` or `/auth/connect`: the flow the callback goes on into. */
  continuation?: Continuation
}

/**
 * The transaction of a link: who started it, the connection to link, and which linking step
 * its callback completes (DESIGN §15).
 *
 * @example
 * ```ts
 * if (transaction.flow === 'link') console.log(`${transaction.sub} links ${transaction.connection} (${transaction.linking.strategy})`)
 * ```
 */
export interface LinkTransactionData extends AuthorizeTransactionFields {
  flow: 'link'
  /** The user who started it, who must come back. */
  sub: string
  connection: string
  linking: Exclude<LinkingTransaction, { step: 'primary' }>
}

/**
 * The transaction of an unlink: who started it, the connection to unlink, and which linking
 * step its callback completes (DESIGN §15).
 *
 * @example
 * ```ts
 * if (transaction.flow === 'unlink' && transaction.linking.strategy === 'management-api') console.log(transaction.linking.identity.userId)
 * ```
 */
export interface UnlinkTransactionData extends AuthorizeTransactionFields {
  flow: 'unlink'
  /** The user who started it, who must come back. */
  sub: string
  connection: string
  linking: Extract<LinkingTransaction, { step: 'primary' } | { strategy: 'tenant-action' }>
}

/**
 * The linking step a link or unlink transaction records (DESIGN §15). With `'management-api'`:
 * `reauthenticate` signs the primary in again before a link (its callback goes on into the link),
 * `secondary` is the sign-in to the identity to link, `primary` the re-authentication before an
 * unlink of `identity`. With `'tenant-action'`: the identities read at the start, when
 * `linking.confirm` is `'management-api'`.
 *
 * @example
 * ```ts
 * const transaction = await transactionStore.get(state, storeOptions)
 * if (transaction?.flow === 'link' && transaction.linking.strategy === 'management-api') console.log(transaction.linking.step)
 * ```
 */
export type LinkingTransaction =
  | {
      strategy: 'management-api'
      step: 'reauthenticate'
      connection: string
      connectionScope?: string
      authorizationParams?: Record<string, string>
      /** Linking a suggestion: carried on into the link itself. */
      suggested?: SuggestedLink
    }
  | { strategy: 'management-api'; step: 'secondary'; suggested?: SuggestedLink }
  | { strategy: 'management-api'; step: 'primary'; identity: { connection: string; provider: string; userId: string } }
  | { strategy: 'tenant-action'; identities?: Array<{ connection: string; provider: string; userId: string }> }

/**
 * The transaction of a Connected Accounts connect: what completing it at the My Account API
 * needs (`auth_session`, the PKCE verifier, the same `redirect_uri`) and whose it is.
 *
 * @example
 * ```ts
 * const transaction = await transactionStore.get(state, storeOptions)
 * if (transaction?.flow === 'connect') console.log(`connecting ${transaction.connection} for ${transaction.sub}`)
 * ```
 */
export interface ConnectTransactionData {
  flow: 'connect'
  state: string
  codeVerifier: string
  redirectUri: string
  /** The My Account API's `auth_session` for this connect request. */
  authSession: string
  connection: string
  /** The user who started it, who must come back. */
  sub: string
  /** The caller's own value, returned unchanged by `completeConnectAccount`; never read by the library. */
  appState?: unknown
  /** The issuer of the Auth0 domain the connect was started with; the callback must come back to it. */
  issuer?: string
  createdAt: number
}

/**
 * The flow a login transaction continues with once the user is signed in, as the handlers
 * record it. Kept apart from `appState`, so nothing a caller puts there can steer the callback.
 *
 * @example
 * ```ts
 * const continuation: Continuation = { flow: 'link', connection: 'github', returnTo: '/settings' }
 * ```
 */
export type Continuation =
  | { flow: 'link'; connection: string; connectionScope?: string; returnTo: string }
  /** Linking a suggestion (its masked `userId`): resolved for the session once there is one. */
  | { flow: 'link'; suggestion: string; primary: 'current' | 'other'; returnTo: string }
  | { flow: 'unlink'; connection: string; userId?: string; returnTo: string }
  | { flow: 'connect'; connection: string; scopes?: string[]; returnTo: string }

/**
 * What a store gets to build itself: the secrets, session lifetime and cookie settings of the
 * instance it serves. A store factory receives it, so options are given once, to `createAuth`.
 *
 * @example
 * ```ts
 * const myStore: StateStoreFactory = (config: StoreConfig) => new MyDatabaseStore(config.session.absoluteDuration)
 * ```
 */
export interface StoreConfig extends AppOriginSettings {
  /** The first encrypts, all decrypt. */
  secrets: readonly string[]
  session: {
    rolling: boolean
    inactivityDuration: number
    absoluteDuration: number
    maxCookieSize: number
    cookieName: string
    cookie: CookieOptions
    /** `cookieName` is the default: on https without a `domain` it becomes `__Host-session`. */
    hostPrefix: boolean
  }
  transaction: {
    cookiePrefix: string
    cookie: CookieOptions
    maxAge: number
    maxCount: number
    /** `cookiePrefix` is the default: on https without a `domain` it becomes `__Host-a0_tx`. */
    hostPrefix: boolean
  }
}

/**
 * Builds a {@link StateStore} for one instance; pass it as `stateStore`.
 *
 * @example
 * ```ts
 * createAuth({ ...options, stateStore: statefulStateStore(new MemorySessionBackend()) })
 * ```
 */
export type StateStoreFactory = (config: StoreConfig) => StateStore

/**
 * Builds a {@link TransactionStore} for one instance; pass it as `transactionStore`.
 *
 * @example
 * ```ts
 * const transactionStore: TransactionStoreFactory = (config) => new KeyValueTransactions(kv, config.transaction.maxAge)
 * ```
 */
export type TransactionStoreFactory = (config: StoreConfig) => TransactionStore

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
  /**
   * Optional: the expensive part of {@link set} (encrypting) done now, the write left to
   * `commit()`. The callback always writes a new session this way: it prepares the session while
   * the ID token's signature is checked and commits only once every check passed. A store without
   * it gets one whose `commit()` calls `set`, so nothing is written before the checks either way.
   */
  prepare?(session: SessionData, storeOptions: StoreOptions, options?: StateStoreSetOptions): Promise<PreparedSessionWrite>
  /**
   * Present on stores shared by several instances: lets one instance refresh a session's
   * tokens while the others wait for its result, so a rotating refresh token is used once.
   */
  readonly sharedRefresh?: SharedRefresh
  /**
   * Optional: records `key` for `ttlSeconds` and says whether this was the first time (a logout
   * token's `jti`). A store shared by several instances offers it so a replay sent to another
   * instance is refused as well; without it, each process remembers on its own.
   */
  markOnce?(key: string, ttlSeconds: number): Promise<boolean>
}

/**
 * A session write made ready by {@link StateStore.prepare}; nothing is written until `commit()`.
 *
 * @example
 * ```ts
 * const write = await stateStore.prepare!(session, storeOptions)
 * if (signatureValid) await write.commit() // else drop it: nothing was written
 * ```
 */
export interface PreparedSessionWrite {
  commit(): Promise<void>
}

/**
 * A cross-instance lock and result board for token refreshes, keyed by a hash of the refresh
 * token. The instance that {@link claim}s a key sends the refresh and {@link publish}es the
 * outcome; the others {@link read} it. Values are opaque strings to the backend.
 *
 * @example
 * ```ts
 * // what RedisSessionBackend does
 * claim: async (key, ttlMs) => (await redis.set(`lock:${key}`, '1', { NX: true, PX: ttlMs })) === 'OK',
 * ```
 */
export interface SharedRefresh {
  /** True when this caller now holds `key` for `ttlMs`; false when another instance does. */
  claim(key: string, ttlMs: number): Promise<boolean>
  /** Leaves `result` under `key` for `ttlMs`, for the instances that lost the claim. */
  publish(key: string, result: string, ttlMs: number): Promise<void>
  /** The published result for `key`, or `undefined` while there is none. */
  read(key: string): Promise<string | undefined>
}
