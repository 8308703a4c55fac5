export { createAuth, type Auth, type AuthHandler } from './auth.js'
export {
  ServerClient,
  type AccessTokenResult,
  type CompleteResult,
  type GetAccessTokenOptions,
  type StartInteractiveLoginOptions,
  type StartLinkUserOptions,
  type StartUnlinkUserOptions,
} from './server-client.js'
export type { CompletedAuthorization } from './flows/callback.js'
export {
  DEFAULT_ROUTES,
  DEFAULT_SCOPE,
  type AuthOptions,
  type AuthorizationParameters,
  type BeforeSessionSavedHook,
  type CookieOptions,
  type ErrorHook,
  type IdentitiesRouteOptions,
  type ManagementApiOptions,
  type Routes,
  type SessionOptions,
  type TransactionCookieOptions,
} from './options.js'
export type { SessionData, TokenSet, UserClaims } from './session.js'
export type { Identity } from './management-api.js'
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
export { StatefulStateStore, statefulStateStore } from './stores/stateful-state-store.js'
export { MemorySessionBackend, type MemorySessionBackendOptions } from './stores/memory-session-backend.js'
export type { SessionBackend, SessionRecordOptions } from './stores/session-backend.js'
export { CookieStateStore } from './cookies/cookie-state-store.js'
export { CookieTransactionStore } from './cookies/cookie-transaction-store.js'
export { safeReturnTo } from './safety.js'
export * from './errors.js'
