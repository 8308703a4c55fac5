/**
 * @module `auth0-link-kit/react-router`: React Router framework mode (formerly Remix). The auth
 * routes are one resource route (`handleAuth`); loaders read the session from their `request`;
 * actions start link, unlink and connect with `bindAuth` and put its cookies on the `redirect`
 * they return. Translation only: no React Router import, just Web `Request`/`Response`/`Headers`.
 */
import {
  type Auth,
  type AuthOptions,
  bindRequest,
  createAuth as createCoreAuth,
  headersCookieSink,
  type RequestAuth,
} from '../core/index.js'
import { optionsFromEnv, readRecord } from './env.js'

export type { CookieSink, RequestAuth } from '../core/index.js'

/**
 * Creates the auth instance with every option not passed filled from `env` (default
 * `process.env`: `AUTH0_DOMAIN`, `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET`, `AUTH0_SECRET`,
 * `APP_BASE_URL`). Build it in a `.server.ts` module, so it never reaches the browser bundle.
 *
 * @example
 * ```ts
 * // app/auth.server.ts
 * import { createAuth } from 'auth0-link-kit/react-router'
 * export const auth = createAuth({ connectedAccounts: { enabled: true } })
 * ```
 */
export function createAuth<TAppState = unknown>(
  options: Partial<AuthOptions> = {},
  env: Record<string, string | undefined> = process.env,
): Auth<TAppState> {
  return createCoreAuth<TAppState>(optionsFromEnv(options, readRecord(env)))
}

/**
 * The answer of the auth resource route: the core's response for an auth path, a 404 for any
 * other path the splat caught. Use it as the route's `loader` and `action`.
 *
 * @example
 * ```ts
 * // app/routes/auth.ts, mounted as route('auth/*', 'routes/auth.ts') in app/routes.ts
 * import { handleAuth } from 'auth0-link-kit/react-router'
 * import { auth } from '../auth.server'
 *
 * export const loader = ({ request }: { request: Request }) => handleAuth(auth, request)
 * export const action = loader
 * ```
 */
export async function handleAuth(auth: Auth<unknown>, request: Request): Promise<Response> {
  return (await auth.handler(request)) ?? new Response('Not Found', { status: 404, headers: { 'cache-control': 'no-store' } })
}

/**
 * {@link RequestAuth} for one loader or action, and the `Headers` its cookies are written to:
 * pass them to the `redirect` or `data` the action returns, so the transaction cookie of a link
 * (or a refreshed session) reaches the browser.
 *
 * @example
 * ```ts
 * import { redirect } from 'react-router'
 * import { bindAuth } from 'auth0-link-kit/react-router'
 *
 * export async function action({ request }: { request: Request }) {
 *   const { auth: requestAuth, headers } = bindAuth(auth, request)
 *   const url = await requestAuth.startLinkUser({ connection: 'github', appState: { returnTo: '/' } })
 *   return redirect(url.href, { headers })
 * }
 * ```
 */
export function bindAuth<TAppState = unknown>(auth: Auth<TAppState>, request: Request): { auth: RequestAuth<TAppState>; headers: Headers } {
  const headers = new Headers()
  return { auth: bindRequest(auth, request, headersCookieSink(headers)), headers }
}
