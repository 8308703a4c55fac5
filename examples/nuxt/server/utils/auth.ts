/** @module The example's one auth instance, built from process.env on first use (never at build time). */
import type { Auth } from 'auth0-link-kit'
import { createAuth } from 'auth0-link-kit/nuxt'

let auth: Auth<unknown> | undefined

/** The auth instance: AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, AUTH0_SECRET, APP_BASE_URL from the environment. */
export function getAuth(): Auth<unknown> {
  auth ??= createAuth({ connectedAccounts: { enabled: true } })
  return auth
}

export const LINKABLE = ['github', 'google-oauth2']
/** What the page offers to connect (Connected Accounts): Google with read access to the user's calendar. */
export const CONNECTABLE = [
  { connection: 'google-oauth2', label: 'Google Calendar', scopes: ['openid', 'https://www.googleapis.com/auth/calendar.readonly'] },
]
