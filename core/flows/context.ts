/**
 * @module The one place an instance is wired together: configuration, tenant, key set, stores
 * and the Management API client. `ServerClient` and `createAuth` both get their context here,
 * so the handlers never build or reach into stores of their own.
 */

import { type ResolvedConfig, resolveConfig } from '../config.js'
import { CookieStateStore } from '../cookies/cookie-state-store.js'
import { CookieTransactionStore } from '../cookies/cookie-transaction-store.js'
import { DpopProofs } from '../dpop.js'
import { ManagementApiClient } from '../management-api.js'
import type { AuthOptions } from '../options.js'
import { RefreshCoordinator } from '../refresh-coordinator.js'
import type { StateStore, TransactionStore } from '../stores.js'
import { Tenant } from '../tenant.js'
import { TenantKeySet } from '../tenant-key-set.js'

/** Everything the flows share for one configured instance. Internal: not in the public types. */
export interface FlowContext {
  config: ResolvedConfig
  /** The Auth0 tenant (`connection` is kept for Auth0 connections such as `github`). */
  tenant: Tenant
  keySet: TenantKeySet
  transactionStore: TransactionStore
  stateStore: StateStore
  managementApi: ManagementApiClient
  refreshes: RefreshCoordinator
  /** Proofs for the app's own API calls; with the `dpop` option only. */
  dpopProofs: DpopProofs | undefined
}

function build<T>(
  given: T | ((config: ResolvedConfig) => T) | undefined,
  config: ResolvedConfig,
  fallback: (config: ResolvedConfig) => T,
): T {
  if (given === undefined) return fallback(config)
  return typeof given === 'function' ? (given as (config: ResolvedConfig) => T)(config) : given
}

/** Validates `options` and builds the instance's context. */
export function createFlowContext(options: AuthOptions): FlowContext {
  const config = resolveConfig(options)
  const tenant = new Tenant(config)
  return {
    config,
    tenant,
    keySet: new TenantKeySet(tenant),
    transactionStore: build(options.transactionStore, config, (resolved) => new CookieTransactionStore(resolved)),
    stateStore: build(options.stateStore, config, (resolved) => new CookieStateStore(resolved)),
    managementApi: new ManagementApiClient(tenant, config.managementApi),
    refreshes: new RefreshCoordinator(),
    dpopProofs: config.dpop ? new DpopProofs(config.dpop) : undefined,
  }
}
