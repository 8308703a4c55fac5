/** @module The example's page: the signed-in user, their identities and connected accounts, and the buttons that change them. */

import { useAuth } from 'auth0-link-kit/nuxt'
import { defineEventHandler, setResponseHeaders } from 'h3'
import { renderPage } from '../../../demo/page.js'
import { CONNECTABLE, LINKABLE } from '../utils/auth'

/** What the page shows when Auth0 could not be asked (a missing grant on a real tenant, say). */
const problemOf = (error: unknown) => ({
  code: typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : 'internal_error',
  message: error instanceof Error ? error.message : 'failed',
})

export default defineEventHandler(async (event) => {
  const auth = useAuth(event)
  const user = await auth.getUser()
  const identities = user
    ? await auth.getIdentities().then(
        (identities) => ({ identities }),
        (error) => ({ identitiesProblem: problemOf(error) }),
      )
    : {}
  const connected = user
    ? await auth.listConnectedAccounts({}).then(
        (connectedAccounts) => ({ connectedAccounts }),
        (error) => ({ connectedProblem: problemOf(error) }),
      )
    : {}
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
