export { type Auth, type AuthHandler, createAuth } from './auth.js'
export { CookieStateStore } from './cookies/cookie-state-store.js'
export { CookieTransactionStore } from './cookies/cookie-transaction-store.js'
export type { DpopKeyPair, DpopProofRequest } from './dpop.js'
export * from './errors.js'
export type { CompletedAuthorization } from './flows/callback.js'
export type { Identity } from './management-api.js'
export {
  type AuthOptions,
  type AuthorizationParameters,
  type BeforeSessionSavedHook,
  type CallbackContext,
  type CallbackHook,
  type CookieOptions,
  DEFAULT_ROUTES,
  DEFAULT_SCOPE,
  type DomainResolver,
  type ErrorHook,
  type IdentitiesRouteOptions,
  type ManagementApiOptions,
  type Routes,
  type SessionOptions,
  type TransactionCookieOptions,
} from './options.js'
export { safeReturnTo } from './safety.js'
export {
  type AccessTokenResult,
  type CompleteResult,
  type GetAccessTokenOptions,
  ServerClient,
  type StartInteractiveLoginOptions,
  type StartLinkUserOptions,
  type StartUnlinkUserOptions,
} from './server-client.js'
export type { SessionData, TokenSet, UserClaims } from './session.js'
export { MemorySessionBackend, type MemorySessionBackendOptions } from './stores/memory-session-backend.js'
export type { SessionBackend, SessionRecordOptions } from './stores/session-backend.js'
export { StatefulStateStore, statefulStateStore } from './stores/stateful-state-store.js'
export type {
  Continuation,
  FlowKind,
  LogoutTokenClaims,
  SharedRefresh,
  StateStore,
  StateStoreFactory,
  StateStoreSetOptions,
  StoreConfig,
  StoreOptions,
  TransactionData,
  TransactionStore,
  TransactionStoreFactory,
} from './stores.js'
