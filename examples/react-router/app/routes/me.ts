/** @module What a loader reads with `getUser(request)`/`getSession(request)`, as JSON. */
import { auth } from '../auth.server'

export async function loader({ request }: { request: Request }) {
  const user = await auth.getUser(request)
  const session = await auth.getSession(request)
  return Response.json({ sub: user?.sub ?? null, email: user?.email ?? null, hasTokens: (session?.tokenSets.length ?? 0) > 0 })
}
