/**
 * @module `/auth/link` and `/auth/unlink`: start linking or unlinking a connection's identity
 * (signed out: sign in first, then on), or linking a suggestion (`suggestion=`, `primary=`).
 * Only from the app's own pages.
 */

import { InvalidRequestError } from '../errors.js'
import { startLink } from '../flows/link.js'
import { startUnlink } from '../flows/unlink.js'
import { safeReturnTo } from '../safety.js'
import type { LoginFirstRoute } from './route.js'

function connectionOf(params: URLSearchParams, flow: 'link' | 'unlink'): string {
  const connection = params.get('connection')
  if (!connection) throw new InvalidRequestError(`The ${flow} route needs a connection parameter`)
  return connection
}

export const link: LoginFirstRoute<'link'> = {
  key: 'link',
  crossSite: 'state-changing',
  refusal: 'A link must be started from this app',
  confirm: 'Link account',
  prefetch: 'ignore',
  session: 'login-first',
  enabled: () => true,
  parse(params, origin) {
    const returnTo = safeReturnTo(params.get('returnTo'), origin)
    const suggestion = params.get('suggestion')
    if (suggestion !== null) {
      // The masked id of one of the session's suggestions; resolved (and checked) once there is a session.
      const primary = params.get('primary') ?? 'current'
      if (primary !== 'current' && primary !== 'other') throw new InvalidRequestError("primary must be 'current' or 'other'")
      return { flow: 'link', suggestion, primary, returnTo }
    }
    const connection = connectionOf(params, 'link')
    const connectionScope = params.get('connectionScope') ?? undefined
    return { flow: 'link', connection, returnTo, ...(connectionScope ? { connectionScope } : {}) }
  },
  async resume(context, next, session, appState, storeOptions) {
    if ('suggestion' in next) {
      const { startSuggestedLink } = await import('../flows/link-suggestions.js')
      return startSuggestedLink(context, session, { suggestion: next.suggestion, primary: next.primary, appState }, storeOptions)
    }
    return startLink(context, { connection: next.connection, connectionScope: next.connectionScope, session, appState }, storeOptions)
  },
}

export const unlink: LoginFirstRoute<'unlink'> = {
  key: 'unlink',
  crossSite: 'state-changing',
  refusal: 'An unlink must be started from this app',
  confirm: 'Unlink account',
  prefetch: 'ignore',
  session: 'login-first',
  enabled: () => true,
  parse(params, origin) {
    const connection = connectionOf(params, 'unlink')
    // Which identity of the connection, when the user holds two (DESIGN §15).
    const userId = params.get('userId') ?? undefined
    return { flow: 'unlink', connection, returnTo: safeReturnTo(params.get('returnTo'), origin), ...(userId ? { userId } : {}) }
  },
  resume(context, { connection, userId }, session, appState, storeOptions) {
    return startUnlink(context, { connection, userId, session, appState }, storeOptions)
  },
}
