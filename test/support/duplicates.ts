import type { Auth0EmulatorOptions } from '../../testing/index.js'

/** Bob's second account: Google, same email, verified, with settings of its own. */
export const BOB_GOOGLE = 'google-oauth2|109876543210987654321'
/** Another account with Bob's email whose email nobody verified: never suggested. */
export const BOB_GITHUB_UNVERIFIED = 'github|5550002468'
/** Carol's own email is unverified, so nothing is suggested to her. */
export const CAROL_GOOGLE = 'google-oauth2|209876543210987654321'

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
]
