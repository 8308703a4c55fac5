/**
 * @module The one place an instance is wired together: configuration, tenant, key set, stores
 * and the Management API client. `ServerClient` and `createAuth` both get their context here,
 * so the handlers never build or reach into stores of their own.
 */

import { type ResolvedConfig, resolveConfig } from '../config.js'
import { CookieStateStore } from '../cookies/cookie-state-store.js'
import { CookieTransactionStore } from '../cookies/cookie-transaction-store.js'
import { DpopProofs } from '../dpop.js'
import { SessionStoreError } from '../errors.js'
import type { AuthOptions } from '../options.js'
import { RefreshCoordinator } from '../refresh-coordinator.js'
import { ReplayMemory } from '../replay-memory.js'
import type { SessionData } from '../session.js'
import { SingleFlight } from '../single-flight.js'
import type { PreparedSessionWrite, StateStore, StateStoreSetOptions, StoreOptions, TransactionStore } from '../stores.js'
import { TenantDirectory, type TenantScope } from '../tenants.js'

/**
 * What one configured instance holds, whatever Auth0 domain a request is for. Internal: not in
 * the public types.
 */
export interface InstanceContext {
  config: ResolvedConfig
  /** The configured domain, or the resolved ones (multiple custom domains). */
  tenants: TenantDirectory
  transactionStore: TransactionStore
  stateStore: PreparingStateStore
  refreshes: RefreshCoordinator
  /** Token Vault exchanges in flight, by refresh token and connection: concurrent callers share one. */
  connectionTokens: SingleFlight<ConnectionTokenOutcome>
  /** Proofs for the app's own API calls; with the `dpop` option only. */
  dpopProofs: DpopProofs | undefined
  /** Logout tokens (`jti`) this process has accepted, so a replay is refused. */
  usedLogoutTokens: ReplayMemory
}

/** What one Token Vault exchange produced, as every caller that shared it receives it. */
export interface ConnectionTokenOutcome {
  accessToken: string
  /** Seconds since the epoch. */
  expiresAt: number
  scope: string | undefined
}

/**
 * The state store as the flows use it: `prepare` is always there, so a session is always written
 * one way (prepared, then committed once every check passed); see `prepareBySet`.
 */
export interface PreparingStateStore extends StateStore {
  prepare(session: SessionData, storeOptions: StoreOptions, options?: StateStoreSetOptions): Promise<PreparedSessionWrite>
}

/**
 * The `prepare` of a store that has none: nothing is done up front, and `commit()` calls `set`.
 * Custom stores written with only `get`/`set`/`delete` keep working unchanged; what they go
 * without is the head start (encrypting while the ID token's signature is checked).
 */
function prepareBySet(store: StateStore): PreparingStateStore['prepare'] {
  return async (session, storeOptions, options) => ({ commit: () => store.set(session, storeOptions, options) })
}

/** Everything a flow step needs for one request: the instance, and the Auth0 domain serving it. */
export interface FlowContext extends InstanceContext, TenantScope {}

function build<T, R extends T = T>(
  given: T | ((config: ResolvedConfig) => T) | undefined,
  config: ResolvedConfig,
  fallback: (config: ResolvedConfig) => R,
  checked: (custom: T) => R,
): R {
  if (given === undefined) return fallback(config)
  return checked(typeof given === 'function' ? (given as (config: ResolvedConfig) => T)(config) : given)
}

/** Validates `options` and builds the instance's context. */
export function createFlowContext(options: AuthOptions): InstanceContext {
  const config = resolveConfig(options)
  return {
    config,
    tenants: new TenantDirectory(config),
    transactionStore: build(
      options.transactionStore,
      config,
      (resolved) => new CookieTransactionStore(resolved),
      (custom) => custom,
    ),
    stateStore: build(options.stateStore, config, (resolved) => new CookieStateStore(resolved), checkedSessions),
    refreshes: new RefreshCoordinator(),
    connectionTokens: new SingleFlight(),
    dpopProofs: config.dpop ? new DpopProofs(config.dpop) : undefined,
    usedLogoutTokens: new ReplayMemory(),
  }
}

/**
 * A custom store's `get`, checked for the shape every flow relies on: a session without
 * `internal` (or `user.sub`, or `tokenSets`) from a store written for another version would
 * otherwise surface as a `TypeError` deep in a flow. A store without `prepare` gets one.
 */
function checkedSessions(store: StateStore): PreparingStateStore {
  return {
    get: async (storeOptions: StoreOptions) => {
      const session = await store.get(storeOptions)
      if (session === undefined || isSessionShaped(session)) return session
      throw new SessionStoreError('The state store returned a session without user.sub, tokenSets or internal.createdAt', {
        operation: 'get',
      })
    },
    set: (session, storeOptions, options) => store.set(session, storeOptions, options),
    delete: (storeOptions) => store.delete(storeOptions),
    deleteByLogoutToken: (claims, storeOptions) => store.deleteByLogoutToken(claims, storeOptions),
    prepare: store.prepare ? store.prepare.bind(store) : prepareBySet(store),
    ...(store.sharedRefresh ? { sharedRefresh: store.sharedRefresh } : {}),
    ...(store.markOnce ? { markOnce: store.markOnce.bind(store) } : {}),
  }
}

function isSessionShaped(session: unknown): session is SessionData {
  if (session === null || typeof session !== 'object') return false
  const { user, tokenSets, internal } = session as Partial<Record<keyof SessionData, unknown>>
  return (
    user !== null &&
    typeof user === 'object' &&
    typeof (user as { sub?: unknown }).sub === 'string' &&
    Array.isArray(tokenSets) &&
    internal !== null &&
    typeof internal === 'object' &&
    typeof (internal as { createdAt?: unknown }).createdAt === 'number'
  )
}

/**
 * A session store that only knows sessions of `issuer`: one made under another Auth0 domain
 * reads as signed out, and every session written is stamped with the domain it was made under.
 */
function issuerBound(store: PreparingStateStore, issuer: string): PreparingStateStore {
  const stamped = (session: SessionData): SessionData => ({ ...session, internal: { ...session.internal, issuer } })
  return {
    get: async (storeOptions) => {
      const session = await store.get(storeOptions)
      return session?.internal.issuer === issuer ? session : undefined
    },
    set: (session, storeOptions, options) => store.set(stamped(session), storeOptions, options),
    prepare: (session, storeOptions, options) => store.prepare(stamped(session), storeOptions, options),
    delete: async (storeOptions) => {
      // Logout under this domain ends this domain's session only; another domain's stays.
      const session = await store.get(storeOptions)
      if (session !== undefined && session.internal.issuer !== issuer) return
      await store.delete(storeOptions)
    },
    deleteByLogoutToken: (claims, storeOptions) => store.deleteByLogoutToken(claims, storeOptions),
    ...(store.sharedRefresh ? { sharedRefresh: store.sharedRefresh } : {}),
    ...(store.markOnce ? { markOnce: store.markOnce.bind(store) } : {}),
  }
}

const scoped = new WeakMap<TenantScope, FlowContext>()

/**
 * The flow context for `scope`, made once per domain: with a configured domain the instance's
 * own stores, with a resolver a session store bound to the domain's issuer.
 */
export function contextFor(instance: InstanceContext, scope: TenantScope): FlowContext {
  let context = scoped.get(scope)
  if (!context) {
    const stateStore = instance.tenants.fixed ? instance.stateStore : issuerBound(instance.stateStore, scope.tenant.issuer.href)
    context = { ...instance, ...scope, stateStore }
    scoped.set(scope, context)
  }
  return context
}

/**
 * The flow context for one request: the Auth0 domain serving it (see
 * {@link TenantDirectory.forRequest}) with the instance.
 *
 * @throws {ConfigurationError} when a domain resolver fails or returns no valid domain.
 */
export async function requestContext(instance: InstanceContext, request: Request): Promise<FlowContext> {
  return contextFor(instance, await instance.tenants.forRequest(request))
}
