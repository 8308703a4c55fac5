/**
 * `auth0-link-kit`: the core. `createAuth` (the Web handlers for every auth route), the
 * `ServerClient` (the programmatic API, mirroring Auth0's), the session and transaction stores and
 * the typed errors. Web APIs, oauth4webapi and jose only: it runs on every JavaScript runtime.
 *
 * @module auth0-link-kit
 */

export { type Auth, type AuthHandler, type AuthRouteHandlers, createAuth } from './auth.js'
export {
  bindRequest,
  type CookieSink,
  headersCookieSink,
  type PerRequestMethod,
  type RequestAuth,
  type ResponseCookie,
  withCookieSink,
} from './bind-request.js'
export { CookieStateStore } from './cookies/cookie-state-store.js'
export { CookieTransactionStore } from './cookies/cookie-transaction-store.js'
export type { DpopKeyPair, DpopProofRequest } from './dpop.js'
export * from './errors.js'
export type { CompletedAuthorization } from './flows/callback.js'
export type { Identity } from './management-api.js'
export { defaultMergeMetadata, type LinkedUserMetadata, type MergeMetadata, type MetadataPatch } from './metadata-merge.js'
export type { ConnectedAccount, ConnectedAccountConnection } from './my-account-api.js'
export {
  type AccessTokenRouteOptions,
  type AuthOptions,
  type AuthorizationParameters,
  type BeforeSessionSavedHook,
  type CallbackContext,
  type CallbackHook,
  type ConnectedAccountsOptions,
  type CookieOptions,
  DEFAULT_ROUTES,
  DEFAULT_SCOPE,
  type DomainResolver,
  type ErrorHook,
  type IdentitiesRouteOptions,
  type LinkedIdentity,
  type LinkHook,
  type LinkHookContext,
  type LinkingOptions,
  type ManagementApiOptions,
  type Routes,
  type SessionOptions,
  type TransactionCookieOptions,
} from './options.js'
export { errorResponse, wantsJson } from './responses.js'
export { isPrefetch, safeReturnTo } from './safety.js'
export {
  type AccessTokenForConnectionOptions,
  type AccessTokenResult,
  type CompleteConnectAccountResult,
  type CompleteLinkResult,
  type CompleteResult,
  type CompleteUnlinkResult,
  type ConnectionAccessTokenResult,
  type GetAccessTokenOptions,
  type ListConnectedAccountsOptions,
  ServerClient,
  type StartConnectAccountOptions,
  type StartInteractiveLoginOptions,
  type StartLinkUserOptions,
  type StartUnlinkUserOptions,
} from './server-client.js'
export type { ConnectionTokenSet, SessionData, TokenSet, UserClaims } from './session.js'
export { MemorySessionBackend, type MemorySessionBackendOptions } from './stores/memory-session-backend.js'
export type { SessionBackend, SessionRecordOptions } from './stores/session-backend.js'
export { StatefulStateStore, statefulStateStore } from './stores/stateful-state-store.js'
export type {
  AuthorizeTransactionData,
  AuthorizeTransactionFields,
  ConnectTransactionData,
  Continuation,
  FlowKind,
  LinkingTransaction,
  LinkTransactionData,
  LoginTransactionData,
  LogoutTokenClaims,
  PreparedSessionWrite,
  SharedRefresh,
  StateStore,
  StateStoreFactory,
  StateStoreSetOptions,
  StoreConfig,
  StoreOptions,
  TransactionData,
  TransactionStore,
  TransactionStoreFactory,
  UnlinkTransactionData,
} from './stores.js'
export type { DeclinedSuggestionStore, LinkSuggestion, LinkSuggestionsOptions, SuggestedLink } from './suggestions.js'
export { isValidHost } from './urls.js'
