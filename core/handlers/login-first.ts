/**
 * @module The signed-out continuation, written once: a login-first route (link, unlink, connect)
 * started without a session signs in first, and the callback goes straight on into it.
 */

import { startAuthorization } from '../flows/authorize.js'
import { type FlowContext, requestContext } from '../flows/context.js'
import { redirect } from '../responses.js'
import { safeReturnTo } from '../safety.js'
import type { SessionData } from '../session.js'
import type { Continuation } from '../stores.js'
import { ROUTES } from './index.js'
import { requestParameters } from './request.js'
import type { AnyLoginFirstRoute, RouteContext } from './route.js'

/** Signed in: the flow now. Signed out: a login whose transaction carries the flow as its continuation. */
export async function startLoginFirst(
  route: AnyLoginFirstRoute,
  { request, storeOptions, origin, instance }: RouteContext,
): Promise<Response> {
  const next = route.parse(await requestParameters(request), origin)
  const context = await requestContext(instance, request)
  const session = await context.stateStore.get(storeOptions)
  const appState = { returnTo: next.returnTo }
  const url = session
    ? await route.resume(context, next, session, appState, storeOptions)
    : await startAuthorization(context, { flow: 'login', appState, continuation: next }, storeOptions)
  return redirect(url, storeOptions.response.headers)
}

/** After the login a signed-out start asked for: the flow it carried, for the new session. */
export async function continueLoginFirst(
  { storeOptions, origin }: RouteContext,
  context: FlowContext,
  next: Continuation,
  session: SessionData,
): Promise<Response> {
  const route: AnyLoginFirstRoute = ROUTES[next.flow]
  const appState = { returnTo: safeReturnTo(next.returnTo, origin) }
  return redirect(await route.resume(context, next, session, appState, storeOptions), storeOptions.response.headers)
}
