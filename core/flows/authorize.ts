import * as oauth from 'oauth4webapi'
import type { AuthorizationParameters } from '../config.js'
import { DiscoveryError, InvalidRequestError } from '../errors.js'
import { appOrigin } from '../safety.js'
import { DEFAULT_AUDIENCE, nowInSeconds, type SessionData } from '../session.js'
import type { FlowKind, StoreOptions, TransactionData } from '../stores.js'
import { type FlowParameters, mergeAuthorizationParams } from './authorization-params.js'
import type { FlowContext } from './context.js'

/** What one start step needs: login has no session; link and unlink carry the signed-in one. */
export interface AuthorizeRequest {
  flow: FlowKind
  authorizationParams?: AuthorizationParameters | undefined
  appState?: unknown
  /** Required for link and unlink: whose account changes, and the `id_token_hint` sent. */
  session?: SessionData | undefined
  connection?: string | undefined
  connectionScope?: string | undefined
}

// Connection names are Auth0 identifiers; anything else is a typo or an injection attempt.
const CONNECTION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/

function flowParameters(request: AuthorizeRequest): FlowParameters {
  if (request.flow === 'login') return {}
  if (typeof request.connection !== 'string' || !CONNECTION_NAME.test(request.connection)) {
    throw new InvalidRequestError('connection is required and must be an Auth0 connection name')
  }
  const parameters: FlowParameters = {
    requested_connection: request.connection,
    id_token_hint: request.session!.idToken,
  }
  if (request.flow === 'link' && request.connectionScope !== undefined) {
    parameters.requested_connection_scope = request.connectionScope
  }
  return parameters
}

/**
 * The one start step of login, link and unlink: merge parameters, create PKCE, `state` and
 * `nonce`, store the transaction under its `state`, and return Auth0's `/authorize` URL.
 */
export async function startAuthorization(context: FlowContext, request: AuthorizeRequest, storeOptions: StoreOptions): Promise<URL> {
  const { config } = context
  const owned = flowParameters(request)
  const as = await context.connection.metadata(storeOptions.request.signal)
  if (!as.authorization_endpoint) throw new DiscoveryError('The discovery document has no authorization_endpoint')
  const params = mergeAuthorizationParams(request.flow, config.authorizationParams, request.authorizationParams ?? {}, owned)

  const origin = config.appBaseUrl ?? appOrigin(storeOptions.request, config.trustProxy)
  const redirectUri = params.redirect_uri ?? new URL(config.routes.callback, origin).href
  const codeVerifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const nonce = oauth.generateRandomNonce()
  const maxAge = params.max_age === undefined ? undefined : Number(params.max_age)

  const transaction: TransactionData = {
    flow: request.flow,
    state,
    nonce,
    codeVerifier,
    redirectUri,
    audience: params.audience ?? DEFAULT_AUDIENCE,
    createdAt: nowInSeconds(),
    ...(maxAge !== undefined && Number.isFinite(maxAge) ? { maxAge } : {}),
    ...(request.appState !== undefined ? { appState: request.appState } : {}),
    ...(request.session ? { sub: request.session.user.sub } : {}),
    ...(request.connection !== undefined ? { connection: request.connection } : {}),
  }
  // Both wait on Web Crypto (AES-GCM for the cookie, SHA-256 for the challenge); run them together.
  const [codeChallenge] = await Promise.all([
    oauth.calculatePKCECodeChallenge(codeVerifier),
    context.transactionStore.set(state, transaction, storeOptions),
  ])

  const url = new URL(as.authorization_endpoint)
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value)
  url.searchParams.set('client_id', config.clientId)
  url.searchParams.set('redirect_uri', redirectUri)
  url.searchParams.set('response_type', 'code')
  url.searchParams.set('code_challenge', codeChallenge)
  url.searchParams.set('code_challenge_method', 'S256')
  url.searchParams.set('state', state)
  url.searchParams.set('nonce', nonce)
  return url
}
