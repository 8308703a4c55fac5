/**
 * @module The completion of a link or unlink (DESIGN §15): with `'management-api'` the verified
 * sign-in is applied through the Management API and the session left as it was; with
 * `'tenant-action'` the Action's confirmation is required. Then the app's `onLink` / `onUnlink`.
 */

import type * as oauth from 'oauth4webapi'
import {
  IdentityAlreadyLinkedError,
  IdTokenError,
  LinkHookError,
  LinkNotAppliedError,
  MissingSessionError,
  UserMismatchError,
} from '../errors.js'
import { type LinkSecondary, linkedIdentity } from '../management-api.js'
import type { LinkedIdentity } from '../options.js'
import type { SessionData } from '../session.js'
import type { AuthorizeTransactionData, LinkingTransaction, LinkTransactionData, StoreOptions, UnlinkTransactionData } from '../stores.js'
import { exchangeCode } from './code-exchange.js'
import type { FlowContext } from './context.js'
import { forgetLinkSuggestions } from './link-suggestion-cache.js'
import type { VerifiedSignIn } from './link-suggestion-primary.js'
import { checkOrganization } from './organization.js'

/** The ID token claim the kit's Action sets once it linked or unlinked (DESIGN §15). */
export const LINKING_CLAIM = 'https://auth0-link-kit.dev/linking'

/** A completed link or unlink: the session (unchanged with `'management-api'`) and the identity. */
export interface LinkCompletion {
  session: SessionData
  identity: LinkedIdentity
}

/** A link whose callback completes the sign-in to the identity to link (`'management-api'`). */
export type LinkSecondaryTransaction = LinkTransactionData & { linking: Extract<LinkingTransaction, { step: 'secondary' }> }

/** An unlink whose callback completes the primary's re-authentication (`'management-api'`). */
export type UnlinkPrimaryTransaction = UnlinkTransactionData & { linking: Extract<LinkingTransaction, { step: 'primary' }> }

/** A link or unlink the tenant's Action applies (`'tenant-action'`). */
export type TenantActionTransaction = (LinkTransactionData | UnlinkTransactionData) & {
  linking: Extract<LinkingTransaction, { strategy: 'tenant-action' }>
}

/** The session of the user who started the flow, or the reason it cannot be completed. */
async function starterSession(
  context: FlowContext,
  transaction: LinkTransactionData | UnlinkTransactionData,
  storeOptions: StoreOptions,
): Promise<SessionData> {
  const session = await context.stateStore.get(storeOptions)
  if (!session) throw new MissingSessionError(`The session ended before the ${transaction.flow} completed`)
  if (session.user.sub !== transaction.sub) throw new UserMismatchError(`The ${transaction.flow} was started by another user`)
  return session
}

/** The code exchange of a §15 sign-in, resolved once the ID token (signature, nonce, `auth_time`) is checked. */
async function verifiedSignIn(
  context: FlowContext,
  as: oauth.AuthorizationServer,
  transaction: AuthorizeTransactionData,
  validated: URLSearchParams,
  signal: AbortSignal,
): Promise<VerifiedSignIn> {
  const { tokens, claims, idTokenChecked } = await exchangeCode(context, as, transaction, validated, signal)
  await idTokenChecked
  if (!claims || tokens.id_token === undefined) throw new IdTokenError('The token endpoint returned no ID token')
  // Only the ID token is used, except by a suggested link that makes the signed-in account the primary.
  return { idToken: tokens.id_token, claims, tokens }
}

/**
 * Completes the sign-in to the identity to link (`'management-api'`): the ID token verified
 * (signature, `iss`, `aud`, `nonce`, `auth_time` ≤ 300 s), the secondary user read, then linked
 * to the session's user with `POST /api/v2/users/{sub}/identities` (`link_with` when the
 * Management API client is the app's own, else `provider` + `user_id`). The session is not
 * written: its user stays the primary, and the secondary's tokens are discarded.
 *
 * @throws {IdentityAlreadyLinkedError} when the identity belongs to another user as a secondary,
 *   its user owns linked identities, or Auth0 answers 409.
 * @throws {UserMismatchError} when the sign-in came back for another connection than the one asked for.
 * @throws {ManagementApiError} / {TimeoutError} from the Management API; {TokenExchangeError} /
 *   {IdTokenError} from the exchange; {LinkHookError} when `onLink` throws after Auth0 linked.
 * @see [Management API: Link a user account](https://auth0.com/docs/api/management/v2/users/post-identities)
 */
export async function completeLinkSecondary(
  context: FlowContext,
  as: oauth.AuthorizationServer,
  transaction: LinkSecondaryTransaction,
  validated: URLSearchParams,
  storeOptions: StoreOptions,
): Promise<LinkCompletion> {
  const session = await starterSession(context, transaction, storeOptions)
  const { signal } = storeOptions.request
  const signIn = await verifiedSignIn(context, as, transaction, validated, signal)
  const { idToken, claims } = signIn
  const { connection } = transaction
  const { managementApi } = context
  const { suggested } = transaction.linking
  if (suggested) {
    // Exactly the suggested user, or nothing happens: not another account of the same provider.
    const { checkSuggestedSignIn } = await import('./link-suggestions.js')
    checkSuggestedSignIn(suggested, claims.sub)
    if (suggested.primary === 'other') {
      const { linkIntoSuggested } = await import('./link-suggestion-primary.js')
      const swapped = await linkIntoSuggested(context, transaction, session, signIn, storeOptions)
      await runLinkHook(context, 'link', claims.sub, swapped.identity, session.user.sub, storeOptions.request)
      return swapped
    }
  }

  if (claims.sub === session.user.sub) {
    // Auth0 signed the identity in as the session's own user: it is linked already (or is the primary).
    const { identities } = await managementApi.getUser(session.user.sub, signal)
    const found = identities.find((identity) => identity.connection === connection)
    if (!found) throw new UserMismatchError(`The link signed in with another connection than ${connection}; nothing was linked`)
    return { session, identity: linkedIdentity(found) }
  }

  const secondary = await managementApi.getUser(claims.sub, signal)
  const [first] = secondary.identities
  if (!first || first.connection !== connection) {
    if (secondary.identities.some((identity) => identity.connection === connection)) {
      throw new IdentityAlreadyLinkedError(`This ${connection} account is already linked to another user; nothing was linked`)
    }
    throw new UserMismatchError(`The link signed in with another connection than ${connection}; nothing was linked`)
  }
  if (secondary.identities.length > 1) {
    throw new IdentityAlreadyLinkedError(
      `This ${connection} account is the main login of another user with linked accounts of its own, which Auth0 cannot link as a secondary; nothing was linked`,
    )
  }
  const body: LinkSecondary = managementApi.usesAppClient ? { linkWith: idToken } : { provider: first.provider, userId: first.user_id }
  // Auth0 discards the secondary's metadata when it links: what should survive moves first.
  if (context.config.mergeMetadata) {
    const { mergeMetadataBeforeLink } = await import('./merge-metadata.js')
    await mergeMetadataBeforeLink(context, session.user.sub, claims.sub, signal)
  }
  await managementApi.linkIdentity(session.user.sub, body, signal)
  forgetLinkSuggestions(context, session)
  const identity = linkedIdentity(first)
  await runLinkHook(context, 'link', session.user.sub, identity, claims.sub, storeOptions.request)
  return { session, identity }
}

/**
 * Completes the primary's re-authentication before an unlink (`'management-api'`): the same
 * user, signed in within 300 s, then `DELETE /api/v2/users/{sub}/identities/{provider}/{user_id}`
 * of the identity recorded at the start. Auth0 makes it a user of its own again. The session is
 * not written.
 *
 * @throws {UserMismatchError} when another user signed in.
 * @throws {ManagementApiError} / {TimeoutError} from the Management API; {TokenExchangeError} /
 *   {IdTokenError} from the exchange; {LinkHookError} when `onUnlink` throws after Auth0 unlinked.
 * @see [Management API: Unlink a user identity](https://auth0.com/docs/api/management/v2/users/delete-user-identity-by-user-id)
 */
export async function completeUnlinkPrimary(
  context: FlowContext,
  as: oauth.AuthorizationServer,
  transaction: UnlinkPrimaryTransaction,
  validated: URLSearchParams,
  storeOptions: StoreOptions,
): Promise<LinkCompletion> {
  const session = await starterSession(context, transaction, storeOptions)
  const { signal } = storeOptions.request
  const { claims } = await verifiedSignIn(context, as, transaction, validated, signal)
  if (claims.sub !== session.user.sub) throw new UserMismatchError('The unlink came back signed in as another user; nothing was unlinked')
  if (transaction.organization !== undefined) checkOrganization(transaction.organization, claims)
  const { identity } = transaction.linking
  await context.managementApi.unlinkIdentity(session.user.sub, identity.provider, identity.userId, signal)
  await runLinkHook(context, 'unlink', session.user.sub, identity, `${identity.provider}|${identity.userId}`, storeOptions.request)
  return { session, identity }
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value)

const sameIdentity = (a: LinkedIdentity, b: LinkedIdentity) => a.provider === b.provider && a.userId === b.userId

/**
 * The confirmation a `'tenant-action'` link or unlink needs (DESIGN §15): the Action's
 * `https://auth0-link-kit.dev/linking` claim naming this operation and connection, or, with
 * `linking.confirm: 'management-api'`, an identity of the connection that appeared (link) or
 * disappeared (unlink) since the start. Runs on verified claims, before anything is written.
 *
 * @throws {LinkNotAppliedError} when neither confirms: the tenant did not link or unlink.
 * @throws {ManagementApiError} / {TimeoutError} when the identities cannot be read.
 */
export async function confirmTenantAction(
  context: FlowContext,
  transaction: TenantActionTransaction,
  claims: oauth.IDToken,
  signal: AbortSignal,
): Promise<LinkedIdentity> {
  const op = transaction.flow
  const { connection } = transaction
  const claim = claims[LINKING_CLAIM]
  if (
    isObject(claim) &&
    claim.op === op &&
    claim.connection === connection &&
    typeof claim.provider === 'string' &&
    (typeof claim.user_id === 'string' || typeof claim.user_id === 'number')
  ) {
    return { connection, provider: claim.provider, userId: String(claim.user_id) }
  }
  const before = transaction.linking.identities
  if (context.config.linking.confirm === 'management-api' && before) {
    const after = (await context.managementApi.getIdentities(claims.sub, signal)).map(linkedIdentity)
    const changed =
      op === 'link'
        ? after.find((identity) => identity.connection === connection && !before.some((old) => sameIdentity(old, identity)))
        : before.find((identity) => identity.connection === connection && !after.some((now) => sameIdentity(now, identity)))
    if (changed) return changed
  }
  const what = op === 'link' ? `link ${connection}` : `unlink ${connection}`
  const evidence =
    context.config.linking.confirm === 'management-api'
      ? 'the user’s identities did not change'
      : `the ID token has no ${LINKING_CLAIM} confirmation${isObject(claim) ? ' for this operation and connection' : ''}`
  throw new LinkNotAppliedError(
    `The tenant did not ${what}: Auth0 completed the request as an ordinary sign-in (${evidence}). ` +
      'Most likely no post-login Action handles link_account / unlink_account on this tenant. ' +
      'Install the kit’s Action (tenant/actions/account-linking.js), or use linking: { strategy: ' +
      "'management-api' } (AUTH0_LINK_STRATEGY=management-api), which needs no Action.",
  )
}

/**
 * Runs `onLink` / `onUnlink` once Auth0 confirmed the change.
 *
 * @throws {LinkHookError} when the hook throws: Auth0 already made the change, and the message says so.
 */
export async function runLinkHook(
  context: FlowContext,
  flow: 'link' | 'unlink',
  primarySub: string,
  identity: LinkedIdentity,
  secondarySub: string,
  request: Request,
): Promise<void> {
  const hook = flow === 'link' ? context.config.onLink : context.config.onUnlink
  if (!hook) return
  try {
    await hook({ primary: { sub: primarySub }, secondary: { ...identity, sub: secondarySub }, request })
  } catch (error) {
    const done = flow === 'link' ? 'linked' : 'unlinked'
    throw new LinkHookError(
      `Auth0 already ${done} the ${identity.connection} identity, but the app's ${flow === 'link' ? 'onLink' : 'onUnlink'} hook failed afterwards`,
      { cause: error, identity },
    )
  }
}
