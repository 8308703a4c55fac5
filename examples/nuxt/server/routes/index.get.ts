/** @module The example's page: the signed-in user, their identities and the link/unlink buttons. */

import { useAuth } from 'auth0-link-kit/nuxt'
import { defineEventHandler, setResponseHeaders } from 'h3'
import { renderPage } from '../../../demo/page.js'
import { LINKABLE } from '../utils/auth'

export default defineEventHandler(async (event) => {
  const user = await useAuth(event).getUser()
  setResponseHeaders(event, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
  return renderPage({ user, linkable: LINKABLE, mode: process.env.EXAMPLE_MODE ?? `tenant ${process.env.AUTH0_DOMAIN}` })
})
