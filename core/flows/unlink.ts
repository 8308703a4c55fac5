/**
 * @module The start of an unlink (DESIGN §15): with `'management-api'` the identity is looked up
 * and the primary signs in again; with `'tenant-action'` the §5 `unlink_account` request.
 */

import { InvalidRequestError } from '../errors.js'
import { linkedIdentity } from '../management-api.js'
import type { AuthorizationParameters } from '../options.js'
import type { SessionData } from '../session.js'
import type { StoreOptions } from '../stores.js'
import type { FlowParameters } from './authorization-params.js'
import { isConnectionName, startAuthorization } from './authorize.js'
import type { FlowContext } from './context.js'
import { FRESH_SIGN_IN_SECONDS, tenantActionLinking } from './link.js'

/** What an unlink start needs. */
export interface UnlinkStartRequest {
  session: SessionData
  connection: string
  /** Which identity of `connection` (its `user_id`), when the user holds more than one. */
  userId?: string | undefined
  authorizationParams?: AuthorizationParameters | undefined
  appState?: unknown
  pushedAuthorizationRequests?: boolean | undefined
}

// An identity's user_id at its provider: printable, no control characters, bounded.
const PROVIDER_USER_ID = /^[^\p{Cc}]{1,256}$/u

/**
 * Starts unlinking an identity of `connection` from the signed-in user and returns Auth0's
 * `/authorize` URL.
 *
 * With `linking.strategy: 'management-api'` the identity is looked up in the user's record
 * (`GET /api/v2/users/{sub}`) first: the primary identity, a connection that is not linked, or
 * two identities of the connection without `userId` are refused before any redirect. The URL
 * signs the primary in again (its connection, `prompt=login`, `max_age=0`, `scope=openid`).
 * With `'tenant-action'`: `scope=openid unlink_account`, `requested_connection`, `id_token_hint`.
 *
 * @throws {InvalidRequestError} for a malformed connection or user id, the primary identity, a
 *   connection not linked, or an ambiguous connection.
 * @throws {ManagementApiError} / {TimeoutError} when the user cannot be read.
 * @see [Auth0: Unlink user accounts](https://auth0.com/docs/manage-users/user-accounts/user-account-linking/unlink-user-accounts)
 */
export async function startUnlink(context: FlowContext, request: UnlinkStartRequest, storeOptions: StoreOptions): Promise<URL> {
  const { session, connection, userId, authorizationParams, appState, pushedAuthorizationRequests } = request
  if (!isConnectionName(connection)) throw new InvalidRequestError('connection is required and must be an Auth0 connection name')
  if (userId !== undefined && !(typeof userId === 'string' && PROVIDER_USER_ID.test(userId))) {
    throw new InvalidRequestError('userId must be the identity’s user_id at its provider')
  }
  const common = { session, connection, authorizationParams, appState, pushedAuthorizationRequests }
  const signal = storeOptions.request.signal

  if (context.config.linking.strategy === 'tenant-action') {
    const owned: FlowParameters = { requested_connection: connection, id_token_hint: session.idToken }
    const linking = await tenantActionLinking(context, session, signal)
    return startAuthorization(context, { ...common, flow: 'unlink', mode: 'unlink', owned, linking }, storeOptions)
  }

  const user = await context.managementApi.getUser(session.user.sub, signal)
  const matches = user.identities
    .map((identity, index) => ({ identity, index }))
    .filter(({ identity }) => identity.connection === connection && (userId === undefined || identity.user_id === userId))
  const [match, other] = matches
  if (!match) throw new InvalidRequestError(`No ${connection} identity is linked to this user`)
  if (other) throw new InvalidRequestError(`This user has more than one ${connection} identity: say which with userId`)
  if (match.index === 0) throw new InvalidRequestError('The primary identity cannot be unlinked')
  const primary = user.identities[0]
  const owned: FlowParameters = { prompt: 'login', max_age: '0' }
  if (primary) owned.connection = primary.connection
  return startAuthorization(
    context,
    {
      ...common,
      flow: 'unlink',
      mode: 'unlink-primary',
      owned,
      linking: { strategy: 'management-api', step: 'primary', identity: linkedIdentity(match.identity) },
      maxAge: FRESH_SIGN_IN_SECONDS,
    },
    storeOptions,
  )
}
