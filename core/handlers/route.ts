/**
 * @module What a route is: its guards as data (method, cross-site, prefetch, session) and the
 * body the dispatcher in `core/auth.ts` runs once every guard has passed.
 */

import type { ResolvedConfig } from '../config.js'
import type { FlowContext, InstanceContext } from '../flows/context.js'
import type { Routes } from '../options.js'
import type { ServerClient } from '../server-client.js'
import type { SessionData } from '../session.js'
import type { Continuation, StoreOptions } from '../stores.js'

/** A route's name: a key of {@link Routes}, which also names its `handle…` member on `Auth`. */
export type RouteKey = keyof Routes

/** The `Auth` member that runs one route alone: `login` → `handleLogin`. */
export function handlerName<K extends RouteKey>(key: K): `handle${Capitalize<K>}` {
  return `handle${key.charAt(0).toUpperCase()}${key.slice(1)}` as `handle${Capitalize<K>}`
}

/** The `appState` of a handler-started flow: where to go after. The handlers read nothing else of it. */
export interface HandlerAppState {
  returnTo: string
}

/** What a route body gets: the request, where its cookies go, and the instance it serves. Internal. */
export interface RouteContext {
  readonly request: Request
  /** Cookies are read from the request and written to `storeOptions.response.headers`. */
  readonly storeOptions: StoreOptions
  /** The app's origin for this request (redirect targets are checked against it). */
  readonly origin: URL
  readonly client: ServerClient<unknown>
  readonly instance: InstanceContext
  readonly config: ResolvedConfig
  /** The one error answer (`onError`, then the safe page or JSON), keeping the cookies already written. */
  fail(error: unknown): Promise<Response>
  /** Goes on from a finished login into the flow a signed-out start asked for (the login-first routes). */
  continueWith(context: FlowContext, next: Continuation, session: SessionData): Promise<Response>
}

/** What a `session: 'required'` route body gets: the session the dispatcher read once. */
export interface SignedInContext extends RouteContext {
  readonly session: SessionData
}

/** The guards, as data: the dispatcher applies them in this order, before any body runs. */
export interface RouteGuards<K extends RouteKey = RouteKey> {
  readonly key: K
  /** Accepted methods (anything else: 405 with `Allow`); `undefined` accepts every method. */
  readonly methods?: readonly string[]
  /**
   * `'refuse'`: a request started by another site (Sec-Fetch-Site, Origin) is a 403
   * `CrossSiteRequestError` with `refusal` as its message; `'allow'`: not checked.
   */
  readonly crossSite: 'refuse' | 'allow'
  readonly refusal?: string
  /**
   * `'ignore'`: a prefetch or prerender is answered 204 and nothing runs (no transaction, no
   * cookie change); `'answer'`: prefetches are answered as any request.
   */
  readonly prefetch: 'ignore' | 'answer'
  /** Whether this instance answers the route at all (the optional routes cost Auth0 calls). */
  enabled(config: ResolvedConfig): boolean
}

/**
 * A route whose body decides about the session: the client's calls it makes refuse a signed-out
 * request with `MissingSessionError` (401), after checking the request's own input.
 */
export interface BodyRoute<K extends RouteKey = RouteKey> extends RouteGuards<K> {
  readonly session: 'optional'
  handle(context: RouteContext): Promise<Response>
}

/** A route that needs a session: the dispatcher reads it once and answers a signed-out request 401 `missing_session`. */
export interface SessionRoute<K extends RouteKey = RouteKey> extends RouteGuards<K> {
  readonly session: 'required'
  handle(context: SignedInContext): Promise<Response>
}

/**
 * A route that starts a flow needing a session: signed out, it signs in first and the login
 * transaction carries the {@link Continuation} the callback goes straight on with. `parse` reads
 * and checks the request (before the session is read, so bad input is refused either way);
 * `resume` starts the flow for a session, both directly and after that login.
 */
export interface LoginFirstRoute<K extends RouteKey & Continuation['flow'] = RouteKey & Continuation['flow']> extends RouteGuards<K> {
  readonly session: 'login-first'
  parse(params: URLSearchParams, origin: URL): Extract<Continuation, { flow: K }>
  resume(
    context: FlowContext,
    next: Extract<Continuation, { flow: K }>,
    session: SessionData,
    appState: HandlerAppState,
    storeOptions: StoreOptions,
  ): Promise<URL>
}

/** The dispatcher's view of any login-first route: one continuation type for all of them. */
export interface AnyLoginFirstRoute extends RouteGuards {
  readonly session: 'login-first'
  parse(params: URLSearchParams, origin: URL): Continuation
  resume(
    context: FlowContext,
    next: Continuation,
    session: SessionData,
    appState: HandlerAppState,
    storeOptions: StoreOptions,
  ): Promise<URL>
}

/** One route, declared once; the routes a signed-out start continues into are login-first. */
export type Route<K extends RouteKey = RouteKey> = K extends Continuation['flow'] ? LoginFirstRoute<K> : BodyRoute<K> | SessionRoute<K>
