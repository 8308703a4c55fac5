/** @module The link and unlink buttons' handlers: same-site forms only, then a redirect that carries the transaction cookie. */

import { useAuth } from 'auth0-link-kit/nuxt'
import { createError, getRequestHeader, getRequestURL, type H3Event, readBody, sendRedirect } from 'h3'
import { LINKABLE } from './auth'

/** Refuses a form another site posted (the auth routes check this themselves); returns the posted connection. */
export async function postedConnection(event: H3Event): Promise<string> {
  const site = getRequestHeader(event, 'sec-fetch-site')
  const origin = getRequestHeader(event, 'origin')
  if (site === 'cross-site' || site === 'same-site' || (origin && origin !== getRequestURL(event).origin)) {
    throw createError({ statusCode: 403, statusMessage: 'Forbidden: cross-site request' })
  }
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
  const url = flow === 'link' ? await auth.startLinkUser(options) : await auth.startUnlinkUser(options)
  return sendRedirect(event, url.href, 303)
}
