/** @module A page only signed-in users see: others go to the login route and come back. */

import { useAuth } from 'auth0-link-kit/nuxt'
import { defineEventHandler, getRequestURL, sendRedirect, setResponseHeader } from 'h3'
import { esc } from '../../../demo/page.js'

export default defineEventHandler(async (event) => {
  const user = await useAuth(event).getUser()
  if (!user) {
    setResponseHeader(event, 'cache-control', 'no-store')
    return sendRedirect(event, `/auth/login?returnTo=${encodeURIComponent(getRequestURL(event).pathname)}`, 302)
  }
  setResponseHeader(event, 'content-type', 'text/html; charset=utf-8')
  return `<!doctype html><title>Account</title><p>Account of ${esc(user.email)}</p>`
})
