/**
 * @module The rules that keep user input from steering the app: same-origin redirect targets,
 * cross-site and prefetch detection, HTML escaping.
 */

// Control characters and backslashes have no place in a redirect target; browsers treat `\` as `/`.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE_RETURN_TO = /[\u0000-\u001f\u007f\\]/

/**
 * Returns a same-origin path (with query and fragment) for `value`, or `fallback` when `value` is
 * missing or would lead anywhere else: other origins, `//host`, `/\host`, `javascript:` and
 * encoded variants of these. This is the only way a redirect target from user input is built.
 *
 * @example
 * ```ts
 * safeReturnTo('/settings?tab=linked', new URL('https://app.example.com')) // '/settings?tab=linked'
 * safeReturnTo('https://evil.example', new URL('https://app.example.com')) // '/'
 * ```
 */
export function safeReturnTo(value: unknown, origin: URL, fallback = '/'): string {
  if (typeof value !== 'string' || value === '' || value.length > 2048) return fallback
  if (UNSAFE_RETURN_TO.test(value)) return fallback
  // Only a rooted path or an absolute http(s) URL: `https:evil`, `relative` and other forms that
  // browsers and URL parsers resolve differently are not worth the ambiguity.
  if (!value.startsWith('/') && !/^https?:\/\//i.test(value)) return fallback
  let decoded = value
  try {
    decoded = decodeURIComponent(value)
  } catch {
    return fallback
  }
  if (UNSAFE_RETURN_TO.test(decoded) || /^\/\//.test(decoded.trim())) return fallback
  let target: URL
  try {
    target = new URL(value, origin)
  } catch {
    return fallback
  }
  if (target.origin !== origin.origin) return fallback
  const path = `${target.pathname}${target.search}${target.hash}`
  // new URL can normalise `/./evil` style paths into `//evil`; refuse anything that now starts so.
  return path.startsWith('//') ? fallback : path
}

/**
 * True when the request was started by another site: `Sec-Fetch-Site: cross-site` (or
 * `same-site`, a sibling subdomain), or an `Origin` header naming another origin.
 */
export function isCrossSite(request: Request, origin: URL): boolean {
  const site = request.headers.get('sec-fetch-site')
  if (site === 'cross-site' || site === 'same-site') return true
  const requestOrigin = request.headers.get('origin')
  if (requestOrigin !== null && requestOrigin !== origin.origin) return true
  return false
}

/**
 * True for a browser's speculative load (`Sec-Purpose`/`Purpose: prefetch`, prerender, preview):
 * starting a transaction for one only piles up cookies, and a prefetched logout signs out.
 *
 * @example
 * ```ts
 * if (isPrefetch(request)) return new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } })
 * ```
 */
export function isPrefetch(request: Request): boolean {
  const purpose = request.headers.get('sec-purpose') ?? request.headers.get('purpose') ?? request.headers.get('x-purpose')
  return purpose !== null && /prefetch|prerender|preview/i.test(purpose)
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes text for HTML element content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char)
}
