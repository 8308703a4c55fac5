import { fail, redirect } from '@sveltejs/kit'
import type { Actions, PageServerLoad } from './$types'

/** The connections the page offers; a posted value outside this list is refused. */
const LINKABLE = ['github', 'google-oauth2']

export const load: PageServerLoad = async ({ locals }) => {
  const user = await locals.auth.getUser()
  // Only what the page shows goes to the browser, not every claim of the ID token.
  return { user: user ? { sub: user.sub, name: user.name, email: user.email } : null, linkable: LINKABLE }
}

async function chosenConnection(request: Request): Promise<string | undefined> {
  const connection = (await request.formData()).get('connection')
  return typeof connection === 'string' && LINKABLE.includes(connection) ? connection : undefined
}

export const actions: Actions = {
  link: async ({ locals, request }) => {
    const connection = await chosenConnection(request)
    if (!connection) return fail(400, { error: 'Pick a connection to link' })
    if (!(await locals.auth.getUser())) redirect(303, '/auth/login?returnTo=/')
    redirect(303, await locals.auth.startLinkUser({ connection, appState: { returnTo: '/' } }))
  },
  unlink: async ({ locals, request }) => {
    const connection = await chosenConnection(request)
    if (!connection) return fail(400, { error: 'Pick a connection to unlink' })
    if (!(await locals.auth.getUser())) redirect(303, '/auth/login?returnTo=/')
    redirect(303, await locals.auth.startUnlinkUser({ connection, appState: { returnTo: '/' } }))
  },
}
