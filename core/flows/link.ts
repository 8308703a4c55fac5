/**
 * @module The start of a link (DESIGN §15): with `'management-api'` the sign-in to the identity
 * to link (after the primary signed in again when the session is too old); with
 * `'tenant-action'` the §5 `link_account` request for the tenant's Action.
 */

import { decodeJwt } from 'jose'
import { InvalidRequestError } from '../errors.js'
import { linkedIdentity } from '../management-api.js'
import type { AuthorizationParameters } from '../options.js'
import { nowInSeconds, type SessionData } from '../session.js'
import type { LinkingTransaction, LinkTransactionData, StoreOptions } from '../stores.js'
import type { SuggestedLink } from '../suggestions.js'
import type { FlowParameters } from './authorization-params.js'
import { isConnectionName, startAuthorization } from './authorize.js'
import type { FlowContext } from './context.js'

/**
 * Seconds a §15 sign-in's `auth_time` may be old when its callback arrives: the user signed in
 * just now (`prompt=login`), so anything older is a replayed or stale answer.
 */
export const FRESH_SIGN_IN_SECONDS = 300

/** What a link start needs. */
export interface LinkStartRequest {
  session: SessionData
  connection: string
  connectionScope?: string | undefined
  authorizationParams?: AuthorizationParameters | undefined
  appState?: unknown
  pushedAuthorizationRequests?: boolean | undefined
  /** The primary has just signed in again for this link: never ask a second time. */
  reauthenticated?: boolean
  /** Linking a suggestion (see `flows/link-suggestions.ts`): the user the sign-in must come back as. */
  suggested?: SuggestedLink | undefined
}

// Scopes of a provider: printable, no control characters, bounded.
const CONNECTION_SCOPE = /^[^\p{Cc}]{1,1024}$/u

function checkLinkRequest(request: LinkStartRequest): void {
  if (!isConnectionName(request.connection)) {
    throw new InvalidRequestError('connection is required and must be an Auth0 connection name')
  }
  if (
    request.connectionScope !== undefined &&
    !(typeof request.connectionScope === 'string' && CONNECTION_SCOPE.test(request.connectionScope))
  ) {
    throw new InvalidRequestError('connectionScope must be a space-separated list of provider scopes')
  }
}

/**
 * When the session's user last signed in (seconds): the `auth_time` of its ID token, which this
 * kit verified when it stored it; without one, when the session was created.
 */
export function sessionAuthTime(session: SessionData): number {
  try {
    const { auth_time } = decodeJwt(session.idToken)
    if (typeof auth_time === 'number' && Number.isFinite(auth_time)) return auth_time
  } catch {
    // A session always holds a verified ID token; a custom store that altered it falls back below.
  }
  return session.internal.createdAt
}

/** The §5 identities snapshot for `linking.confirm: 'management-api'`. */
export async function tenantActionLinking(
  context: FlowContext,
  session: SessionData,
  signal: AbortSignal,
): Promise<Extract<LinkingTransaction, { strategy: 'tenant-action' }>> {
  if (context.config.linking.confirm !== 'management-api') return { strategy: 'tenant-action' }
  const identities = await context.managementApi.getIdentities(session.user.sub, signal)
  return { strategy: 'tenant-action', identities: identities.map(linkedIdentity) }
}

/**
 * Starts linking `connection` to the signed-in user and returns Auth0's `/authorize` URL.
 *
 * With `linking.strategy: 'management-api'`: when the session's sign-in is older than
 * `linking.maxAge`, the URL first signs the primary in again (its own connection,
 * `prompt=login`, `max_age`); that callback must come back for the same user and goes on into the
 * link. Otherwise the URL signs the user into the identity to link: `connection`, `prompt=login`,
 * `max_age=0`, `scope=openid profile email`, `connection_scope` when given, no `audience`.
 * With `'tenant-action'`: `scope=openid link_account`, `requested_connection`, `id_token_hint`.
 *
 * @throws {InvalidRequestError} for a malformed connection or connection scope.
 * @throws {ManagementApiError} / {TimeoutError} when the primary's connection (re-authentication)
 *   or the identities snapshot (`confirm: 'management-api'`) cannot be read.
 * @see [Auth0: Link user accounts](https://auth0.com/docs/manage-users/user-accounts/user-account-linking/link-user-accounts)
 * @see [OpenID Connect Core §3.1.2.1 - prompt, max_age](https://openid.net/specs/openid-connect-core-1_0.html#AuthRequest)
 */
export async function startLink(context: FlowContext, request: LinkStartRequest, storeOptions: StoreOptions): Promise<URL> {
  checkLinkRequest(request)
  const { session, connection, connectionScope, authorizationParams, appState, pushedAuthorizationRequests, suggested } = request
  const common = { session, connection, authorizationParams, appState, pushedAuthorizationRequests }
  const { linking } = context.config
  const signal = storeOptions.request.signal

  if (linking.strategy === 'tenant-action') {
    const owned: FlowParameters = { requested_connection: connection, id_token_hint: session.idToken }
    if (connectionScope !== undefined) owned.requested_connection_scope = connectionScope
    const transaction = await tenantActionLinking(context, session, signal)
    return startAuthorization(context, { ...common, flow: 'link', mode: 'link', owned, linking: transaction }, storeOptions)
  }

  if (!request.reauthenticated && nowInSeconds() - sessionAuthTime(session) > linking.maxAge) {
    // Whoever holds the browser must prove they are the primary before an identity joins it.
    const user = await context.managementApi.getUser(session.user.sub, signal)
    const primary = user.identities[0]
    const owned: FlowParameters = { prompt: 'login', max_age: String(linking.maxAge) }
    if (primary) owned.connection = primary.connection
    const step: LinkTransactionData['linking'] = {
      strategy: 'management-api',
      step: 'reauthenticate',
      connection,
      ...(connectionScope !== undefined ? { connectionScope } : {}),
      ...(authorizationParams ? { authorizationParams: stringParameters(authorizationParams) } : {}),
      ...(suggested ? { suggested } : {}),
    }
    return startAuthorization(
      context,
      { ...common, flow: 'link', mode: 'reauthenticate', owned, linking: step, maxAge: FRESH_SIGN_IN_SECONDS },
      storeOptions,
    )
  }

  const owned: FlowParameters = { connection, prompt: 'login', max_age: '0' }
  if (connectionScope !== undefined) owned.connection_scope = connectionScope
  return startAuthorization(
    context,
    {
      ...common,
      flow: 'link',
      mode: 'link-secondary',
      owned,
      linking: { strategy: 'management-api', step: 'secondary', ...(suggested ? { suggested } : {}) },
      maxAge: FRESH_SIGN_IN_SECONDS,
    },
    storeOptions,
  )
}

/** Per-call parameters kept in a transaction, as the strings they are sent as. */
function stringParameters(params: AuthorizationParameters): Record<string, string> {
  const kept: Record<string, string> = {}
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null) kept[key] = String(value)
  return kept
}
