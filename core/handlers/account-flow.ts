/**
 * @module `/auth/link` and `/auth/unlink`: start linking or unlinking a connection's identity
 * (signed out: sign in first, then on). Only from the app's own pages.
 */

import { InvalidRequestError } from '../errors.js'
import { startAuthorization } from '../flows/authorize.js'
import { safeReturnTo } from '../safety.js'
import type { LoginFirstRoute } from './route.js'

function connectionOf(params: URLSearchParams, flow: 'link' | 'unlink'): string {
  const connection = params.get('connection')
  if (!connection) throw new InvalidRequestError(`The ${flow} route needs a connection parameter`)
  return connection
}

export const link: LoginFirstRoute<'link'> = {
  key: 'link',
  crossSite: 'refuse',
  refusal: 'A link must be started from this app',
  prefetch: 'ignore',
  session: 'login-first',
  enabled: () => true,
  parse(params, origin) {
    const connection = connectionOf(params, 'link')
    const returnTo = safeReturnTo(params.get('returnTo'), origin)
    const connectionScope = params.get('connectionScope') ?? undefined
    return { flow: 'link', connection, returnTo, ...(connectionScope ? { connectionScope } : {}) }
  },
  resume(context, { connection, connectionScope }, session, appState, storeOptions) {
    return startAuthorization(context, { flow: 'link', connection, connectionScope, session, appState }, storeOptions)
  },
}

export const unlink: LoginFirstRoute<'unlink'> = {
  key: 'unlink',
  crossSite: 'refuse',
  refusal: 'A unlink must be started from this app',
  prefetch: 'ignore',
  session: 'login-first',
  enabled: () => true,
  parse(params, origin) {
    const connection = connectionOf(params, 'unlink')
    return { flow: 'unlink', connection, returnTo: safeReturnTo(params.get('returnTo'), origin) }
  },
  resume(context, { connection }, session, appState, storeOptions) {
    return startAuthorization(context, { flow: 'unlink', connection, session, appState }, storeOptions)
  },
}
