/** @module Link and unlink started by app code; the middleware puts the transaction cookie on the redirect. */

import type { APIRoute } from 'astro'
import { MissingSessionError } from 'auth0-link-kit'
import { LINKABLE } from '../../auth'

// Cross-site posts never get here: Astro's security.checkOrigin answers them with 403.
export const POST: APIRoute = async ({ locals, params, request, redirect }) => {
  const connection = String((await request.formData()).get('connection') ?? '')
  if (!LINKABLE.includes(connection) || (params.flow !== 'link' && params.flow !== 'unlink'))
    return new Response('Bad request', { status: 400 })
  const options = { connection, appState: { returnTo: '/' } }
  try {
    const url = params.flow === 'link' ? await locals.auth.startLinkUser(options) : await locals.auth.startUnlinkUser(options)
    return redirect(url.href, 303)
  } catch (error) {
    if (error instanceof MissingSessionError) return redirect('/auth/login?returnTo=/', 303)
    throw error
  }
}
