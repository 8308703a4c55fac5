import { createNextAuth } from 'auth0-link-kit/next'

// AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, AUTH0_SECRET and APP_BASE_URL are read at
// the first request, not at `next build`: one build runs against any tenant. `npm run
// example:next` points them at the built-in emulator unless you set them to your tenant.
export const nextAuth = createNextAuth()

/** The connections the page offers to link; anything else a form posts is refused. */
export const LINKABLE = ['github', 'google-oauth2'] as const

export function isLinkable(connection: unknown): connection is (typeof LINKABLE)[number] {
  return typeof connection === 'string' && (LINKABLE as readonly string[]).includes(connection)
}
