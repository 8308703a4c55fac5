export { createAuth, type Auth, type AuthHandler } from './auth.js'
export {
  ServerClient,
  type AccessTokenResult,
  type CompleteResult,
  type StartInteractiveLoginOptions,
  type StartLinkUserOptions,
  type StartUnlinkUserOptions,
} from './server-client.js'
export type { CompletedAuthorization } from './flows/callback.js'
export { mergeAuthorizationParams } from './flows/authorization-params.js'
export {
  resolveConfig,
  DEFAULT_ROUTES,
  DEFAULT_SCOPE,
  type AuthOptions,
  type AuthorizationParameters,
  type BeforeSessionSavedHook,
  type CookieOptions,
  type ErrorHook,
  type IdentitiesRouteOptions,
  type ManagementApiOptions,
  type ResolvedConfig,
  type Routes,
  type SessionOptions,
} from './config.js'
export type { SessionData, TokenSet, UserClaims } from './session.js'
export type { Identity, ManagementApiSettings } from './management-api.js'
export type { FlowKind, LogoutTokenClaims, StateStore, StoreOptions, TransactionData, TransactionStore } from './stores.js'
export type { StateStoreSetOptions } from './stores.js'
export { StatefulStateStore } from './stores/stateful-state-store.js'
export { MemorySessionBackend, type MemorySessionBackendOptions } from './stores/memory-session-backend.js'
export type { SessionBackend, SessionRecordOptions } from './stores/session-backend.js'
export { CookieStateStore } from './cookies/cookie-state-store.js'
export { CookieTransactionStore } from './cookies/cookie-transaction-store.js'
export { safeReturnTo } from './safety.js'
export * from './errors.js'
