import { error } from '@sveltejs/kit'
import type { PageServerLoad } from './$types'

// The hook already sent signed-out visitors to sign in.
export const load: PageServerLoad = async ({ locals }) => {
  const session = await locals.auth.getSession()
  if (!session) error(401, 'Not signed in')
  return {
    sub: session.user.sub,
    signedInAt: new Date(session.internal.createdAt * 1000).toISOString(),
    audiences: session.tokenSets.map((set) => set.audience),
  }
}
