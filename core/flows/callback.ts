/**
 * @module The completion step of login, link, unlink and connect: the callback's transaction,
 * the code exchange (or, for a connect, the `connect_code` completion), the ID token, and the
 * session written only once every check passed.
 */

import * as oauth from 'oauth4webapi'
import {
  AuthorizationError,
  IdTokenError,
  InvalidCallbackError,
  MissingSessionError,
  MissingTransactionError,
  StateMismatchError,
  UserMismatchError,
} from '../errors.js'
import type { ConnectedAccount } from '../my-account-api.js'
import type { LinkedIdentity } from '../options.js'
import { applyTokenResponse, type SessionData, userFromIdTokenClaims } from '../session.js'
import type { AuthorizeTransactionData, Continuation, FlowKind, StoreOptions, TransactionData } from '../stores.js'
import { parseTransaction } from '../transaction.js'
import { exchangeCode } from './code-exchange.js'
import type { FlowContext } from './context.js'
import { startLink } from './link.js'
import {
  completeLinkSecondary,
  completeUnlinkPrimary,
  confirmTenantAction,
  runLinkHook,
  type TenantActionTransaction,
} from './link-complete.js'
import { checkOrganization } from './organization.js'

/**
 * The outcome of a completed callback: which flow it was, its `appState`, the stored session,
 * and for a connect the account it connected.
 *
 * @example
 * ```ts
 * const completed = await auth.client.completeAuthorization(request.url, { request, response })
 * if (completed.flow === 'link') console.log(`${completed.session.user.sub} linked an identity`)
 * if (completed.flow === 'connect') console.log(`connected ${completed.connectedAccount.connection}`)
 * ```
 */
export type CompletedAuthorization =
  | { flow: 'login'; appState: unknown; session: SessionData }
  | {
      flow: 'link' | 'unlink'
      appState: unknown
      session: SessionData
      /** The identity Auth0 linked or unlinked; `undefined` when `continueAt` is set. */
      identity: LinkedIdentity | undefined
      /**
       * Set when this callback completed the primary's re-authentication before a link (the
       * session was older than `linking.maxAge`): redirect here to go on with the link itself.
       */
      continueAt?: URL
    }
  | { flow: 'connect'; appState: unknown; session: SessionData; connectedAccount: ConnectedAccount }

/** What the handlers get back: the completed flow and, for a handler-started login, what comes next. */
export type CompletedCallback = CompletedAuthorization & { continuation: Continuation | undefined }

// State values we create are base64url; anything else cannot name a transaction (nor a cookie).
const STATE = /^[A-Za-z0-9_-]{1,128}$/

function callbackParameters(url: string | URL): URLSearchParams {
  try {
    return new URL(url).searchParams
  } catch {
    throw new InvalidCallbackError('The callback URL is not a valid absolute URL')
  }
}

async function takeTransaction(context: FlowContext, state: string, storeOptions: StoreOptions): Promise<TransactionData> {
  const transaction = await context.transactionStore.get(state, storeOptions)
  if (!transaction)
    throw new MissingTransactionError('No transaction matches this callback (expired, already used, or from another browser)')
  // Used once: a replayed callback finds nothing, whatever happens next.
  await context.transactionStore.delete(state, storeOptions)
  // A custom store could hand back another flow's record; the state is the binding, so check it.
  if (transaction.state !== state) throw new StateMismatchError('The callback state does not match the transaction')
  return parseTransaction(transaction)
}

/** RFC 9207 `iss` and the OAuth error of the redirect, as oauth4webapi checks them. */
function validateAuthorizationResponse(context: FlowContext, as: oauth.AuthorizationServer, params: URLSearchParams, state: string) {
  try {
    return oauth.validateAuthResponse(as, context.tenant.client, params, state)
  } catch (error) {
    if (error instanceof oauth.AuthorizationResponseError) {
      throw new AuthorizationError(error.error, error.error_description, { cause: error })
    }
    throw new InvalidCallbackError('The callback parameters are invalid', { cause: error })
  }
}

/**
 * Completes login, link, unlink or connect from the callback URL: finds the transaction by
 * `state` (used once), validates the response, then either exchanges the code with PKCE and
 * nonce checks, verifies the ID token and writes the session — a new one for login, the same
 * user's updated one for link and unlink — or, for a connect (`connect_code`), completes it at
 * the My Account API. Nothing is written unless every check passed, so a failed attempt never
 * touches an existing session.
 *
 * @throws {MissingTransactionError} when no transaction matches the `state` (expired, used, foreign).
 * @throws {InvalidCallbackError} when the callback is malformed, carries both `code` and
 *   `connect_code`, or completes another flow than `expectedFlow`.
 * @throws {AuthorizationError} when Auth0 redirected back with an OAuth error.
 * @throws {MissingSessionError} when a link or unlink finds the session ended meanwhile.
 * @throws {UserMismatchError} when a link or unlink comes back for another user.
 * @throws {OrganizationMismatchError} when the ID token is not for the organization the start asked for.
 * @throws {TokenExchangeError} / {IdTokenError} / {TimeoutError} from the code exchange.
 * @throws {MyAccountApiError} when the My Account API refuses a connect's completion (a used,
 *   foreign or crossed `connect_code`).
 * @see [RFC 6749 §4.1.2 - Authorization Response](https://www.rfc-editor.org/rfc/rfc6749.html#section-4.1.2)
 * @see [RFC 9207 - Authorization Server Issuer Identification](https://www.rfc-editor.org/rfc/rfc9207.html)
 */
export async function completeAuthorization(
  context: FlowContext,
  url: string | URL,
  expectedFlow: FlowKind | undefined,
  storeOptions: StoreOptions,
): Promise<CompletedCallback> {
  return finishCallback(context, await takeCallback(context, url, expectedFlow, storeOptions), storeOptions)
}

/** A callback's parameters and the transaction its `state` named, already used up. */
export interface TakenCallback {
  params: URLSearchParams
  transaction: TransactionData
}

/**
 * The first half of {@link completeAuthorization}: parses the callback and takes (deletes) the
 * transaction its `state` names. The handlers call the halves apart to tell `onCallback` which
 * flow failed.
 *
 * @throws {InvalidCallbackError} / {MissingTransactionError} / {StateMismatchError} as `completeAuthorization`.
 */
export async function takeCallback(
  context: FlowContext,
  url: string | URL,
  expectedFlow: FlowKind | undefined,
  storeOptions: StoreOptions,
): Promise<TakenCallback> {
  const params = callbackParameters(url)
  // One answer is either an authorization code or a connect code; both at once is a forgery.
  if (params.has('code') && params.has('connect_code')) throw new InvalidCallbackError('The callback carries both code and connect_code')
  const state = params.get('state')
  if (state === null || state === '') throw new InvalidCallbackError('The callback has no state parameter')
  if (!STATE.test(state)) throw new MissingTransactionError('The callback state names no transaction')
  const transaction = await takeTransaction(context, state, storeOptions)
  if (expectedFlow !== undefined && transaction.flow !== expectedFlow) {
    throw new InvalidCallbackError(`This callback completes a ${transaction.flow} flow, not ${expectedFlow}`)
  }
  return { params, transaction }
}

/**
 * The second half of {@link completeAuthorization}: everything after the transaction was taken.
 *
 * @throws as `completeAuthorization`, from the authorization response on.
 */
export async function finishCallback(context: FlowContext, taken: TakenCallback, storeOptions: StoreOptions): Promise<CompletedCallback> {
  const { params, transaction } = taken
  // A flow started under one custom domain cannot be completed under another (multiple custom domains).
  if (transaction.issuer !== undefined && transaction.issuer !== context.tenant.issuer.href) {
    throw new InvalidCallbackError('The callback came back under another Auth0 domain than the flow started with')
  }
  const as = await context.tenant.metadata(storeOptions.request.signal)
  // The My Account API's connect redirect is not an authorization-endpoint response: discovery's
  // `authorization_response_iss_parameter_supported` speaks for /authorize only, so a connect's
  // `iss` is checked when it is there and not required (RFC 9207 §2.4 leaves that to the client).
  const responder = transaction.flow === 'connect' ? { ...as, authorization_response_iss_parameter_supported: false } : as
  const validated = validateAuthorizationResponse(context, responder, params, transaction.state)
  if (transaction.flow === 'connect') {
    const { completeConnect } = await import('../features/connected-accounts.js')
    const { session, connectedAccount } = await completeConnect(context, transaction, validated, storeOptions)
    return { flow: 'connect', appState: transaction.appState, session, connectedAccount, continuation: undefined }
  }
  if (validated.has('connect_code')) throw new InvalidCallbackError(`A connect_code cannot complete a ${transaction.flow} flow`)
  if (transaction.flow === 'login') return completeCodeFlow(context, as, transaction, validated, storeOptions)
  if (transaction.linking.strategy === 'management-api' && transaction.linking.step !== 'reauthenticate') {
    if (!validated.get('code')) throw new InvalidCallbackError('The callback has no authorization code')
    const { session, identity } =
      transaction.flow === 'link'
        ? await completeLinkSecondary(context, as, { ...transaction, linking: transaction.linking }, validated, storeOptions)
        : await completeUnlinkPrimary(context, as, { ...transaction, linking: transaction.linking }, validated, storeOptions)
    return { flow: transaction.flow, appState: transaction.appState, session, identity, continuation: undefined }
  }
  const completed = await completeCodeFlow(context, as, transaction, validated, storeOptions)
  const { linking } = transaction
  if (linking.strategy === 'management-api' && completed.flow === 'link') {
    // The primary signed in again: now the link itself, with the parameters its start was given.
    const continueAt = await startLink(
      context,
      {
        session: completed.session,
        connection: linking.connection,
        connectionScope: linking.connectionScope,
        authorizationParams: linking.authorizationParams,
        appState: transaction.appState,
        reauthenticated: true,
        suggested: linking.suggested,
      },
      storeOptions,
    )
    return { ...completed, continueAt }
  }
  return completed
}

async function completeCodeFlow(
  context: FlowContext,
  as: oauth.AuthorizationServer,
  transaction: AuthorizeTransactionData,
  validated: URLSearchParams,
  storeOptions: StoreOptions,
): Promise<CompletedCallback> {
  if (!validated.get('code')) throw new InvalidCallbackError('The callback has no authorization code')

  const existing = transaction.flow === 'login' ? undefined : await context.stateStore.get(storeOptions)
  if (transaction.flow !== 'login') {
    if (!existing) throw new MissingSessionError(`The session ended before the ${transaction.flow} completed`)
    if (existing.user.sub !== transaction.sub) throw new UserMismatchError(`The ${transaction.flow} was started by another user`)
  }

  const { tokens, claims, idTokenChecked } = await exchangeCode(context, as, transaction, validated, storeOptions.request.signal)
  if (!claims || tokens.id_token === undefined) throw new IdTokenError('The token endpoint returned no ID token')
  // A tenant-action link or unlink counts only when the tenant confirms it, on verified claims.
  const tenantAction: TenantActionTransaction | undefined =
    transaction.flow !== 'login' && transaction.linking.strategy === 'tenant-action'
      ? { ...transaction, linking: transaction.linking }
      : undefined
  const { beforeSessionSaved } = context.config
  let { session } = applyTokenResponse(existing, tokens, claims, transaction.audience)
  // A new id whenever who the session is, or what it may do, changed (session fixation defence).
  const writeOptions = { rotate: true, updatesExisting: existing !== undefined }
  const { stateStore } = context
  // One write, committed only once every check passed. Unless a hook or the tenant's confirmation
  // still has to see the verified claims, the session is already final: encrypt it while the
  // signature is checked. A failed check is the answer even when the early encryption failed too.
  const early = beforeSessionSaved || tenantAction ? undefined : stateStore.prepare(session, storeOptions, writeOptions)
  const [checked, prepared] = await Promise.allSettled([idTokenChecked, early])
  if (checked.status === 'rejected') throw checked.reason
  // Who came back is judged on claims whose signature was checked, so a forged token is always IdTokenError.
  if (existing && claims.sub !== existing.user.sub) {
    throw new UserMismatchError(`The ${transaction.flow} came back for a different user; the session is unchanged`)
  }
  if (transaction.organization !== undefined) checkOrganization(transaction.organization, claims)
  const identity = tenantAction ? await confirmTenantAction(context, tenantAction, claims, storeOptions.request.signal) : undefined
  if (beforeSessionSaved) session = await beforeSessionSaved(session, userFromIdTokenClaims(claims))
  if (prepared.status === 'rejected') throw prepared.reason
  const write = prepared.value ?? (await stateStore.prepare(session, storeOptions, writeOptions))
  await write.commit()
  if (transaction.flow === 'login')
    return { flow: 'login', appState: transaction.appState, session, continuation: transaction.continuation }
  if (identity && existing) {
    const secondarySub = `${identity.provider}|${identity.userId}`
    await runLinkHook(context, transaction.flow, existing.user.sub, identity, secondarySub, storeOptions.request)
  }
  return { flow: transaction.flow, appState: transaction.appState, session, identity, continuation: undefined }
}
