/**
 * @module The suggested-linking routes: `GET /auth/link-suggestions` (JSON for the app's own
 * pages) and `POST /auth/link-suggestions/decline` ("Not me"). Both answer only this app's own
 * pages: another site may neither read who else the user is nor make them decline.
 */

import { CrossSiteRequestError, InvalidRequestError } from '../errors.js'
import { empty, json, redirect } from '../responses.js'
import { isCrossSite, safeReturnTo } from '../safety.js'
import type { ServerClient } from '../server-client.js'
import type { StoreOptions } from '../stores.js'

/** A route body as `createAuth` wraps it: cookies go to `storeOptions.response.headers`, a throw becomes the error answer. */
export type LinkSuggestionsRouteBody = (request: Request, storeOptions: StoreOptions) => Promise<Response>

/** The forms of the decline route are a field or two; a larger body is refused before it is read whole. */
const MAX_FORM_BYTES = 4 * 1024

/**
 * `GET` → `{ suggestions }`: the session's link suggestions (masked), 401 when signed out, 403
 * for any request another site started.
 */
export function linkSuggestionsRoute(client: ServerClient<unknown>, originOf: (request: Request) => URL): LinkSuggestionsRouteBody {
  return async (request, storeOptions) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return empty(405, new Headers({ allow: 'GET, HEAD' }))
    if (isCrossSite(request, originOf(request))) throw new CrossSiteRequestError('Link suggestions are only for this app’s own pages')
    const suggestions = await client.getLinkSuggestions(storeOptions)
    return json({ suggestions }, 200, storeOptions.response.headers)
  }
}

async function declineForm(request: Request): Promise<URLSearchParams> {
  const type = request.headers.get('content-type') ?? ''
  if (!type.startsWith('application/x-www-form-urlencoded')) throw new InvalidRequestError('Send the decline as a form (userId, returnTo)')
  if (Number(request.headers.get('content-length') ?? 0) > MAX_FORM_BYTES) throw new InvalidRequestError('The form is too large')
  const text = await request.text()
  if (text.length > MAX_FORM_BYTES) throw new InvalidRequestError('The form is too large')
  return new URLSearchParams(text)
}

/**
 * `POST` form `userId` (a suggestion's masked id) and `returnTo` → 302 to `returnTo` once the
 * decline is remembered. 400 for an id that was never suggested, 403 for a request another
 * site started or one that says nothing about where it came from (no `Sec-Fetch-Site`, no `Origin`).
 */
export function declineLinkSuggestionRoute(client: ServerClient<unknown>, originOf: (request: Request) => URL): LinkSuggestionsRouteBody {
  return async (request, storeOptions) => {
    if (request.method !== 'POST') return empty(405, new Headers({ allow: 'POST' }))
    const origin = originOf(request)
    // Browsers send Origin with every POST; a state change without it cannot prove it is ours.
    const vouched = request.headers.has('sec-fetch-site') || request.headers.has('origin')
    if (!vouched || isCrossSite(request, origin)) throw new CrossSiteRequestError('A suggestion can only be declined from this app')
    const form = await declineForm(request)
    await client.declineLinkSuggestion(form.get('userId') ?? '', storeOptions)
    return redirect(new URL(safeReturnTo(form.get('returnTo'), origin), origin), storeOptions.response.headers)
  }
}
