import type { Auth0EmulatorOptions } from '../../testing/index.js'

/** Bob's second account: Google, same email, verified, with settings of its own. */
export const BOB_GOOGLE = 'google-oauth2|109876543210987654321'
/** Another account with Bob's email whose email nobody verified: never suggested. */
export const BOB_GITHUB_UNVERIFIED = 'github|5550002468'
/** Carol's own email is unverified, so nothing is suggested to her. */
export const CAROL_GOOGLE = 'google-oauth2|209876543210987654321'

/** A Google account of someone else: signing into it instead of Bob's must link nothing. */
export const OTHER_GOOGLE = 'google-oauth2|309876543210987654321'

/** A tenant where Bob signed up twice (password and Google) and Carol's email is unverified. */
export const DUPLICATE_USERS: NonNullable<Auth0EmulatorOptions['users']> = [
  {
    user_id: 'auth0|bob',
    email: 'bob@example.com',
    name: 'Bob Example',
    user_metadata: { theme: 'light' },
    app_metadata: { plan: 'pro', link_kit: { note: 'kept' } },
  },
  {
    user_id: BOB_GOOGLE,
    email: 'bob@example.com',
    name: 'Bob G',
    email_verified: true,
    last_login: '2026-11-01T10:00:00.000Z',
    user_metadata: { theme: 'dark', locale: 'de' },
    app_metadata: { roles: ['admin'] },
  },
  { user_id: BOB_GITHUB_UNVERIFIED, email: 'bob@example.com', name: 'bob-gh', email_verified: false },
  { user_id: 'auth0|carol', email: 'carol@example.com', name: 'Carol', email_verified: false },
  { user_id: CAROL_GOOGLE, email: 'carol@example.com', name: 'Carol G', email_verified: true },
  { user_id: OTHER_GOOGLE, email: 'someone.else@example.com', name: 'Someone Else' },
]

/** A Management API call as another app of the tenant would make it (client credentials). */
export async function managementCall(
  emulator: { origin: string; clientId: string; clientSecret: string; fetch: typeof fetch },
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  const tokenResponse = await emulator.fetch(`${emulator.origin}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: emulator.clientId,
      client_secret: emulator.clientSecret,
      audience: `${emulator.origin}/api/v2/`,
    }),
  })
  const { access_token } = (await tokenResponse.json()) as { access_token: string }
  return emulator.fetch(`${emulator.origin}/api/v2/${path}`, {
    method,
    headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
}
