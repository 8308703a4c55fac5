/** @module What `useAuth(event)` reads, as JSON. */

import { useAuth } from 'auth0-link-kit/nuxt'
import { defineEventHandler } from 'h3'

export default defineEventHandler(async (event) => {
  const auth = useAuth(event)
  const user = await auth.getUser()
  const session = await auth.getSession()
  return { sub: user?.sub ?? null, email: user?.email ?? null, hasTokens: (session?.tokenSets.length ?? 0) > 0 }
})
