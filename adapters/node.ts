// `auth0-link-kit/node`: the auth routes on node:http, Express and Connect. The files in ./node/
// translate between Node's request/response and the Web ones; no auth logic lives here.

import type { RequestListener } from 'node:http'
import { type Auth, type AuthOptions, createAuth as createCoreAuth } from '../core/index.js'
import { optionsFromEnv, readRecord } from './env.js'
import { toRequest } from './node/request.js'
import { sendError, sendResponse } from './node/response.js'

export { withAuth } from './fetch-handler.js'
export { authListener, authMiddleware, type NodeMiddleware, type RequestAuth } from './node/middleware.js'
export { InvalidHostError, requestUrl, type ToRequestOptions, toRequest } from './node/request.js'
export { sendResponse } from './node/response.js'

type FetchHandler = (request: Request) => Response | Promise<Response>

/**
 * Creates the auth instance with every option not passed filled from `process.env`
 * (`AUTH0_DOMAIN`, `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET`, `AUTH0_SECRET`, `APP_BASE_URL`).
 * Explicit options win.
 *
 * @example
 * ```ts
 * const auth = createAuth()            // everything from the environment
 * const auth2 = createAuth({ appBaseUrl: 'https://app.example.com' })
 * ```
 */
export function createAuth<TAppState = unknown>(
  options: Partial<AuthOptions> = {},
  env: Record<string, string | undefined> = process.env,
): Auth<TAppState> {
  return createCoreAuth<TAppState>(optionsFromEnv(options, readRecord(env)))
}

/**
 * Turns a whole fetch-style app (`Request → Response`) into a listener for `http.createServer`.
 * Every request becomes a full Web `Request`; to leave app paths to Node code, use
 * {@link authListener} or {@link authMiddleware} instead.
 *
 * @example
 * ```ts
 * http.createServer(toNodeListener(async (request) => (await auth.handler(request)) ?? new Response('app'))).listen(3000)
 * ```
 */
export function toNodeListener(handler: FetchHandler): RequestListener {
  return (req, res) => {
    let request: Request
    try {
      request = toRequest(req, res)
    } catch (error) {
      void sendError(req, res, error)
      return
    }
    Promise.resolve()
      .then(() => handler(request))
      .then((response) => sendResponse(res, response, req.method))
      .catch((error: unknown) => {
        if (res.headersSent) {
          res.destroy()
          return
        }
        void sendError(req, res, error)
      })
  }
}
