/**
 * @module The Web handlers: one per route, each composing the client's steps into a `Response`.
 * Request parsing, CSRF and prefetch rules, and safe error answers live here; protocol does not.
 */

import { CrossSiteRequestError, InvalidRequestError, MissingSessionError } from './errors.js'
import { isConnectionName, startAuthorization } from './flows/authorize.js'
import { type CompletedCallback, finishCallback, takeCallback } from './flows/callback.js'
import { checkedScopes, startConnect } from './flows/connect.js'
import { type FlowContext, requestContext } from './flows/context.js'
import { startLink } from './flows/link.js'
import { myAccountAccessToken } from './flows/my-account-token.js'
import { startUnlink } from './flows/unlink.js'
import { declineLinkSuggestionRoute, linkSuggestionsRoute } from './handlers/link-suggestions.js'
import { CONNECTED_ACCOUNTS_SCOPES, collectPages, deleteAccount, listAccountsPage } from './my-account-api.js'
import type { AuthOptions, AuthorizationParameters, Routes } from './options.js'
import { empty, errorResponse, json, redirect, withCookies } from './responses.js'
import { isCrossSite, isPrefetch, safeReturnTo } from './safety.js'
import { flowContextOf, ServerClient } from './server-client.js'
import type { SessionData, UserClaims } from './session.js'
import type { Continuation, StoreOptions, TransactionData } from './stores.js'
import { appOrigin } from './urls.js'

/**
 * A Web handler: a `Request` in, a `Response` out.
 *
 * @example
 * ```ts
 * const profile: AuthHandler = auth.handleProfile
 * const response = await profile(request) // 200 with the claims, or 401
 * ```
 */
export type AuthHandler = (request: Request) => Promise<Response>

/**
 * What {@link createAuth} returns.
 *
 * @example
 * ```ts
 * const auth: Auth = createAuth({ domain, clientId, clientSecret, secret, appBaseUrl })
 * const user = await auth.getUser(request)
 * ```
 */
export interface Auth<TAppState = unknown> {
  /** The programmatic API (`startLinkUser`, `completeLinkUser`, …). */
  readonly client: ServerClient<TAppState>
  /** Routes requests for the auth paths; resolves `null` for any other path so the app handles it. */
  handler(request: Request): Promise<Response | null>
  handleLogin: AuthHandler
  handleCallback: AuthHandler
  handleLogout: AuthHandler
  handleLink: AuthHandler
  handleUnlink: AuthHandler
  handleProfile: AuthHandler
  handleAccessToken: AuthHandler
  handleBackchannelLogout: AuthHandler
  /** `GET` → `{ identities }` from the Management API, 401 when signed out; routed only with `identities.enabled`. */
  handleIdentities: AuthHandler
  /**
   * `GET` or `POST` form `connection`, `scopes` (repeated or space-separated), `returnTo`: starts
   * connecting an account (signed out: login first, then on); routed with `connectedAccounts.enabled`.
   */
  handleConnect: AuthHandler
  /** `GET` (`?connection=` filters) → `{ connectedAccounts }`; routed with `connectedAccounts.enabled`. */
  handleConnectedAccounts: AuthHandler
  /** `POST` form `id` (one account) or `connection` (all of it), `returnTo` → 302; routed with `connectedAccounts.enabled`. */
  handleDisconnect: AuthHandler
  /** `GET ?connection=` → `{ token, expiresAt, scope }`; routed with `connectedAccounts.connectionTokenRoute`. */
  handleConnectionToken: AuthHandler
  /** `GET` → `{ suggestions }` (same-origin only); routed with `suggestions.enabled`. */
  handleLinkSuggestions: AuthHandler
  /** `POST` form `userId`, `returnTo` → 302 ("Not me"); routed with `suggestions.enabled`. */
  handleDeclineLinkSuggestion: AuthHandler
  /** The paths `handler` answers (as configured; the optional routes only when enabled). */
  readonly routePaths: ReadonlySet<string>
  /**
   * The session for app code, or `undefined` when signed out. Pass the headers of the response
   * you will send to keep the cookies a read may rewrite (a rolling session extended, a cookie
   * re-encrypted under a rotated secret); without them the read changes nothing.
   */
  getSession(request: Request, responseHeaders?: Headers): Promise<SessionData | undefined>
  /** The signed-in user's claims for app code, or `undefined`; `responseHeaders` as for `getSession`. */
  getUser(request: Request, responseHeaders?: Headers): Promise<UserClaims | undefined>
}

/** The `appState` of a handler-started flow: where to go after. The handlers read nothing else of it. */
interface HandlerAppState {
  returnTo: string
}

function returnToOf(appState: unknown): string | undefined {
  if (appState === null || typeof appState !== 'object') return undefined
  const { returnTo } = appState as Partial<HandlerAppState>
  return typeof returnTo === 'string' ? returnTo : undefined
}

/** Forms posted to the start routes are tiny; a larger body is refused before it is read whole. */
const MAX_FORM_BYTES = 16 * 1024

async function requestParameters(request: Request): Promise<URLSearchParams> {
  const query = new URL(request.url).searchParams
  if (request.method !== 'POST') return query
  const type = request.headers.get('content-type') ?? ''
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return query
  if (Number(request.headers.get('content-length') ?? 0) > MAX_FORM_BYTES) throw new InvalidRequestError('The form is too large')
  const form = await request.formData()
  const params = new URLSearchParams(query)
  // A form field replaces the query's of the same name; repeated fields (`scopes`) all stay.
  const fromForm = new Set<string>()
  for (const [key, value] of form) {
    if (typeof value !== 'string') continue
    if (!fromForm.has(key)) params.delete(key)
    fromForm.add(key)
    params.append(key, value)
  }
  return params
}

/** `scopes=a&scopes=b` or `scopes=a b`, as one list; `undefined` when none was given. */
function scopesOf(params: URLSearchParams): string[] | undefined {
  const scopes = params.getAll('scopes').flatMap((value) => value.split(/\s+/).filter(Boolean))
  return checkedScopes(scopes)
}

/**
 * What `/auth/login` passes on from its query to `/authorize`, and nothing else: Auth0's
 * organization invitation links land here with `invitation` and `organization`, and a sign-up
 * button may ask for `screen_hint=signup`. Every other parameter (scope, audience, prompt,
 * redirect_uri) stays the app's to choose, so a crafted link cannot change what login asks for.
 */
const FORWARDED_LOGIN_PARAMETERS = ['organization', 'invitation', 'login_hint', 'screen_hint', 'ui_locales'] as const

// Printable, no control characters (CR/LF), and short: these only ever hold a hint or a tag.
const FORWARDED_VALUE = /^[^\p{Cc}]{1,256}$/u

function forwardedLoginParameters(params: URLSearchParams): AuthorizationParameters {
  const forwarded: AuthorizationParameters = {}
  for (const name of FORWARDED_LOGIN_PARAMETERS) {
    const value = params.get(name)
    if (value === null || value === '') continue
    if (!FORWARDED_VALUE.test(value)) throw new InvalidRequestError(`The login route's ${name} parameter is malformed`)
    forwarded[name] = value
  }
  return forwarded
}

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
  const { routes } = config

  const storeOptionsFor = (request: Request, headers = new Headers()): StoreOptions => ({ request, response: { headers } })
  const originOf = (request: Request) => appOrigin(config, request)

  async function fail(error: unknown, request: Request, headers?: Headers): Promise<Response> {
    if (config.onError) {
      try {
        const custom = await config.onError(error instanceof Error ? error : new Error(String(error)), request)
        if (custom) return custom
      } catch {
        // A throwing hook must not turn a handled failure into an unhandled one.
      }
    }
    return errorResponse(error, request, headers)
  }

  /** Runs a handler body with one Headers for cookies; any failure becomes a safe response that keeps those cookies. */
  function handle(body: (request: Request, storeOptions: StoreOptions) => Promise<Response>): AuthHandler {
    return async (request) => {
      const storeOptions = storeOptionsFor(request)
      try {
        return await body(request, storeOptions)
      } catch (error) {
        return fail(error, request, storeOptions.response.headers)
      }
    }
  }

  const handleLogin = handle(async (request, storeOptions) => {
    if (isPrefetch(request)) return empty(204)
    const params = await requestParameters(request)
    const appState: HandlerAppState = { returnTo: safeReturnTo(params.get('returnTo'), originOf(request)) }
    const authorizationParams = forwardedLoginParameters(params)
    const context = await requestContext(instance, request)
    const url = await startAuthorization(context, { flow: 'login', appState, authorizationParams }, storeOptions)
    return redirect(url, storeOptions.response.headers)
  })

  function startAccountFlow(flow: 'link' | 'unlink'): AuthHandler {
    return handle(async (request, storeOptions) => {
      if (isCrossSite(request, originOf(request))) throw new CrossSiteRequestError(`A ${flow} must be started from this app`)
      if (isPrefetch(request)) return empty(204)
      const params = await requestParameters(request)
      const suggestion = flow === 'link' ? params.get('suggestion') : null
      if (suggestion !== null) {
        // A suggestion names one of the session's own suggestions: there is none to name when signed out.
        const returnTo = safeReturnTo(params.get('returnTo'), originOf(request))
        const primary = params.get('primary') ?? 'current'
        if (primary !== 'current' && primary !== 'other') throw new InvalidRequestError("primary must be 'current' or 'other'")
        const url = await client.startLinkUser({ suggestion, primary, appState: { returnTo } as TAppState }, storeOptions)
        return redirect(url, storeOptions.response.headers)
      }
      const connection = params.get('connection')
      if (!connection) throw new InvalidRequestError(`The ${flow} route needs a connection parameter`)
      const returnTo = safeReturnTo(params.get('returnTo'), originOf(request))
      const connectionScope = flow === 'link' ? (params.get('connectionScope') ?? undefined) : undefined
      const context = await requestContext(instance, request)
      const session = await context.stateStore.get(storeOptions)
      const appState: HandlerAppState = { returnTo }
      if (!session) {
        // Sign in first; the login transaction carries the flow the callback goes straight on into.
        const continuation: Continuation =
          flow === 'link' ? { flow, connection, returnTo, ...(connectionScope ? { connectionScope } : {}) } : { flow, connection, returnTo }
        const url = await startAuthorization(context, { flow: 'login', appState, continuation }, storeOptions)
        return redirect(url, storeOptions.response.headers)
      }
      const userId = flow === 'unlink' ? (params.get('userId') ?? undefined) : undefined
      const url =
        flow === 'link'
          ? await startLink(context, { connection, connectionScope, session, appState }, storeOptions)
          : await startUnlink(context, { connection, userId, session, appState }, storeOptions)
      return redirect(url, storeOptions.response.headers)
    })
  }

  /** A login that was started by a signed-out link, unlink or connect goes straight on into that flow. */
  async function continueWith(
    context: FlowContext,
    next: Continuation,
    session: SessionData,
    request: Request,
    storeOptions: StoreOptions,
  ): Promise<Response> {
    const appState: HandlerAppState = { returnTo: safeReturnTo(next.returnTo, originOf(request)) }
    const { connection } = next
    let url: URL
    switch (next.flow) {
      case 'link':
        url = await startLink(context, { connection, connectionScope: next.connectionScope, session, appState }, storeOptions)
        break
      case 'unlink':
        url = await startUnlink(context, { connection, session, appState }, storeOptions)
        break
      case 'connect':
        url = await startConnect(context, { session, connection, scopes: next.scopes, appState }, storeOptions)
        break
    }
    return redirect(url, storeOptions.response.headers)
  }

  const handleCallback: AuthHandler = async (request) => {
    const storeOptions = storeOptionsFor(request)
    const { headers } = storeOptions.response
    let transaction: TransactionData | undefined
    let completed: CompletedCallback
    try {
      const context = await requestContext(instance, request)
      const taken = await takeCallback(context, request.url, undefined, storeOptions)
      transaction = taken.transaction
      completed = await finishCallback(context, taken, storeOptions)
      const next = completed.flow === 'login' ? completed.continuation : undefined
      if (next) return await continueWith(context, next, completed.session, request, storeOptions)
      // The primary signed in again before a link (DESIGN §15): on into the link itself.
      if (completed.flow === 'link' && completed.continueAt) return redirect(completed.continueAt, headers)
    } catch (error) {
      return failCallback(error, request, headers, transaction)
    }
    const origin = originOf(request)
    const { flow, appState, session } = completed
    try {
      const custom = config.onCallback && (await config.onCallback({ flow, appState, session, error: undefined, request }))
      if (custom) return withCookies(custom, headers)
    } catch (error) {
      // Not asked again about its own error: the session is stored, the answer is the error page.
      return fail(error, request, headers)
    }
    return redirect(new URL(safeReturnTo(returnToOf(appState), origin), origin), headers)
  }

  /** A failed callback: `onCallback` may answer it; otherwise the error answer (`onError`, the page). */
  async function failCallback(error: unknown, request: Request, headers: Headers, transaction: TransactionData | undefined) {
    if (config.onCallback) {
      try {
        const custom = await config.onCallback({
          flow: transaction?.flow,
          appState: transaction?.appState,
          session: undefined,
          error: error instanceof Error ? error : new Error(String(error)),
          request,
        })
        if (custom) return withCookies(custom, headers)
      } catch {
        // As with onError: a throwing hook must not turn a handled failure into an unhandled one.
      }
    }
    return fail(error, request, headers)
  }

  const handleConnect = handle(async (request, storeOptions) => {
    if (isCrossSite(request, originOf(request))) throw new CrossSiteRequestError('A connect must be started from this app')
    if (isPrefetch(request)) return empty(204)
    const params = await requestParameters(request)
    const connection = params.get('connection')
    if (!connection || !isConnectionName(connection)) throw new InvalidRequestError('The connect route needs a connection name')
    const scopes = scopesOf(params)
    const returnTo = safeReturnTo(params.get('returnTo'), originOf(request))
    const appState: HandlerAppState = { returnTo }
    const context = await requestContext(instance, request)
    const session = await client.getSession(storeOptions)
    if (!session) {
      // Sign in first; the login transaction carries the connect the callback goes straight on into.
      const continuation: Continuation = { flow: 'connect', connection, returnTo, ...(scopes ? { scopes } : {}) }
      const url = await startAuthorization(context, { flow: 'login', appState, continuation }, storeOptions)
      return redirect(url, storeOptions.response.headers)
    }
    const url = await startConnect(context, { session, connection, scopes, appState }, storeOptions)
    return redirect(url, storeOptions.response.headers)
  })

  const handleConnectedAccounts = handle(async (request, storeOptions) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return empty(405, new Headers({ allow: 'GET, HEAD' }))
    const connection = new URL(request.url).searchParams.get('connection') ?? undefined
    const connectedAccounts = await client.listConnectedAccounts(connection ? { connection } : {}, storeOptions)
    return json({ connectedAccounts }, 200, storeOptions.response.headers)
  })

  const handleDisconnect = handle(async (request, storeOptions) => {
    if (request.method !== 'POST') return empty(405, new Headers({ allow: 'POST' }))
    if (isCrossSite(request, originOf(request))) throw new CrossSiteRequestError('A disconnect must be started from this app')
    const params = await requestParameters(request)
    const id = params.get('id')
    const connection = params.get('connection')
    const returnTo = safeReturnTo(params.get('returnTo'), originOf(request))
    if (id) {
      await client.deleteConnectedAccount(id, storeOptions)
    } else if (connection && isConnectionName(connection)) {
      // Every account of the connection, with one token for both the list and the deletes.
      const context = await requestContext(instance, request)
      const session = await client.getSession(storeOptions)
      if (!session) throw new MissingSessionError('Sign in first: there is no session')
      const scopes = [CONNECTED_ACCOUNTS_SCOPES.read, CONNECTED_ACCOUNTS_SCOPES.delete] as const
      const { token } = await myAccountAccessToken(context, session, scopes, storeOptions)
      const signal = request.signal
      const accounts = await collectPages(Number.POSITIVE_INFINITY, undefined, (from, take) =>
        listAccountsPage(context.tenant, token, { connection, from, take }, signal),
      )
      for (const account of accounts) await deleteAccount(context.tenant, token, account.id, signal)
    } else {
      throw new InvalidRequestError('The disconnect route needs an account id or a connection name')
    }
    return redirect(new URL(returnTo, originOf(request)), storeOptions.response.headers)
  })

  const handleConnectionToken = handle(async (request, storeOptions) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return empty(405, new Headers({ allow: 'GET, HEAD' }))
    // A provider's token in a JSON body: no other site may even make the browser ask for it.
    if (isCrossSite(request, originOf(request))) throw new CrossSiteRequestError('A connection token is only for this app')
    const connection = new URL(request.url).searchParams.get('connection')
    if (!connection) throw new InvalidRequestError('The connection-token route needs a connection parameter')
    const result = await client.getAccessTokenForConnection({ connection }, storeOptions)
    return json({ token: result.token, expiresAt: result.expiresAt, scope: result.scope }, 200, storeOptions.response.headers)
  })

  const handleLogout = handle(async (request, storeOptions) => {
    // A hovered or previewed "Log out" link must not sign anyone out.
    if (isPrefetch(request)) return empty(204)
    const params = await requestParameters(request)
    const url = await client.logout({ returnTo: params.get('returnTo') ?? '/' }, storeOptions)
    return redirect(url, storeOptions.response.headers)
  })

  const handleProfile = handle(async (_request, storeOptions) => {
    const user = await client.getUser(storeOptions)
    if (!user) return json({ error: MissingSessionError.code, message: 'Not signed in' }, 401, storeOptions.response.headers)
    return json(user, 200, storeOptions.response.headers)
  })

  const handleAccessToken = handle(async (request, storeOptions) => {
    const query = new URL(request.url).searchParams
    const audience = query.get('audience') || undefined
    const scope = query.get('scope') || undefined
    const result = await client.getAccessToken({ ...(audience ? { audience } : {}), ...(scope ? { scope } : {}) }, storeOptions)
    const { token, expiresAt, scope: granted, tokenType } = result
    return json({ token, expiresAt, scope: granted, tokenType }, 200, storeOptions.response.headers)
  })

  const handleBackchannelLogout = handle(async (request, storeOptions) => {
    if (request.method !== 'POST') return empty(405, new Headers({ allow: 'POST' }))
    const params = await requestParameters(request)
    await client.handleBackchannelLogout(params.get('logout_token') ?? '', storeOptions)
    return empty(200, storeOptions.response.headers)
  })

  const handleIdentities = handle(async (request, storeOptions) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return empty(405, new Headers({ allow: 'GET, HEAD' }))
    const identities = await client.getIdentities(storeOptions)
    return json({ identities }, 200, storeOptions.response.headers)
  })

  const handlers: Record<keyof Routes, AuthHandler> = {
    login: handleLogin,
    callback: handleCallback,
    logout: handleLogout,
    link: startAccountFlow('link'),
    unlink: startAccountFlow('unlink'),
    profile: handleProfile,
    accessToken: handleAccessToken,
    backchannelLogout: handleBackchannelLogout,
    identities: handleIdentities,
    connect: handleConnect,
    connectedAccounts: handleConnectedAccounts,
    disconnect: handleDisconnect,
    connectionToken: handleConnectionToken,
    linkSuggestions: handle(linkSuggestionsRoute(client, originOf)),
    declineLinkSuggestion: handle(declineLinkSuggestionRoute(client, originOf)),
  }
  // The optional routes cost an Auth0 call per request (or hand out a provider token), so they
  // answer only when turned on.
  const enabled: Record<keyof Routes, boolean> = {
    login: true,
    callback: true,
    logout: true,
    link: true,
    unlink: true,
    profile: true,
    accessToken: true,
    backchannelLogout: true,
    identities: config.identitiesRoute,
    connect: config.connectedAccounts.routes,
    connectedAccounts: config.connectedAccounts.routes,
    disconnect: config.connectedAccounts.routes,
    connectionToken: config.connectedAccounts.connectionTokenRoute,
    linkSuggestions: config.suggestions.routes,
    declineLinkSuggestion: config.suggestions.routes,
  }
  const routed = (Object.keys(routes) as Array<keyof Routes>).filter((key) => enabled[key])
  const byPath = new Map<string, AuthHandler>(routed.map((key) => [routes[key], handlers[key]]))

  return {
    client,
    async handler(request) {
      const pathname = new URL(request.url).pathname
      const route = byPath.get(pathname)
      return route ? route(request) : null
    },
    handleLogin,
    handleCallback,
    handleLogout,
    handleLink: handlers.link,
    handleUnlink: handlers.unlink,
    handleProfile,
    handleAccessToken,
    handleBackchannelLogout,
    handleIdentities,
    handleConnect,
    handleConnectedAccounts,
    handleDisconnect,
    handleConnectionToken,
    handleLinkSuggestions: handlers.linkSuggestions,
    handleDeclineLinkSuggestion: handlers.declineLinkSuggestion,
    routePaths: new Set(byPath.keys()),
    getSession: (request, responseHeaders) => client.getSession(storeOptionsFor(request, responseHeaders)),
    getUser: (request, responseHeaders) => client.getUser(storeOptionsFor(request, responseHeaders)),
  }
}
