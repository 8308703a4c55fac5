import type { AuthorizationServerConnection } from '../authorization-server.js'
import type { ResolvedConfig } from '../config.js'
import type { TenantKeySet } from '../id-token-signature.js'
import type { StateStore, TransactionStore } from '../stores.js'

/** Everything the flows share for one configured instance. */
export interface FlowContext {
  config: ResolvedConfig
  connection: AuthorizationServerConnection
  keySet: TenantKeySet
  transactionStore: TransactionStore
  stateStore: StateStore
}
