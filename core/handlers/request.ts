/**
 * @module Reading a route's input: query or posted form, the `scopes` list, the login parameters
 * passed on to `/authorize`, and the `returnTo` a handler-started flow carries.
 */

import { InvalidRequestError } from '../errors.js'
import { checkedScopes } from '../flows/connect-scopes.js'
import type { AuthorizationParameters } from '../options.js'
import { readBoundedForm } from '../request-body.js'
import type { HandlerAppState } from './route.js'

export function returnToOf(appState: unknown): string | undefined {
  if (appState === null || typeof appState !== 'object') return undefined
  const { returnTo } = appState as Partial<HandlerAppState>
  return typeof returnTo === 'string' ? returnTo : undefined
}

/**
 * The query, with a posted form's fields (url-encoded or multipart) over it. The body is read
 * through a byte counter that stops at 16 KB (`readBoundedForm`), whatever the headers say.
 */
export async function requestParameters(request: Request): Promise<URLSearchParams> {
  const query = new URL(request.url).searchParams
  if (request.method !== 'POST') return query
  const form = await readBoundedForm(request)
  if (!form) return query
  const params = new URLSearchParams(query)
  // A form field replaces the query's of the same name; repeated fields (`scopes`) all stay.
  const fromForm = new Set<string>()
  for (const [key, value] of form) {
    if (!fromForm.has(key)) params.delete(key)
    fromForm.add(key)
    params.append(key, value)
  }
  return params
}

/** `scopes=a&scopes=b` or `scopes=a b`, as one list; `undefined` when none was given. */
export function scopesOf(params: URLSearchParams): string[] | undefined {
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

export function forwardedLoginParameters(params: URLSearchParams): AuthorizationParameters {
  const forwarded: AuthorizationParameters = {}
  for (const name of FORWARDED_LOGIN_PARAMETERS) {
    const value = params.get(name)
    if (value === null || value === '') continue
    if (!FORWARDED_VALUE.test(value)) throw new InvalidRequestError(`The login route's ${name} parameter is malformed`)
    forwarded[name] = value
  }
  return forwarded
}
