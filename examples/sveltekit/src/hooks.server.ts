import { env } from '$env/dynamic/private'
import { auth0Handle, createAuth } from 'auth0-link-kit/sveltekit'

// AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, AUTH0_SECRET and APP_BASE_URL, read at run
// time; a missing one fails with a ConfigurationError naming the option. `npm run
// example:sveltekit` points them at the built-in emulator unless you set them to your tenant.
const auth = createAuth({}, env)

export const handle = auth0Handle(auth)
