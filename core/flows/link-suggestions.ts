/**
 * @module Suggested linking: the other Auth0 users with the signed-in user's verified email
 * (`GET /api/v2/users-by-email`), masked for display and cached per session, and the "Not me"
 * declines that keep a suggestion from coming back.
 */

import {
  ConfigurationError,
  InvalidRequestError,
  ManagementApiError,
  SuggestionMismatchError,
  SuggestionUnavailableError,
} from '../errors.js'
import type { Identity, ManagementUserRecord } from '../management-api.js'
import type { AuthorizationParameters } from '../options.js'
import type { SessionData } from '../session.js'
import type { StoreOptions } from '../stores.js'
import type { SuggestedLink } from '../suggestions.js'
import type { FlowContext } from './context.js'
import { startLink } from './link.js'
import { cacheKey, cacheOf, forgetLinkSuggestions, type ResolvedSuggestion } from './link-suggestion-cache.js'

export type { ResolvedSuggestion } from './link-suggestion-cache.js'

/**
 * Sessions whose suggestions are kept at once per instance. The oldest entry goes first, so a
 * flood of sessions costs memory only up to this bound.
 */
const MAX_CACHED_SESSIONS = 1000

/** Declines remembered per user in `app_metadata.link_kit.declined`; the oldest go first beyond this. */
const MAX_DECLINES = 100

/** A masked id is the handle of a suggestion in forms; anything longer is not one of ours. */
const MAX_MASKED_ID_LENGTH = 300

/**
 * The email suggestions are looked up by: only one Auth0 (or the identity provider) says the
 * user proved they own. An unverified email could be anyone's, and suggesting accounts by it is
 * how auto-linking by email has handed accounts to attackers.
 */
function verifiedEmail(session: SessionData): string | undefined {
  const { email, email_verified } = session.user
  return email_verified === true && typeof email === 'string' && email !== '' ? email : undefined
}

function declinedIn(appMetadata: Record<string, unknown> | undefined): string[] {
  const linkKit = appMetadata?.link_kit
  if (linkKit === null || typeof linkKit !== 'object') return []
  const declined = (linkKit as { declined?: unknown }).declined
  return Array.isArray(declined) ? declined.filter((id): id is string => typeof id === 'string') : []
}

/** Already one of the session user's identities: Auth0 merged it, so it is not a user to suggest. */
function alreadyLinked(user: ManagementUserRecord, own: readonly Identity[]): boolean {
  const primary = user.identities[0]
  return primary !== undefined && own.some((identity) => identity.provider === primary.provider && identity.user_id === primary.user_id)
}

/**
 * `provider|…tail`: enough to tell two suggestions apart, not enough to name the account. The
 * tail grows only when two suggestions would otherwise look the same.
 */
function maskedIds(userIds: readonly string[]): string[] {
  for (let tail = 4; tail <= 12; tail += 2) {
    const masked = userIds.map((userId) => {
      const bar = userId.indexOf('|')
      const provider = bar > 0 ? userId.slice(0, bar) : 'user'
      return `${provider}|…${userId.slice(Math.max(bar + 1, userId.length - tail))}`
    })
    if (new Set(masked).size === masked.length) return masked
  }
  // Ids this alike are not Auth0's; number them rather than reveal more.
  return userIds.map((_, index) => `user|…${index + 1}`)
}

async function fetchSuggestions(context: FlowContext, session: SessionData, email: string, signal?: AbortSignal) {
  const { store } = context.config.suggestions
  const sub = session.user.sub
  // The session's own record comes back in the same answer; its app_metadata holds the declines.
  const fields = ['user_id', 'email_verified', 'identities', 'last_login', ...(store ? [] : ['app_metadata'])]
  let users: ManagementUserRecord[]
  try {
    users = await context.managementApi.getUsersByEmail(email, fields, signal)
  } catch (error) {
    // Rate limited: suggestions are a nicety, so the page shows none rather than an error.
    if (error instanceof ManagementApiError && error.upstreamStatus === 429) return []
    throw error
  }
  const others = users.filter((user) => user.userId !== sub && user.emailVerified && user.identities.length > 0)
  if (others.length === 0) return []
  const own =
    users.find((user) => user.userId === sub) ??
    (await context.managementApi.readUser(sub, ['user_id', 'identities', ...(store ? [] : ['app_metadata'])], signal))
  const declined = new Set(store ? await store.get(sub) : declinedIn(own.appMetadata))
  const suggested = others.filter((user) => !declined.has(user.userId) && !alreadyLinked(user, own.identities))
  const masks = maskedIds(suggested.map((user) => user.userId))
  return suggested.map((user, index): ResolvedSuggestion => {
    // The filter above kept only users with a primary identity.
    const primary = user.identities[0] as Identity
    return {
      userId: user.userId,
      suggestion: { connection: primary.connection, provider: primary.provider, userId: masks[index] as string, lastLogin: user.lastLogin },
    }
  })
}

/**
 * The session's link suggestions: other users with the same email, only when the session's
 * email is verified and theirs is too, never the session's own user, one already linked to it,
 * or one the user declined. Cached per session for `suggestions.cacheSeconds`; a Management API
 * 429 yields none (and is cached too, so a rate-limited tenant is not asked on every page view).
 *
 * @throws {ManagementApiError} when Auth0 refuses (403: the grant lacks `read:users`) or fails.
 * @throws {TimeoutError} when Auth0 did not answer in time.
 * @see [Retrieve users with the users-by-email endpoint](https://auth0.com/docs/manage-users/user-search/retrieve-users-with-get-users-by-email-endpoint)
 * @see [User account linking](https://auth0.com/docs/manage-users/user-accounts/user-account-linking)
 */
export async function linkSuggestions(context: FlowContext, session: SessionData, signal?: AbortSignal): Promise<ResolvedSuggestion[]> {
  const email = verifiedEmail(session)
  if (email === undefined) return []
  const cache = cacheOf(context)
  const key = cacheKey(context, session)
  const cached = cache.get(key)
  if (cached && cached.expiresAt > Date.now()) return cached.suggestions
  const suggestions = await fetchSuggestions(context, session, email, signal)
  cache.delete(key)
  if (cache.size >= MAX_CACHED_SESSIONS) {
    const oldest = cache.keys().next()
    if (!oldest.done) cache.delete(oldest.value)
  }
  cache.set(key, { expiresAt: Date.now() + context.config.suggestions.cacheSeconds * 1000, suggestions })
  return suggestions
}

function checkedMaskedId(maskedUserId: unknown): string {
  if (typeof maskedUserId !== 'string' || maskedUserId === '' || maskedUserId.length > MAX_MASKED_ID_LENGTH) {
    throw new InvalidRequestError('userId must be the userId of one of your link suggestions')
  }
  return maskedUserId
}

/**
 * The suggestion `maskedUserId` names, looked up afresh (not from the cache), so one that was
 * deleted or linked elsewhere since it was shown is refused before the user signs into anything.
 *
 * @throws {InvalidRequestError} when `maskedUserId` is not a string of a masked id's shape.
 * @throws {SuggestionUnavailableError} when it is not (or no longer) one of the session's suggestions.
 */
export async function currentLinkSuggestion(
  context: FlowContext,
  session: SessionData,
  maskedUserId: unknown,
  signal?: AbortSignal,
): Promise<ResolvedSuggestion> {
  const masked = checkedMaskedId(maskedUserId)
  forgetLinkSuggestions(context, session)
  const found = (await linkSuggestions(context, session, signal)).find((entry) => entry.suggestion.userId === masked)
  if (!found) throw new SuggestionUnavailableError('That account is not (or no longer) one of your link suggestions')
  return found
}

/**
 * "Not me": remembers that the user declined the suggestion `maskedUserId` (in the app's
 * `suggestions.store`, else in their `app_metadata.link_kit.declined` with
 * `PATCH /api/v2/users/{id}`), so it is not suggested again.
 *
 * @throws {InvalidRequestError} (400) when `maskedUserId` was never suggested to this session.
 * @throws {ManagementApiError} when Auth0 refuses the update (403: the grant lacks `update:users`).
 * @see [Manage metadata with the Management API](https://auth0.com/docs/manage-users/user-accounts/metadata/manage-metadata-api)
 */
export async function declineLinkSuggestion(
  context: FlowContext,
  session: SessionData,
  maskedUserId: unknown,
  signal?: AbortSignal,
): Promise<void> {
  const masked = checkedMaskedId(maskedUserId)
  const found = (await linkSuggestions(context, session, signal)).find((entry) => entry.suggestion.userId === masked)
  if (!found) throw new InvalidRequestError('That account was not suggested to you')
  const sub = session.user.sub
  const { store } = context.config.suggestions
  if (store) {
    await store.add(sub, found.userId)
  } else {
    // Read just before writing: app_metadata merges only at its top level, so `link_kit` is
    // sent whole and must carry whatever else is in it.
    const { appMetadata } = await context.managementApi.readUser(sub, ['user_id', 'app_metadata'], signal)
    const linkKit = appMetadata?.link_kit
    const kept = linkKit !== null && typeof linkKit === 'object' && !Array.isArray(linkKit) ? (linkKit as Record<string, unknown>) : {}
    const declined = [...declinedIn(appMetadata).filter((id) => id !== found.userId), found.userId].slice(-MAX_DECLINES)
    await context.managementApi.updateUser(sub, { app_metadata: { link_kit: { ...kept, declined } } }, signal)
  }
  forgetLinkSuggestions(context, session)
}

/** What a link start needs to link a suggestion: the connection, the hint, and what to check on return. */
export interface SuggestedLinkStart {
  connection: string
  /** Auth0's `login_hint`: the shared email, so the provider offers the right account. */
  loginHint: string
  suggested: SuggestedLink
}

/**
 * Resolves a suggestion for a link start (fresh from Auth0: one deleted or linked elsewhere
 * since it was shown is refused here, before the user signs into anything).
 *
 * @throws {InvalidRequestError} for a malformed id or `primary`.
 * @throws {SuggestionUnavailableError} when it is not (or no longer) one of the session's suggestions.
 */
export async function suggestedLinkStart(
  context: FlowContext,
  session: SessionData,
  maskedUserId: unknown,
  primary: unknown,
  signal?: AbortSignal,
): Promise<SuggestedLinkStart> {
  if (primary !== undefined && primary !== 'current' && primary !== 'other') {
    throw new InvalidRequestError("primary must be 'current' or 'other'")
  }
  // Only a link the kit applies itself can check who signed in before anything is linked.
  if (context.config.linking.strategy !== 'management-api') {
    throw new ConfigurationError('linking.strategy', "must be 'management-api' to link a suggestion")
  }
  const found = await currentLinkSuggestion(context, session, maskedUserId, signal)
  // A suggestion exists only for a verified email, so the session has one.
  const loginHint = String(session.user.email)
  return {
    connection: found.suggestion.connection,
    loginHint,
    suggested: { userId: found.userId, primary: primary ?? 'current' },
  }
}

/**
 * The completion's check: the sign-in came back as exactly the suggested user. Another account
 * of the same provider (a second Google account), or the suggested identity now linked into
 * someone else (Auth0 then signs in as that user), is refused before anything is changed.
 *
 * @throws {SuggestionMismatchError} when `signedInSub` is not the suggested user.
 */
export function checkSuggestedSignIn(suggested: SuggestedLink, signedInSub: string): void {
  if (signedInSub !== suggested.userId) {
    throw new SuggestionMismatchError('The sign-in came back as another account than the one suggested; nothing was linked')
  }
}

/** What {@link startSuggestedLink} needs besides the session. */
export interface SuggestedLinkRequest {
  /** The suggestion's masked `userId`. */
  suggestion: unknown
  primary?: unknown
  authorizationParams?: AuthorizationParameters | undefined
  appState?: unknown
  pushedAuthorizationRequests?: boolean | undefined
}

/**
 * Starts linking a suggestion: the ordinary Management API link (DESIGN §15) into the
 * suggestion's connection, with the shared email as `login_hint`, and the suggested user recorded
 * in the transaction for the completion to check.
 *
 * @throws as {@link suggestedLinkStart} and `startLink`.
 */
export async function startSuggestedLink(
  context: FlowContext,
  session: SessionData,
  request: SuggestedLinkRequest,
  storeOptions: StoreOptions,
): Promise<URL> {
  const { connection, loginHint, suggested } = await suggestedLinkStart(
    context,
    session,
    request.suggestion,
    request.primary,
    storeOptions.request.signal,
  )
  // The hint steers the provider to the suggested account; the check on return is what counts.
  const authorizationParams = { ...request.authorizationParams, login_hint: loginHint }
  const { appState, pushedAuthorizationRequests } = request
  return startLink(context, { session, connection, authorizationParams, appState, pushedAuthorizationRequests, suggested }, storeOptions)
}
