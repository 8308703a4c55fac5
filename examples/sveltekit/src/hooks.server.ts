import { env } from '$env/dynamic/private'
import { createAuth } from 'auth0-link-kit'
import { auth0Handle } from 'auth0-link-kit/sveltekit'

// A missing AUTH0_* variable fails here with a ConfigurationError naming the option. `npm run
// example:sveltekit` sets them to the built-in emulator unless you set them to your tenant.
const auth = createAuth({
  domain: env.AUTH0_DOMAIN ?? '',
  clientId: env.AUTH0_CLIENT_ID ?? '',
  clientSecret: env.AUTH0_CLIENT_SECRET ?? '',
  secret: env.AUTH0_SECRET ?? '',
  appBaseUrl: env.APP_BASE_URL || undefined,
})

export const handle = auth0Handle(auth)
