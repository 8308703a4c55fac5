/**
 * @module `Cookie` header parsing and `Set-Cookie` serialising, with the attributes every cookie gets.
 */

import { ConfigurationError } from '../errors.js'

/** Attributes we set on every cookie; `HttpOnly` and `Path=/` are always on. */
export interface CookieAttributes {
  maxAge: number
  secure: boolean
  sameSite: 'Lax' | 'None'
  domain?: string
}

// RFC 6265 token characters; anything else in a name could split or inject a header.
export const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// RFC 6265 cookie-octets (no CTLs, whitespace, DQUOTE, comma, semicolon or backslash).
const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/

/**
 * Parses a `Cookie` header; the first occurrence of a name wins, as browsers send the most
 * specific first. A name that is not an RFC 6265 token (`__session. 1`, planted by a sibling
 * subdomain or a script) is skipped: nothing we write could have it, and carrying it on would
 * only let it reach a chunk count or a `Set-Cookie` we build.
 */
export function parseCookieHeader(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>()
  if (!header) return cookies
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq === -1) continue
    const name = part.slice(0, eq).trim()
    if (!COOKIE_NAME.test(name) || cookies.has(name)) continue
    let value = part.slice(eq + 1).trim()
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
    cookies.set(name, value)
  }
  return cookies
}

/**
 * Serializes one `Set-Cookie` value; refuses names and values that are not cookie-safe. Names
 * come from the cookie options, checked at construction, and values from our own encoders, so a
 * refusal here means a misconfigured instance: it answers 500, and never a header split.
 *
 * @throws {ConfigurationError} for a name that is not an RFC 6265 token, or a value that is not cookie-octets.
 */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  if (!COOKIE_NAME.test(name))
    throw new ConfigurationError('cookie', 'a cookie name must be an RFC 6265 token (see session.cookie.name, transactionCookie.prefix)')
  // The value is not quoted in the message: it may be a session.
  if (!COOKIE_VALUE.test(value)) throw new ConfigurationError('cookie', 'a cookie value must be RFC 6265 cookie-octets')
  let cookie = `${name}=${value}; Path=/; HttpOnly; SameSite=${attributes.sameSite}; Max-Age=${Math.max(0, Math.floor(attributes.maxAge))}`
  if (attributes.maxAge <= 0) cookie += '; Expires=Thu, 01 Jan 1970 00:00:00 GMT'
  if (attributes.domain) cookie += `; Domain=${attributes.domain}`
  // SameSite=None is only honoured on Secure cookies, so it forces Secure.
  if (attributes.secure || attributes.sameSite === 'None') cookie += '; Secure'
  return cookie
}
