/**
 * @module The start step of login, link and unlink: Auth0's `/authorize` URL, with PKCE, `state`
 * and `nonce` stored as the flow's transaction.
 */

import * as oauth from 'oauth4webapi'
import { DiscoveryError, InvalidRequestError } from '../errors.js'
import type { AuthorizationParameters } from '../options.js'
import { DEFAULT_AUDIENCE, nowInSeconds, type SessionData } from '../session.js'
import type {
  AuthorizeTransactionData,
  AuthorizeTransactionFields,
  Continuation,
  LinkTransactionData,
  StoreOptions,
  UnlinkTransactionData,
} from '../stores.js'
import { appOrigin } from '../urls.js'
import { type AuthorizeMode, type FlowParameters, mergeAuthorizationParams } from './authorization-params.js'
import type { FlowContext } from './context.js'
import { checkPinnedOrganization, requestedOrganization } from './organization.js'

interface CommonAuthorizeRequest {
  authorizationParams?: AuthorizationParameters | undefined
  appState?: unknown
  /** Push the parameters (PAR) for this start; `undefined` follows the configured default. */
  pushedAuthorizationRequests?: boolean | undefined
}

/** What a link or unlink start adds: the session, its strategy's mode and parameters, the linking step. */
interface AccountAuthorizeRequest extends CommonAuthorizeRequest {
  mode: Exclude<AuthorizeMode, 'login'>
  session: SessionData
  connection: string
  owned: FlowParameters
  /** Seconds the callback's `auth_time` may be old; default the request's `max_age`. */
  maxAge?: number | undefined
}

/**
 * What one start step needs: login has no session; link and unlink carry the signed-in one,
 * the mode and parameters their strategy chose (see `flows/link.ts`, `flows/unlink.ts`) and the
 * linking step to record, typed per flow as the transaction is.
 */
export type AuthorizeRequest =
  | (CommonAuthorizeRequest & { flow: 'login'; continuation?: Continuation | undefined })
  | (AccountAuthorizeRequest & { flow: 'link'; linking: LinkTransactionData['linking'] })
  | (AccountAuthorizeRequest & { flow: 'unlink'; linking: UnlinkTransactionData['linking'] })

// Connection names are Auth0 identifiers; anything else is a typo or an injection attempt.
const CONNECTION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/

/** True when `value` can be an Auth0 connection name. */
export function isConnectionName(value: unknown): value is string {
  return typeof value === 'string' && CONNECTION_NAME.test(value)
}

/**
 * The per-call parameters; link and unlink stay in the organization the session is signed in to
 * unless the call names another, since Auth0 issues their ID token for the organization asked.
 */
function perCallParameters(request: AuthorizeRequest): AuthorizationParameters {
  const perCall = request.authorizationParams ?? {}
  if (request.flow === 'login' || perCall.organization !== undefined || request.mode === 'link-secondary') return perCall
  const { organization } = request.session.internal
  return organization === undefined ? perCall : { ...perCall, organization }
}

/** The transaction `request` records: the fields every flow has, and what its own flow needs. */
function transactionFor(request: AuthorizeRequest, fields: AuthorizeTransactionFields): AuthorizeTransactionData {
  switch (request.flow) {
    case 'login':
      return { ...fields, flow: 'login', ...(request.continuation ? { continuation: request.continuation } : {}) }
    case 'link':
      return { ...fields, flow: 'link', sub: request.session.user.sub, connection: request.connection, linking: request.linking }
    case 'unlink':
      return { ...fields, flow: 'unlink', sub: request.session.user.sub, connection: request.connection, linking: request.linking }
  }
}

/**
 * Starts login, link or unlink: merges the parameters, creates PKCE, `state` and `nonce`, stores
 * the transaction under its `state`, and returns Auth0's `/authorize` URL: with every parameter,
 * or, with pushed authorization requests, with only `client_id` and the `request_uri` the
 * parameters were pushed under (see `pushAuthorizationRequest` in `par.ts`).
 *
 * @throws {InvalidRequestError} when link or unlink names no valid connection, the organization
 *   differs from the configured `organization`, the organization or
 *   invitation is malformed (or an invitation has no organization), or the transaction is too
 *   large to store.
 * @throws {DiscoveryError} when the tenant has no authorization endpoint.
 * @throws {ConfigurationError} / {PushedAuthorizationError} / {TimeoutError} from the push, with PAR.
 * @see [RFC 6749 §4.1.1 - Authorization Request](https://www.rfc-editor.org/rfc/rfc6749.html#section-4.1.1)
 * @see [RFC 7636 §4 - PKCE](https://www.rfc-editor.org/rfc/rfc7636.html#section-4)
 * @see [Auth0: User account linking](https://auth0.com/docs/manage-users/user-accounts/user-account-linking)
 */
export async function startAuthorization(context: FlowContext, request: AuthorizeRequest, storeOptions: StoreOptions): Promise<URL> {
  const { config } = context
  if (request.flow !== 'login' && !isConnectionName(request.connection)) {
    throw new InvalidRequestError('connection is required and must be an Auth0 connection name')
  }
  const owned = request.flow === 'login' ? {} : request.owned
  const as = await context.tenant.metadata(storeOptions.request.signal)
  if (!as.authorization_endpoint) throw new DiscoveryError('The discovery document has no authorization_endpoint')
  checkPinnedOrganization(config.authorizationParams.organization, request.authorizationParams?.organization)
  const params = mergeAuthorizationParams(
    request.flow === 'login' ? 'login' : request.mode,
    config.authorizationParams,
    perCallParameters(request),
    owned,
  )
  const organization = requestedOrganization(params)

  const redirectUri = params.redirect_uri ?? new URL(config.routes.callback, appOrigin(config, storeOptions.request)).href
  const codeVerifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const nonce = oauth.generateRandomNonce()
  const maxAge =
    request.flow !== 'login' && request.maxAge !== undefined
      ? request.maxAge
      : params.max_age === undefined
        ? undefined
        : Number(params.max_age)

  const transaction = transactionFor(request, {
    state,
    nonce,
    codeVerifier,
    redirectUri,
    audience: params.audience ?? DEFAULT_AUDIENCE,
    createdAt: nowInSeconds(),
    ...(maxAge !== undefined && Number.isFinite(maxAge) ? { maxAge } : {}),
    ...(request.appState !== undefined ? { appState: request.appState } : {}),
    ...(organization !== undefined ? { organization } : {}),
    issuer: context.tenant.issuer.href,
  })
  const parameters = new URLSearchParams(params)
  parameters.set('client_id', config.clientId)
  parameters.set('redirect_uri', redirectUri)
  parameters.set('response_type', 'code')
  parameters.set('code_challenge_method', 'S256')
  parameters.set('state', state)
  parameters.set('nonce', nonce)
  const url = new URL(as.authorization_endpoint)

  if (request.pushedAuthorizationRequests ?? config.pushedAuthorizationRequests) {
    parameters.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier))
    // Stored only once the tenant accepted the push: a refused start leaves no transaction behind.
    const { pushAuthorizationRequest } = await import('./par.js')
    const requestUri = await pushAuthorizationRequest(context, as, parameters, storeOptions.request.signal)
    await context.transactionStore.set(state, transaction, storeOptions)
    url.searchParams.set('client_id', config.clientId)
    url.searchParams.set('request_uri', requestUri)
    return url
  }

  // Both wait on Web Crypto (AES-GCM for the cookie, SHA-256 for the challenge); run them together.
  const [codeChallenge] = await Promise.all([
    oauth.calculatePKCECodeChallenge(codeVerifier),
    context.transactionStore.set(state, transaction, storeOptions),
  ])
  parameters.set('code_challenge', codeChallenge)
  // Built apart and assigned once: each set() on url.searchParams re-serialises the whole URL.
  const query = new URLSearchParams(url.search)
  for (const [key, value] of parameters) query.set(key, value)
  url.search = query.toString()
  return url
}
