/**
 * @module `auth0-link-kit/fastify`: a Fastify 5 plugin that answers the auth routes, decorates
 * `request.auth` and offers a `requireAuth` preHandler. Translation only: the core decides, this
 * file moves a Node request in and a response (cookies through `reply.header`) out.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import {
  type Auth,
  type AuthOptions,
  bindRequest,
  ConfigurationError,
  createAuth as createCoreAuth,
  DEFAULT_ROUTES,
  type RequestAuth,
  safeReturnTo,
} from '../core/index.js'
import { authRoutePaths, isAuthPath } from './auth-routes.js'
import { optionsFromEnv, readRecord } from './env.js'
import { InvalidHostError, requestUrl, sessionRequest, toRequest } from './node/request.js'

export type { CookieSink, RequestAuth } from '../core/index.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the `auth0-link-kit/fastify` plugin: this request's session and account flows. */
    auth: RequestAuth
  }
}

/**
 * Options of the {@link auth0} plugin: an auth instance, or options for one (every option not
 * given is read from `AUTH0_DOMAIN`, `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET`, `AUTH0_SECRET`,
 * `APP_BASE_URL` in `env`, default `process.env`).
 *
 * @example
 * ```ts
 * await fastify.register(auth0, { connectedAccounts: { enabled: true } })
 * await fastify.register(auth0, { auth: createAuth({ appBaseUrl: 'https://app.example.com' }) })
 * ```
 */
export type Auth0PluginOptions = Partial<AuthOptions> & {
  /** An auth instance to use as it is (other options are then ignored). */
  auth?: Auth<unknown>
  /** Where missing options are read from. Default `process.env`. */
  env?: Record<string, string | undefined>
}

/** What the plugin knows of each request it saw; `bound` is built on first use of `request.auth`. */
interface Seen {
  auth: Auth<unknown>
  reply: FastifyReply
  loginPath: string
  bound?: RequestAuth
}
const seen = new WeakMap<FastifyRequest, Seen>()

function wantsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? ''
  return accept.includes('application/json') && !accept.includes('text/html')
}

/** Writes a core `Response` through `reply`: status, headers, each `Set-Cookie` on its own line, body. */
async function sendWeb(reply: FastifyReply, response: Response): Promise<FastifyReply> {
  reply.code(response.status)
  for (const [name, value] of response.headers) if (name !== 'set-cookie') reply.header(name, value)
  for (const cookie of response.headers.getSetCookie()) reply.header('set-cookie', cookie)
  // Auth answers are redirects and short pages: buffering them is simpler than a stream and as fast.
  return reply.send(response.body ? Buffer.from(await response.arrayBuffer()) : undefined)
}

const plugin: FastifyPluginAsync<Auth0PluginOptions> = async (fastify, options) => {
  const { auth: given, env, ...authOptions } = options
  const auth = given ?? createCoreAuth(optionsFromEnv(authOptions, readRecord(env ?? process.env)))
  const paths = authRoutePaths(auth)
  const loginPath = authOptions.routes?.login ?? DEFAULT_ROUTES.login

  fastify.decorateRequest('auth', {
    getter(this: FastifyRequest): RequestAuth {
      const state = seen.get(this)
      if (!state) throw new ConfigurationError('auth0', 'request.auth was read on a request the plugin did not see')
      // Cookies leave with whatever the route sends; `reply.header` keeps each Set-Cookie apart.
      // The Web request is built only when a method is first called: most reads never need one.
      state.bound ??= bindRequest(
        state.auth,
        () => sessionRequest(this.raw),
        (cookie) => state.reply.header('set-cookie', cookie.header),
      )
      return state.bound
    },
  })

  // onRequest, before Fastify parses a body: the auth routes read their own forms, and Fastify
  // would refuse a urlencoded POST (no parser) with 415 before any route ran.
  fastify.addHook('onRequest', async (request, reply) => {
    seen.set(request, { auth, reply, loginPath })
    if (!isAuthPath(paths, request.url)) return
    let web: Request
    try {
      web = toRequest(request.raw, reply.raw)
    } catch (error) {
      if (error instanceof InvalidHostError)
        return reply.code(400).header('cache-control', 'no-store').send('Bad Request: invalid Host header')
      throw error
    }
    const response = await auth.handler(web)
    if (response) return sendWeb(reply, response)
  })
}

// Not encapsulated (what fastify-plugin does): `request.auth` and the hook reach the routes of the
// registering instance, not only ones registered inside the plugin.
Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'auth0-link-kit' })

/**
 * The Fastify plugin: answers the auth routes (`/auth/login`, `/auth/callback`, `/auth/link`,
 * `/auth/unlink`, `/auth/connect`, `/auth/logout`, …) and decorates every request with
 * `request.auth` ({@link RequestAuth}). Not encapsulated: it applies to the instance that
 * registers it.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify'
 * import { auth0, requireAuth } from 'auth0-link-kit/fastify'
 *
 * const app = Fastify()
 * await app.register(auth0, { connectedAccounts: { enabled: true } }) // AUTH0_* from process.env
 * app.get('/', async (request) => (await request.auth.getUser())?.email ?? 'signed out')
 * app.post('/settings/link-github', { preHandler: requireAuth }, async (request, reply) =>
 *   reply.redirect((await request.auth.startLinkUser({ connection: 'github', appState: { returnTo: '/' } })).href, 303),
 * )
 * await app.listen({ port: 3000 })
 * ```
 */
export const auth0: FastifyPluginAsync<Auth0PluginOptions> = plugin

/**
 * A preHandler that lets only signed-in requests through. A page gets a 302 to the login route
 * with `returnTo` set to itself; a request asking for JSON (`Accept: application/json`) gets 401
 * `{ "error": "missing_session" }`. Register {@link auth0} first.
 *
 * @example
 * ```ts
 * app.get('/account', { preHandler: requireAuth }, async (request) => request.auth.getUser())
 * ```
 */
export const requireAuth: preHandlerAsyncHookHandler = async (request, reply) => {
  if (await request.auth.getSession()) return
  reply.header('cache-control', 'no-store')
  if (wantsJson(request)) return reply.code(401).send({ error: 'missing_session', message: 'Not signed in' })
  const url = requestUrl(request.raw)
  const login = new URL(seen.get(request)?.loginPath ?? DEFAULT_ROUTES.login, url.origin)
  login.searchParams.set('returnTo', safeReturnTo(`${url.pathname}${url.search}`, new URL(url.origin)))
  // A relative Location keeps whatever origin the browser used (a proxy's, say).
  return reply.redirect(`${login.pathname}${login.search}`, 302)
}

/**
 * Creates the auth instance with every option not passed filled from `process.env`, for an app
 * that also uses it outside Fastify (pass it as `{ auth }`).
 *
 * @example
 * ```ts
 * const auth = createAuth({ connectedAccounts: { enabled: true } })
 * await app.register(auth0, { auth })
 * ```
 */
export function createAuth<TAppState = unknown>(
  options: Partial<AuthOptions> = {},
  env: Record<string, string | undefined> = process.env,
): Auth<TAppState> {
  return createCoreAuth<TAppState>(optionsFromEnv(options, readRecord(env)))
}
