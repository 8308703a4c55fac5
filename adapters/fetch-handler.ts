/**
 * @module `withAuth`: the auth routes in front of any fetch-style handler (Bun, Deno, Workers).
 */

import type { Auth } from '../core/index.js'

/**
 * Puts the auth routes in front of a fetch-style app: auth paths are answered by `auth`, every
 * other request goes to `app` with the same arguments (Deno's `info`, Bun's `server`, …).
 *
 * @example
 * ```ts
 * Deno.serve(withAuth(auth, (request) => new Response('app')))
 * Bun.serve({ fetch: withAuth(auth, (request, server) => new Response('app')) })
 * ```
 */
export function withAuth<TArgs extends unknown[]>(
  auth: Pick<Auth<unknown>, 'handler'>,
  app: (request: Request, ...args: TArgs) => Response | Promise<Response>,
): (request: Request, ...args: TArgs) => Promise<Response> {
  return async (request, ...args) => (await auth.handler(request)) ?? app(request, ...args)
}
