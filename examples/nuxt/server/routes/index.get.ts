/** @module The example's page: the signed-in user, their identities and connected accounts, and the buttons that change them. */

import { useAuth } from 'auth0-link-kit/nuxt'
import { defineEventHandler, setResponseHeaders } from 'h3'
import { connectedAccountsOf, identitiesOf, renderPage } from '../../../demo/page.js'
import { CONNECTABLE, LINKABLE } from '../utils/auth'

export default defineEventHandler(async (event) => {
  const auth = useAuth(event)
  const user = await auth.getUser()
  const identities = user ? await identitiesOf(() => auth.getIdentities()) : {}
  const connected = user ? await connectedAccountsOf(() => auth.listConnectedAccounts({})) : {}
  setResponseHeaders(event, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
  return renderPage({
    user,
    ...identities,
    ...connected,
    linkable: LINKABLE,
    connectable: CONNECTABLE,
    tokenButton: false,
    mode: process.env.EXAMPLE_MODE ?? `tenant ${process.env.AUTH0_DOMAIN}`,
  })
})
