/**
 * @module `auth0Handlers`: MSW handlers that send every request for the emulator's origin to it.
 */

import type { RequestHandler } from 'msw'
import { http } from 'msw'
import type { Auth0Emulator } from './emulator.js'

/**
 * MSW handlers that send every request for the emulator's origin to `emulator.handle`, so code
 * using the global `fetch` talks to the emulated tenant.
 *
 * @example
 * ```ts
 * import { setupServer } from 'msw/node'
 * const emulator = await createAuth0Emulator()
 * const server = setupServer(...auth0Handlers(emulator))
 * server.listen({ onUnhandledRequest: 'error' })
 * ```
 */
export function auth0Handlers(emulator: Auth0Emulator): RequestHandler[] {
  return [http.all(`${emulator.origin}/*`, ({ request }) => emulator.handle(request))]
}
