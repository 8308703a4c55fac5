/** @module What Astro.locals.auth reads, as JSON. */
import type { APIRoute } from 'astro'

export const GET: APIRoute = async ({ locals }) => {
  const user = await locals.auth.getUser()
  const session = await locals.auth.getSession()
  return Response.json({ sub: user?.sub ?? null, email: user?.email ?? null, hasTokens: (session?.tokenSets.length ?? 0) > 0 })
}
