/**
 * @module The answers the handlers send: redirects, JSON, empty replies, and the one safe error page.
 */

import { Auth0LinkKitError, type Auth0LinkKitErrorCode, AuthorizationError, ConfigurationError, ConnectionTokenError } from './errors.js'
import { escapeHtml } from './safety.js'

/** Every auth response carries user- or token-specific data: never cache or index it. */
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' }

export function redirect(location: string | URL, headers = new Headers()): Response {
  headers.set('location', String(location))
  for (const [name, value] of Object.entries(NO_STORE)) headers.set(name, value)
  return new Response(null, { status: 302, headers })
}

export function json(body: unknown, status = 200, headers = new Headers()): Response {
  headers.set('content-type', 'application/json; charset=utf-8')
  for (const [name, value] of Object.entries(NO_STORE)) headers.set(name, value)
  return new Response(JSON.stringify(body), { status, headers })
}

export function empty(status: number, headers = new Headers()): Response {
  for (const [name, value] of Object.entries(NO_STORE)) headers.set(name, value)
  return new Response(null, { status, headers })
}

/**
 * `response` (the app's own, from a hook) with the cookies the handler wrote added, and
 * `no-store`: a cached answer carrying a session cookie would hand one user's session to the next.
 */
export function withCookies(response: Response, cookies: Headers): Response {
  const setCookies = cookies.getSetCookie()
  if (setCookies.length === 0) return response
  const headers = new Headers(response.headers)
  for (const cookie of setCookies) headers.append('set-cookie', cookie)
  headers.set('cache-control', 'no-store')
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
}

/**
 * True when the request asks for JSON rather than a page (`Accept: application/json` without
 * `text/html`): how {@link errorResponse} and the adapters' sign-in guards choose their answer.
 *
 * @example
 * ```ts
 * wantsJson(new Request('https://app.example.com/api', { headers: { accept: 'application/json' } })) // true
 * ```
 */
export function wantsJson(request: Request): boolean {
  const accept = request.headers.get('accept') ?? ''
  return accept.includes('application/json') && !accept.includes('text/html')
}

/** What the error page says for one error code: a heading and one sentence, both ours. */
interface ErrorText {
  title: string
  sentence: string
}

/**
 * The error page's words, chosen by the error's code alone. Nothing a request carries (its query,
 * Auth0's `error_description` from the callback URL) is ever shown: anyone can craft that URL, and
 * a page that prints it lets them put their own words ("call this number") on the app's page.
 * Typed as a full record so a new error code cannot ship without its text.
 */
const ERROR_TEXT: Record<Auth0LinkKitErrorCode, ErrorText> = {
  configuration_error: {
    title: 'Sign-in is not set up correctly',
    sentence: 'This app is misconfigured, so signing in cannot work right now. The app owner has to fix it.',
  },
  missing_session: { title: 'You are signed out', sentence: 'Your session has ended or you never signed in. Please sign in again.' },
  missing_transaction: {
    title: 'That sign-in link expired or was already used',
    sentence: 'Start again from the app: each sign-in or link attempt can be completed once, in the browser that started it.',
  },
  state_mismatch: {
    title: 'That sign-in link expired or was already used',
    sentence: 'The answer from Auth0 does not belong to the attempt this browser started. Start again from the app.',
  },
  invalid_callback: {
    title: 'The answer from Auth0 was not valid',
    sentence: 'The address Auth0 sent you back to is incomplete or altered. Start again from the app.',
  },
  invalid_request: {
    title: 'That request was not valid',
    sentence: 'Something the app needs was missing or malformed. Go back and try again.',
  },
  cross_site_request: {
    title: 'That request did not come from this app',
    sentence: 'For your safety, linking and unlinking accounts can only be started from this app’s own pages.',
  },
  authorization_error: {
    title: 'Auth0 did not complete that request',
    sentence: 'The sign-in or link was cancelled or refused before it finished. Nothing about your account changed.',
  },
  token_exchange_failed: {
    title: 'Auth0 could not finish signing you in',
    sentence: 'Auth0 refused or failed to complete the last step. Nothing about your account changed; please try again.',
  },
  id_token_invalid: {
    title: 'The sign-in could not be verified',
    sentence: 'Auth0’s answer failed a security check, so it was not accepted. Please try again.',
  },
  user_mismatch: {
    title: 'That account belongs to another user',
    sentence: 'The attempt came back signed in as someone else, so it was not applied. You are still signed in as before.',
  },
  organization_mismatch: {
    title: 'That sign-in was for another organization',
    sentence: 'Auth0 signed you in to a different organization than the one this app asked for, so it was not accepted.',
  },
  discovery_failed: {
    title: 'Auth0 cannot be reached',
    sentence: 'The app could not reach its Auth0 tenant. Please try again in a moment.',
  },
  timeout: { title: 'Auth0 took too long to answer', sentence: 'Auth0 did not answer in time. Please try again in a moment.' },
  missing_refresh_token: {
    title: 'Please sign in again',
    sentence: 'Your session cannot be renewed without signing in again.',
  },
  session_too_large: {
    title: 'Your session is too large',
    sentence: 'The session would not fit in a browser cookie, so it was not saved. The app owner has to store less in it.',
  },
  backchannel_logout_error: { title: 'Logout notice refused', sentence: 'A logout notice from Auth0 failed verification and was ignored.' },
  management_api_error: {
    title: 'Your linked accounts could not be read',
    sentence: 'Auth0’s Management API refused or failed. The app may lack the permission it needs.',
  },
  my_account_api_error: {
    title: 'Your connected accounts could not be reached',
    sentence: 'Auth0’s My Account API refused or failed. Nothing about your connected accounts changed; please try again.',
  },
  connection_token_error: {
    title: 'That account is not available to this app',
    sentence: 'The app could not get access to the connected account. Connect it again, then retry.',
  },
  session_store_error: {
    title: 'Sessions are unavailable right now',
    sentence: 'The app could not reach the place it keeps sessions. Your session is safe; please try again in a moment.',
  },
  invalid_host: { title: 'That request was not valid', sentence: 'The request named a host this app cannot answer for.' },
  identity_already_linked: {
    title: 'That account is already linked to another user',
    sentence: 'The account you signed in with belongs to another login, so it was not linked. You are still signed in as before.',
  },
  link_not_applied: {
    title: 'The account was not linked',
    sentence: 'Auth0 completed the sign-in but did not link or unlink anything. The app owner has to set up account linking on the tenant.',
  },
  link_hook_failed: {
    title: 'The account was linked, but the app could not finish',
    sentence:
      'Auth0 already changed your linked accounts; the app failed to update its own records afterwards. Please contact the app owner.',
  },
  pushed_authorization_failed: {
    title: 'Auth0 could not start signing you in',
    sentence: 'Auth0 refused or failed to accept the sign-in request. Nothing about your account changed; please try again.',
  },
}

const INTERNAL_ERROR: ErrorText = { title: 'Something went wrong', sentence: 'The request could not be completed. Please try again.' }

function textFor(code: string): ErrorText {
  return Object.hasOwn(ERROR_TEXT, code) ? ERROR_TEXT[code as Auth0LinkKitErrorCode] : INTERNAL_ERROR
}

/** OAuth error codes are registered lower-case tokens (RFC 6749 §4.1.2.1); anything else is not echoed. */
const OAUTH_ERROR_CODE = /^[a-z_]{1,64}$/

/**
 * The one error answer, used by the handlers and every adapter: a safe answer for a failure,
 * with the typed error's status (500 for anything untyped), `no-store`, and on pages a CSP that
 * allows nothing to run. HTML: a heading and a sentence chosen by the error's code, plus the
 * code (and a `ConfigurationError`'s message, which names the option or variable, never its
 * value), and never a stack, token, secret or text from the request. JSON (`Accept: application/json`): `{ error, message }` with
 * our own message, and `auth0_error` (Auth0's OAuth error code of a refused authorization or
 * Token Vault exchange) when it is a well-formed code.
 * `headers` keeps cookies already set (a consumed transaction's deletion); `json: true` answers
 * JSON whatever `Accept` says (a JSON route such as `/auth/profile`).
 *
 * @example
 * ```ts
 * // A sign-in guard in an adapter or app: the same 401 page or JSON the handlers answer.
 * if (!(await requestAuth.getSession())) return errorResponse(new MissingSessionError('Not signed in'), request)
 * ```
 */
export function errorResponse(error: unknown, request: Request, headers = new Headers(), options: { json?: boolean } = {}): Response {
  const typed = error instanceof Auth0LinkKitError ? error : undefined
  const status = typed?.status ?? 500
  const code = typed?.code ?? 'internal_error'
  const text = typed ? textFor(code) : INTERNAL_ERROR
  if (options.json || wantsJson(request)) {
    // An AuthorizationError's message quotes Auth0's error_description, which arrived in the
    // callback's query string: the code's sentence stands in for it. Other typed messages are
    // ours and hold no secrets; an unknown error's message might.
    const message = typed && !(typed instanceof AuthorizationError) ? typed.message : text.sentence
    const body: Record<string, string> = { error: code, message }
    if (typed instanceof AuthorizationError && OAUTH_ERROR_CODE.test(typed.error)) body.auth0_error = typed.error
    // Lets a page tell "not connected yet" (federated_connection_refresh_token_not_found) from an outage.
    if (typed instanceof ConnectionTokenError && typed.error && OAUTH_ERROR_CODE.test(typed.error)) body.auth0_error = typed.error
    return json(body, status, headers)
  }
  headers.set('content-type', 'text/html; charset=utf-8')
  headers.set('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
  for (const [name, value] of Object.entries(NO_STORE)) headers.set(name, value)
  const html = `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(text.title)}</title><style>body{font:16px/1.5 system-ui,sans-serif;margin:3rem auto;max-width:40rem;padding:0 1rem;color:#222}code{font-size:.9em}</style><h1>${escapeHtml(text.title)}</h1><p>${escapeHtml(text.sentence)}</p>${typed instanceof ConfigurationError ? `<p>${escapeHtml(typed.message)}</p>` : ''}<p>Error code: <code>${escapeHtml(code)}</code> (HTTP ${status})</p><p><a href="/">Back to the app</a></p></html>`
  return new Response(html, { status, headers })
}
