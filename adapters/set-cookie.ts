/**
 * @module Reading back the `Set-Cookie` headers the core's cookie stores write, for frameworks
 * that only accept cookies through their own API (SvelteKit's `event.cookies`, Next's `cookies()`).
 */

/**
 * One `Set-Cookie` header as the core's cookie stores write it, parsed. `maxAge <= 0` is a
 * deletion.
 *
 * @example
 * ```ts
 * const cookie: ParsedSetCookie | undefined = parseSetCookie('__session=abc; Max-Age=86400; Path=/; HttpOnly; SameSite=Lax')
 * cookie?.maxAge // 86400
 * ```
 */
export interface ParsedSetCookie {
  name: string
  value: string
  /** Seconds; 0 when the header had no `Max-Age` (the core always writes one). */
  maxAge: number
  path: string
  httpOnly: boolean
  secure: boolean
  sameSite: 'lax' | 'none' | 'strict'
  domain: string | undefined
}

/**
 * Parses one `Set-Cookie` header value; `undefined` when it has no `name=value` pair. Only the
 * attributes the core writes are read; `Expires` is ignored because the core always sends
 * `Max-Age`, which wins over it in browsers anyway.
 *
 * @example
 * ```ts
 * for (const header of responseHeaders.getSetCookie()) {
 *   const cookie = parseSetCookie(header)
 *   if (cookie && cookie.maxAge <= 0) frameworkCookies.delete(cookie.name, { path: cookie.path })
 * }
 * ```
 */
export function parseSetCookie(header: string): ParsedSetCookie | undefined {
  const [pair = '', ...attributes] = header.split(';')
  const eq = pair.indexOf('=')
  if (eq <= 0) return undefined
  const cookie: ParsedSetCookie = {
    name: pair.slice(0, eq).trim(),
    value: pair.slice(eq + 1).trim(),
    maxAge: 0,
    path: '/',
    httpOnly: false,
    secure: false,
    sameSite: 'lax',
    domain: undefined,
  }
  for (const attribute of attributes) {
    const [key = '', ...rest] = attribute.split('=')
    const value = rest.join('=').trim()
    switch (key.trim().toLowerCase()) {
      case 'max-age':
        cookie.maxAge = Number(value)
        break
      case 'path':
        if (value.startsWith('/')) cookie.path = value
        break
      case 'httponly':
        cookie.httpOnly = true
        break
      case 'secure':
        cookie.secure = true
        break
      case 'samesite':
        cookie.sameSite = value.toLowerCase() === 'none' ? 'none' : value.toLowerCase() === 'strict' ? 'strict' : 'lax'
        break
      case 'domain':
        cookie.domain = value
        break
    }
  }
  return cookie
}
