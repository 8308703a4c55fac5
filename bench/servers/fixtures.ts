import { type Auth, createAuth } from '../../core/index.js'
import { createLinkKit, linkKitOptions } from '../contenders.js'
import { signIn } from '../flows.js'
import { BenchTenant } from '../tenant.js'

/** The body of the no-crypto route (and of the bare servers). */
export const FIXED_BODY = 'ok'

/** A signed-in user's `Cookie` header and an `auth` that reads it, against an in-process tenant. */
export async function sessionFixture(): Promise<{ tenant: BenchTenant; auth: Auth; cookie: string }> {
  const tenant = await BenchTenant.create()
  const jar = await signIn(createLinkKit(tenant), tenant)
  const auth = createAuth(linkKitOptions(tenant))
  return { tenant, auth, cookie: jar.cookieHeader() }
}

/** The session-read route: the user's id, or 401 (so a failed read shows up as non-2xx). */
export function sessionResponse(session: { user: { sub: string } } | undefined): Response {
  return session ? new Response(session.user.sub) : new Response('signed out', { status: 401 })
}

/** What a server prints on stdout once it listens: the parent reads this one JSON line. */
export interface ServerReady {
  port: number
  cookie: string
}
