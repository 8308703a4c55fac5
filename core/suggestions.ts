/**
 * @module What a link suggestion is, and the options of suggested linking: how long suggestions
 * are cached and where declines are remembered.
 */

/**
 * Another Auth0 user with the signed-in user's (verified) email: an account they may have made
 * twice. Only what a "Link it?" card needs; no other profile data of that user.
 *
 * @example
 * ```ts
 * const [suggestion] = await auth.client.getLinkSuggestions({ request, response })
 * if (suggestion) console.log(`You also have an account that signed in with ${suggestion.provider}`) // google-oauth2
 * ```
 */
export interface LinkSuggestion {
  /** The Auth0 connection of that account's primary identity, e.g. `google-oauth2`. */
  connection: string
  /** Its identity provider, e.g. `google-oauth2`, `github`, `auth0`. */
  provider: string
  /**
   * The account's user id, masked for display (`google-oauth2|…4f2a`). It names the suggestion
   * to `startLinkUser({ suggestion })` and `declineLinkSuggestion`; the real id never leaves the server.
   */
  userId: string
  /** When that account last signed in (ISO 8601), if Auth0 recorded it. */
  lastLogin: string | undefined
}

/**
 * A link of a suggestion as its transaction records it (encrypted): the suggested user's real
 * id, which the sign-in must come back as, and which side stays the primary.
 *
 * @example
 * ```ts
 * const suggested: SuggestedLink = { userId: 'google-oauth2|109876543210987654321', primary: 'current' }
 * ```
 */
export interface SuggestedLink {
  userId: string
  /** `'current'`: the signed-in user stays primary. `'other'`: the suggested user becomes it. */
  primary: 'current' | 'other'
}

/**
 * Where declined suggestions are remembered, instead of the user's
 * `app_metadata.link_kit.declined` at Auth0. Ids are real Auth0 user ids.
 *
 * @example
 * ```ts
 * const declined = new Map<string, Set<string>>()
 * const store: DeclinedSuggestionStore = {
 *   get: async (userId) => [...(declined.get(userId) ?? [])],
 *   add: async (userId, declinedUserId) => {
 *     declined.set(userId, new Set([...(declined.get(userId) ?? []), declinedUserId]))
 *   },
 * }
 * ```
 */
export interface DeclinedSuggestionStore {
  /** The user ids `userId` said "Not me" to. */
  get(userId: string): Promise<readonly string[]>
  /** Remember that `userId` said "Not me" to `declinedUserId`. */
  add(userId: string, declinedUserId: string): Promise<void>
}

/**
 * Suggested linking (`getLinkSuggestions`, the `/auth/link-suggestions` routes). Needs the
 * Management API grant with `read:users` (and `update:users` for declines kept at Auth0).
 *
 * @example
 * ```ts
 * const auth = createAuth({ domain, clientId, clientSecret, secret, appBaseUrl, suggestions: { enabled: true, cacheSeconds: 30 } })
 * ```
 */
export interface LinkSuggestionsOptions {
  /** Answer `GET /auth/link-suggestions` and `POST /auth/link-suggestions/decline`. Default `false`. */
  enabled?: boolean
  /** How long one session's suggestions are kept in memory, so a page view is not a Management API call. Default 60. */
  cacheSeconds?: number
  /** Where declines are remembered; default the user's `app_metadata.link_kit.declined` at Auth0. */
  store?: DeclinedSuggestionStore
}
