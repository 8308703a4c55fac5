/** @module The link and unlink buttons' handlers: a redirect that carries the transaction cookie. */

import { Auth0LinkKitError, errorResponse } from 'auth0-link-kit'
import { useAuth } from 'auth0-link-kit/nuxt'
import { createError, type H3Event, readBody, sendRedirect, toWebRequest } from 'h3'
import { LINKABLE } from './auth'

/** The posted connection, one of the linkable ones. */
export async function postedConnection(event: H3Event): Promise<string> {
  const body = (await readBody<Record<string, string> | undefined>(event)) ?? {}
  if (!LINKABLE.includes(body.connection ?? '')) throw createError({ statusCode: 400, statusMessage: 'connection is required' })
  return body.connection as string
}

/** Starts a link or unlink for the posted connection and redirects to Auth0 (303, so the browser GETs it). */
export async function startFlow(event: H3Event, flow: 'link' | 'unlink') {
  const connection = await postedConnection(event)
  // biome-ignore lint/correctness/useHookAtTopLevel: useAuth(event) is a Nitro server util named as Nuxt names them, not a React hook.
  const auth = useAuth(event)
  const options = { connection, appState: { returnTo: '/' } }
  try {
    const url = flow === 'link' ? await auth.startLinkUser(options) : await auth.startUnlinkUser(options)
    return sendRedirect(event, url.href, 303)
  } catch (error) {
    // A form another site posted is refused by startLinkUser itself (CrossSiteRequestError, 403).
    if (error instanceof Auth0LinkKitError) return errorResponse(error, toWebRequest(event))
    throw error
  }
}
