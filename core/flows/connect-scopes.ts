/**
 * @module The connect routes' `scopes` check, apart from the connect step so a route can refuse
 * bad input without loading Connected Accounts.
 */

import { InvalidRequestError } from '../errors.js'

// The My Account API's documented bounds: 1–100 scopes of 1–255 characters.
const MAX_SCOPES = 100
const MAX_SCOPE_LENGTH = 255
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const SCOPE_TOKEN = /^[^\s\u0000-\u001f\u007f"\\]+$/

/**
 * `scopes` checked against the My Account API's bounds, duplicates dropped; `undefined` for none.
 *
 * @throws {InvalidRequestError} when there are too many, or one is too long or not a single token.
 */
export function checkedScopes(scopes: readonly string[] | undefined): string[] | undefined {
  if (scopes === undefined) return undefined
  if (!Array.isArray(scopes) || scopes.length > MAX_SCOPES) {
    throw new InvalidRequestError(`scopes must be a list of at most ${MAX_SCOPES} scopes`)
  }
  for (const scope of scopes) {
    if (typeof scope !== 'string' || scope.length > MAX_SCOPE_LENGTH || !SCOPE_TOKEN.test(scope)) {
      throw new InvalidRequestError(`each scope must be one token of at most ${MAX_SCOPE_LENGTH} characters`)
    }
  }
  const unique = [...new Set(scopes)]
  return unique.length > 0 ? unique : undefined
}
