/**
 * @module `/auth/connect`: starts connecting an account (Connected Accounts); signed out, sign in
 * first, then on. Only from the app's own pages.
 */

import { InvalidRequestError } from '../errors.js'
import { isConnectionName } from '../flows/authorize.js'
import { safeReturnTo } from '../safety.js'
import { scopesOf } from './request.js'
import type { LoginFirstRoute } from './route.js'

export const connect: LoginFirstRoute<'connect'> = {
  key: 'connect',
  crossSite: 'state-changing',
  refusal: 'A connect must be started from this app',
  confirm: 'Connect account',
  prefetch: 'ignore',
  session: 'login-first',
  enabled: (config) => config.connectedAccounts.routes,
  parse(params, origin) {
    const connection = params.get('connection')
    if (!connection || !isConnectionName(connection)) throw new InvalidRequestError('The connect route needs a connection name')
    const scopes = scopesOf(params)
    const returnTo = safeReturnTo(params.get('returnTo'), origin)
    return { flow: 'connect', connection, returnTo, ...(scopes ? { scopes } : {}) }
  },
  async resume(context, { connection, scopes }, session, appState, storeOptions) {
    const { startConnect } = await import('../features/connected-accounts.js')
    return startConnect(context, { session, connection, scopes, appState }, storeOptions)
  },
}
