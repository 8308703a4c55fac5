/**
 * @module The cross-site policy of the routes: who started a request, from Fetch Metadata
 * (`Sec-Fetch-Site`) or else `Origin`, and what a route does about it.
 */

import { CrossSiteRequestError } from './errors.js'
import { escapeHtml } from './safety.js'

/**
 * Who started a request, as far as the browser says: `same-origin` (this app, or the user
 * typing the URL: `Sec-Fetch-Site: none`), `cross-site` (another site, or a sibling subdomain:
 * `same-site`, or an `Origin` naming another origin), or `unknown` (a browser without Fetch
 * Metadata, on a request that carries no `Origin`: a plain GET navigation).
 *
 * @example
 * ```ts
 * requestSite(new Request('https://app.example.com/auth/logout', { headers: { 'sec-fetch-site': 'cross-site' } }), new URL('https://app.example.com'))
 * // 'cross-site'
 * ```
 * @see [Fetch Metadata Request Headers §2.4 - Sec-Fetch-Site](https://www.w3.org/TR/fetch-metadata/#sec-fetch-site-header)
 */
export function requestSite(request: Request, origin: URL): 'same-origin' | 'cross-site' | 'unknown' {
  const site = request.headers.get('sec-fetch-site')
  const requestOrigin = request.headers.get('origin')
  if (site === 'cross-site' || site === 'same-site') return 'cross-site'
  // `Origin: null` (sandboxed frames, some redirects) is no proof of anything.
  if (requestOrigin !== null && requestOrigin !== origin.origin) return 'cross-site'
  if (site === 'same-origin' || site === 'none' || requestOrigin !== null) return 'same-origin'
  return 'unknown'
}

/**
 * What a route does about who started a request:
 * - `allow`: anyone (the callback, which Auth0 sends the browser to; back-channel logout).
 * - `refuse`: cross-site is refused (403); a request that cannot be placed goes on (a token
 *   read by the app's own scripts).
 * - `refuse-with-parameters`: `allow` for a bare request or an Auth0 invitation link
 *   (`invitation`, `organization`, `organization_name` only), else `refuse`: a "Sign in" link
 *   may come from anywhere, and so may an invitation e-mail, but a stranger must not choose the
 *   `returnTo`, hints or organization of a sign-in (nor pile up transaction cookies with them).
 * - `state-changing`: as `refuse`, and a request that cannot be placed must be a POST with a
 *   same-origin `Origin`; a GET without Fetch Metadata gets a confirm page instead (older
 *   browsers send neither `Sec-Fetch-Site` nor `Origin` on a navigation, so a cross-site link
 *   looks exactly like the app's own).
 *
 * @example
 * ```ts
 * const policy: CrossSitePolicy = 'state-changing' // link, unlink, connect, disconnect, logout
 * ```
 */
export type CrossSitePolicy = 'allow' | 'refuse' | 'refuse-with-parameters' | 'state-changing'

/** What an Auth0 organization invitation link carries to the app's login route. */
const INVITATION_PARAMETERS = new Set(['invitation', 'organization', 'organization_name'])

function isBareOrInvitation(request: Request): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false
  const keys = [...new URL(request.url).searchParams.keys()]
  return keys.length === 0 || (keys.includes('invitation') && keys.every((key) => INVITATION_PARAMETERS.has(key)))
}

/**
 * Applies `policy` to `request`: throws for a refused request, answers `confirm` for a GET that
 * must be confirmed by a same-origin POST, else `proceed`.
 *
 * @throws {CrossSiteRequestError} with `refusal` when the request is refused.
 */
export function checkRequestSite(request: Request, origin: URL, policy: CrossSitePolicy, refusal: string): 'proceed' | 'confirm' {
  if (policy === 'allow' || (policy === 'refuse-with-parameters' && isBareOrInvitation(request))) return 'proceed'
  const site = requestSite(request, origin)
  if (site === 'cross-site') throw new CrossSiteRequestError(refusal)
  if (site === 'same-origin' || policy !== 'state-changing') return 'proceed'
  if (request.method === 'GET' || request.method === 'HEAD') return 'confirm'
  throw new CrossSiteRequestError(`${refusal} (a POST needs a same-origin Origin header)`)
}

/**
 * A page with one button that posts `params` back to the same path: what a GET start from a
 * browser without Fetch Metadata gets instead of the flow. The POST it sends carries `Origin`,
 * which {@link checkRequestSite} then checks. No script, no framing, nothing from the query
 * rendered except as escaped hidden field values.
 *
 * @example
 * ```ts
 * if (checkRequestSite(request, origin, 'state-changing', 'A logout') === 'confirm') return confirmPage(request, 'Log out')
 * ```
 */
export function confirmPage(request: Request, action: string): Response {
  const url = new URL(request.url)
  const fields = [...url.searchParams]
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('')
  const label = escapeHtml(action)
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${label}</title></head><body><form method="post" action="${escapeHtml(url.pathname)}">${fields}<button type="submit">${label}</button></form></body></html>`
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // Clicked only by the user, on this app's own page: never framed (clickjacking), no script.
      'content-security-policy': "default-src 'none'; form-action 'self'; frame-ancestors 'none'",
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    },
  })
}
