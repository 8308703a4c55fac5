/**
 * @module Linking a suggestion with `primary: 'other'`: the suggested account the user just
 * signed into becomes the primary, the signed-in user its secondary, and the session becomes
 * the new primary's once Auth0 confirmed the link.
 */

import type * as oauth from 'oauth4webapi'
import { IdentityAlreadyLinkedError, UserMismatchError } from '../errors.js'
import { linkedIdentity } from '../management-api.js'
import type { LinkedIdentity } from '../options.js'
import { applyTokenResponse, type SessionData, userFromIdTokenClaims } from '../session.js'
import type { AuthorizeTransactionData, StoreOptions } from '../stores.js'
import type { FlowContext } from './context.js'
import { forgetLinkSuggestions } from './link-suggestion-cache.js'
import { mergeMetadataBeforeLink } from './merge-metadata.js'

/** A §15 sign-in whose ID token was verified (signature, `iss`, `aud`, `nonce`, `auth_time`). */
export interface VerifiedSignIn {
  idToken: string
  claims: oauth.IDToken
  tokens: oauth.TokenEndpointResponse
}

/**
 * Links the session's user into the suggested user it just signed in as (`claims.sub`, already
 * checked to be the suggested one): the metadata merge onto the new primary, then
 * `POST /api/v2/users/{suggested}/identities` with the session user's primary identity
 * (`provider` + `user_id`; its ID token may be too old for `link_with`). Only then is the session
 * replaced by one made from this sign-in: the old `sub` no longer exists as a user at Auth0.
 * The caller runs `onLink` with both ids.
 *
 * @throws {IdentityAlreadyLinkedError} when the session's user owns linked identities of its
 *   own: Auth0 cannot link such a user as a secondary (keep it primary instead).
 * @throws {MetadataMergeError} / {ManagementApiError} / {TimeoutError}; nothing is linked and the
 *   session is unchanged when these are thrown.
 * @see [Management API: Link a user account](https://auth0.com/docs/api/management/v2/users/post-identities)
 */
export async function linkIntoSuggested(
  context: FlowContext,
  transaction: AuthorizeTransactionData,
  session: SessionData,
  signIn: VerifiedSignIn,
  storeOptions: StoreOptions,
): Promise<{ session: SessionData; identity: LinkedIdentity }> {
  const { managementApi } = context
  const { signal } = storeOptions.request
  const newPrimary = signIn.claims.sub
  const current = await managementApi.getUser(session.user.sub, signal)
  const [first] = current.identities
  if (!first) throw new UserMismatchError('The signed-in user has no identities to link; nothing was linked')
  if (current.identities.length > 1) {
    throw new IdentityAlreadyLinkedError(
      'This account has linked identities of its own, which Auth0 cannot link as a secondary: link the suggestion with this account as the primary; nothing was linked',
    )
  }
  await mergeMetadataBeforeLink(context, newPrimary, session.user.sub, signal)
  await managementApi.linkIdentity(newPrimary, { provider: first.provider, userId: first.user_id }, signal)
  forgetLinkSuggestions(context, session)
  // Auth0 confirmed: the session's old user is now an identity of the new primary.
  let { session: next } = applyTokenResponse(undefined, signIn.tokens, signIn.claims, transaction.audience)
  if (context.config.beforeSessionSaved) next = await context.config.beforeSessionSaved(next, userFromIdTokenClaims(signIn.claims))
  await context.stateStore.set(next, storeOptions, { rotate: true, updatesExisting: true })
  return { session: next, identity: linkedIdentity(first) }
}
