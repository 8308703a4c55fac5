/** @module Link and unlink started by actions, with the transaction cookie on the returned redirect. */
import { Auth0LinkKitError, errorResponse, MissingSessionError } from 'auth0-link-kit'
import { bindAuth } from 'auth0-link-kit/react-router'
import { redirect } from 'react-router'
import { auth, LINKABLE } from '../auth.server'

export async function action({ request, params }: { request: Request; params: { flow?: string } }) {
  const connection = String((await request.formData()).get('connection') ?? '')
  if (!LINKABLE.includes(connection) || (params.flow !== 'link' && params.flow !== 'unlink'))
    return new Response('Bad request', { status: 400 })
  const { auth: requestAuth, headers } = bindAuth(auth, request)
  const options = { connection, appState: { returnTo: '/' } }
  try {
    const url = params.flow === 'link' ? await requestAuth.startLinkUser(options) : await requestAuth.startUnlinkUser(options)
    return redirect(url.href, { status: 303, headers })
  } catch (error) {
    if (error instanceof MissingSessionError) return redirect('/auth/login?returnTo=/', 303)
    // A form another site posted is refused by startLinkUser itself (CrossSiteRequestError, 403).
    if (error instanceof Auth0LinkKitError) return errorResponse(error, request)
    throw error
  }
}
