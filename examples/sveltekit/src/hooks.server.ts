import { type Handle, redirect } from '@sveltejs/kit'
import { sequence } from '@sveltejs/kit/hooks'
import { auth0Handle, createAuth } from 'auth0-link-kit/sveltekit'
import { env } from '$env/dynamic/private'

// AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, AUTH0_SECRET and APP_BASE_URL, read at run
// time; a missing one fails with a ConfigurationError naming the option. `npm run
// example:sveltekit` points them at the built-in emulator unless you set them to your tenant.
const auth = createAuth({}, env)

/** Runs after auth0Handle, so `locals.auth` is there: pages under /account need a session. */
const requireSession: Handle = async ({ event, resolve }) => {
  if (event.url.pathname.startsWith('/account') && !(await event.locals.auth.getUser())) {
    redirect(303, `/auth/login?returnTo=${encodeURIComponent(event.url.pathname)}`)
  }
  return resolve(event)
}

export const handle = sequence(auth0Handle(auth), requireSession)
