/**
 * @module The suggested-linking routes: `GET /auth/link-suggestions` (JSON for the app's own
 * pages) and `POST /auth/link-suggestions/decline` ("Not me"). Both answer only this app's own
 * pages: another site may neither read who else the user is nor make them decline.
 */

import { CrossSiteRequestError, InvalidRequestError } from '../errors.js'
import { json, redirect } from '../responses.js'
import { safeReturnTo } from '../safety.js'
import type { BodyRoute } from './route.js'

/** The decline's form is a field or two; a larger body is refused before it is read whole. */
const MAX_FORM_BYTES = 4 * 1024

async function declineForm(request: Request): Promise<URLSearchParams> {
  const type = request.headers.get('content-type') ?? ''
  if (!type.startsWith('application/x-www-form-urlencoded')) throw new InvalidRequestError('Send the decline as a form (userId, returnTo)')
  if (Number(request.headers.get('content-length') ?? 0) > MAX_FORM_BYTES) throw new InvalidRequestError('The form is too large')
  const text = await request.text()
  if (text.length > MAX_FORM_BYTES) throw new InvalidRequestError('The form is too large')
  return new URLSearchParams(text)
}

/** `GET` → `{ suggestions }`: the session's link suggestions (masked); 401 signed out, 403 from another site. */
export const linkSuggestions: BodyRoute<'linkSuggestions'> = {
  key: 'linkSuggestions',
  methods: ['GET', 'HEAD'],
  crossSite: 'refuse',
  refusal: 'Link suggestions are only for this app’s own pages',
  prefetch: 'answer',
  session: 'optional',
  enabled: (config) => config.suggestions.routes,
  async handle({ storeOptions, client }) {
    const suggestions = await client.getLinkSuggestions(storeOptions)
    return json({ suggestions }, 200, storeOptions.response.headers)
  },
}

/**
 * `POST` form `userId` (a suggestion's masked id) and `returnTo` → 302 to `returnTo` once the
 * decline is remembered. 400 for an id that was never suggested; 403 from another site, or for
 * a POST that says nothing about where it came from (no `Sec-Fetch-Site`, no `Origin`).
 */
export const declineLinkSuggestion: BodyRoute<'declineLinkSuggestion'> = {
  key: 'declineLinkSuggestion',
  methods: ['POST'],
  crossSite: 'refuse',
  refusal: 'A suggestion can only be declined from this app',
  prefetch: 'ignore',
  session: 'optional',
  enabled: (config) => config.suggestions.routes,
  async handle({ request, storeOptions, client, origin }) {
    // Browsers send Origin with every POST; a state change without it cannot prove it is ours.
    if (!request.headers.has('sec-fetch-site') && !request.headers.has('origin')) {
      throw new CrossSiteRequestError('A suggestion can only be declined from this app')
    }
    const form = await declineForm(request)
    await client.declineLinkSuggestion(form.get('userId') ?? '', storeOptions)
    return redirect(new URL(safeReturnTo(form.get('returnTo'), origin), origin), storeOptions.response.headers)
  },
}
