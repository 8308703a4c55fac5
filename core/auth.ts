/**
 * @module The auth instance: a `ServerClient` plus one dispatcher over the route table in
 * `core/handlers/`, which applies every route's guards (method, cross-site, prefetch, session) once.
 */

import type { Auth, AuthHandler, AuthRouteHandlers } from './auth-types.js'
import { MissingSessionError } from './errors.js'
import { ROUTES } from './handlers/index.js'
import { continueLoginFirst, startLoginFirst } from './handlers/login-first.js'
import { handlerName, type Route, type RouteContext, type RouteKey } from './handlers/route.js'
import type { AuthOptions } from './options.js'
import { checkRequestSite, confirmPage } from './request-site.js'
import { empty, errorResponse } from './responses.js'
import { isPrefetch } from './safety.js'
import { flowContextOf, ServerClient } from './server-client.js'
import type { StoreOptions } from './stores.js'
import { appOrigin } from './urls.js'

export type { Auth, AuthHandler, AuthRouteHandlers }

/**
 * Creates the auth instance: a {@link ServerClient} plus Web handlers for every route.
 *
 * @example
 * ```ts
 * const auth = createAuth({ domain, clientId, clientSecret, secret, appBaseUrl: 'http://localhost:3000' })
 * // Bun, Deno, Workers, Hono (c.req.raw), anything fetch-shaped:
 * export default { fetch: async (request: Request) => (await auth.handler(request)) ?? app(request) }
 * ```
 */
export function createAuth<TAppState = unknown>(options: AuthOptions): Auth<TAppState> {
  const client = new ServerClient<TAppState>(options)
  const instance = flowContextOf(client)
  const { config } = instance
  const storeOptionsFor = (request: Request, headers = new Headers()): StoreOptions => ({ request, response: { headers } })

  async function fail(error: unknown, request: Request, headers: Headers): Promise<Response> {
    try {
      const custom = await config.onError?.(error instanceof Error ? error : new Error(String(error)), request)
      if (custom) return custom
    } catch {
      // A throwing hook must not turn a handled failure into an unhandled one.
    }
    return errorResponse(error, request, headers)
  }

  /** Runs one route: its guards in order, then its body; any failure is the one error answer, keeping the cookies written. */
  function dispatch(route: Route): AuthHandler {
    return async (request) => {
      const storeOptions = storeOptionsFor(request)
      const { headers } = storeOptions.response
      let origin: URL | undefined
      const context: RouteContext = {
        request,
        storeOptions,
        client,
        instance,
        config,
        // Read only when a route needs it: a bad Host must not fail a route that never redirects.
        get origin() {
          origin ??= appOrigin(config, request)
          return origin
        },
        fail: (error) => fail(error, request, headers),
        continueWith: (flowContext, next, session) => continueLoginFirst(context, flowContext, next, session),
      }
      try {
        if (route.methods && !route.methods.includes(request.method)) return empty(405, new Headers({ allow: route.methods.join(', ') }))
        if (checkRequestSite(request, context.origin, route.crossSite, route.refusal ?? '') === 'confirm') {
          return confirmPage(request, route.confirm ?? 'Continue')
        }
        if (route.prefetch === 'ignore' && isPrefetch(request)) return empty(204)
        if (route.session === 'optional') return await route.handle(context)
        if (route.session === 'required') {
          const session = await client.getSession(storeOptions)
          if (!session) return errorResponse(new MissingSessionError('Not signed in'), request, headers, { json: true })
          return await route.handle(Object.assign(context, { session }))
        }
        return await startLoginFirst(route, context)
      } catch (error) {
        return fail(error, request, headers)
      }
    }
  }

  const handlers = new Map((Object.keys(ROUTES) as RouteKey[]).map((key) => [key, dispatch(ROUTES[key])]))
  // The optional routes cost an Auth0 call per request (or hand out a provider token): only when turned on.
  const routed = (Object.keys(config.routes) as RouteKey[]).filter((key) => ROUTES[key].enabled(config))
  const byPath = new Map(routed.map((key) => [config.routes[key], handlers.get(key) as AuthHandler]))
  return {
    ...(Object.fromEntries([...handlers].map(([key, handle]) => [handlerName(key), handle])) as AuthRouteHandlers),
    client,
    handler: async (request) => (await byPath.get(new URL(request.url).pathname)?.(request)) ?? null,
    routes: Object.freeze({ ...config.routes }),
    routePaths: new Set(byPath.keys()),
    getSession: (request, responseHeaders) => client.getSession(storeOptionsFor(request, responseHeaders)),
    getUser: (request, responseHeaders) => client.getUser(storeOptionsFor(request, responseHeaders)),
  }
}
