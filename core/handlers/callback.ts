/**
 * @module `/auth/callback`: finishes whichever flow the transaction names, goes on into a
 * login-first flow, and lets `onCallback` answer success or failure.
 */

import { type CompletedCallback, finishCallback, takeCallback } from '../flows/callback.js'
import { requestContext } from '../flows/context.js'
import { redirect, withCookies } from '../responses.js'
import { safeReturnTo } from '../safety.js'
import type { TransactionData } from '../stores.js'
import { returnToOf } from './request.js'
import type { BodyRoute, RouteContext } from './route.js'

export const callback: BodyRoute<'callback'> = {
  key: 'callback',
  crossSite: 'allow',
  prefetch: 'answer',
  session: 'optional',
  enabled: () => true,
  async handle(route) {
    const { request, storeOptions, instance, config, origin } = route
    const { headers } = storeOptions.response
    let transaction: TransactionData | undefined
    let completed: CompletedCallback
    try {
      const context = await requestContext(instance, request)
      const taken = await takeCallback(context, request.url, undefined, storeOptions)
      transaction = taken.transaction
      completed = await finishCallback(context, taken, storeOptions)
      const next = completed.flow === 'login' ? completed.continuation : undefined
      if (next) return await route.continueWith(context, next, completed.session)
    } catch (error) {
      return failCallback(route, error, transaction)
    }
    const { flow, appState, session } = completed
    try {
      const custom = config.onCallback && (await config.onCallback({ flow, appState, session, error: undefined, request }))
      if (custom) return withCookies(custom, headers)
    } catch (error) {
      // Not asked again about its own error: the session is stored, the answer is the error page.
      return route.fail(error)
    }
    return redirect(new URL(safeReturnTo(returnToOf(appState), origin), origin), headers)
  },
}

/** A failed callback: `onCallback` may answer it; otherwise the error answer (`onError`, the page). */
async function failCallback(route: RouteContext, error: unknown, transaction: TransactionData | undefined): Promise<Response> {
  const { config, request, storeOptions } = route
  if (config.onCallback) {
    try {
      const custom = await config.onCallback({
        flow: transaction?.flow,
        appState: transaction?.appState,
        session: undefined,
        error: error instanceof Error ? error : new Error(String(error)),
        request,
      })
      if (custom) return withCookies(custom, storeOptions.response.headers)
    } catch {
      // As with onError: a throwing hook must not turn a handled failure into an unhandled one.
    }
  }
  return route.fail(error)
}
