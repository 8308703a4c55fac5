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
import { exchangeTokens } from '../token-response.js'
import { nowInSeconds, type SessionData, type TokenSet, userFromIdTokenClaims } from '../session.js'
import type { FlowKind, StoreOptions, TransactionData } from '../stores.js'
import type { FlowContext } from './context.js'

/**
 * The outcome of a completed callback: which flow it was, its `appState`, the stored session.
 *
 * @example
 * ```ts
 * const { flow, appState, session } = await auth.client.completeAuthorization(request.url, { request, response })
 * if (flow === 'link') console.log(`${session.user.sub} linked an identity`)
 * ```
 */
export interface CompletedAuthorization {
  flow: FlowKind
  appState: unknown
  session: SessionData
}

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
  if (!transaction) throw new MissingTransactionError('No transaction matches this callback (expired, already used, or from another browser)')
  // Used once: a replayed callback finds nothing, whatever happens next.
  await context.transactionStore.delete(state, storeOptions)
  return transaction
}

function validateAuthorizationResponse(context: FlowContext, as: oauth.AuthorizationServer, params: URLSearchParams, transaction: TransactionData) {
  try {
    return oauth.validateAuthResponse(as, context.connection.client, params, transaction.state)
  } catch (error) {
    if (error instanceof oauth.AuthorizationResponseError) {
      throw new AuthorizationError(error.error, error.error_description, { cause: error })
    }
    const message = error instanceof Error ? error.message : ''
    if (/state/i.test(message)) throw new StateMismatchError('The callback state does not match the transaction', { cause: error })
    throw new InvalidCallbackError('The callback parameters are invalid', { cause: error })
  }
}

/** The session's record of an access token from a token response. */
export function tokenSetFrom(tokens: oauth.TokenEndpointResponse, audience: string): TokenSet {
  return {
    audience,
    accessToken: tokens.access_token,
    expiresAt: nowInSeconds() + (tokens.expires_in ?? 0),
    ...(tokens.scope !== undefined ? { scope: tokens.scope } : {}),
  }
}

/** Replaces the token set for `tokenSet.audience`, keeping those for other audiences. */
export function withTokenSet(tokenSets: readonly TokenSet[], tokenSet: TokenSet): TokenSet[] {
  return [...tokenSets.filter((existing) => existing.audience !== tokenSet.audience), tokenSet]
}

/**
 * The one completion step of login, link and unlink: find the transaction by `state` (used
 * once), validate the response, exchange the code with PKCE and nonce checks, verify the ID
 * token, then write the session — a new one for login, the same user's updated one for link and
 * unlink. Nothing is written unless every check passed, so a failed attempt never touches an
 * existing session.
 */
export async function completeAuthorization(
  context: FlowContext,
  url: string | URL,
  expectedFlow: FlowKind | undefined,
  storeOptions: StoreOptions,
): Promise<CompletedAuthorization> {
  const params = callbackParameters(url)
  const state = params.get('state')
  if (state === null || state === '') throw new InvalidCallbackError('The callback has no state parameter')
  if (!STATE.test(state)) throw new MissingTransactionError('The callback state names no transaction')
  const transaction = await takeTransaction(context, state, storeOptions)
  if (expectedFlow !== undefined && transaction.flow !== expectedFlow) {
    throw new InvalidCallbackError(`This callback completes a ${transaction.flow} flow, not ${expectedFlow}`)
  }

  const as = await context.connection.metadata(storeOptions.request.signal)
  const validated = validateAuthorizationResponse(context, as, params, transaction)
  if (!validated.get('code')) throw new InvalidCallbackError('The callback has no authorization code')

  const existing = transaction.flow === 'login' ? undefined : await context.stateStore.get(storeOptions)
  if (transaction.flow !== 'login') {
    if (!existing) throw new MissingSessionError(`The session ended before the ${transaction.flow} completed`)
    if (existing.user.sub !== transaction.sub) throw new UserMismatchError(`The ${transaction.flow} was started by another user`)
  }

  const { connection } = context
  const { tokens, claims } = await exchangeTokens(
    context,
    storeOptions.request.signal,
    (options) =>
      oauth.authorizationCodeGrantRequest(as, connection.client, connection.clientAuth, validated, transaction.redirectUri, transaction.codeVerifier, options),
    (response) =>
      oauth.processAuthorizationCodeResponse(as, connection.client, response, {
        expectedNonce: transaction.nonce,
        maxAge: transaction.maxAge ?? oauth.skipAuthTimeCheck,
        requireIdToken: true,
      }),
  )
  if (!claims || tokens.id_token === undefined) throw new IdTokenError('The token endpoint returned no ID token')

  const user = userFromIdTokenClaims(claims)
  const tokenSet = tokenSetFrom(tokens, transaction.audience)
  let session: SessionData
  if (existing) {
    if (user.sub !== existing.user.sub) {
      throw new UserMismatchError(`The ${transaction.flow} came back for a different user; the session is unchanged`)
    }
    session = {
      ...existing,
      // Link tokens carry a narrow scope; keep profile claims the new ID token may not repeat.
      user: { ...existing.user, ...user },
      idToken: tokens.id_token,
      tokenSets: withTokenSet(existing.tokenSets, tokenSet),
      internal: { ...existing.internal, ...(typeof claims.sid === 'string' ? { sid: claims.sid } : {}) },
    }
    if (tokens.refresh_token !== undefined) session.refreshToken = tokens.refresh_token
  } else {
    const now = nowInSeconds()
    session = {
      user,
      idToken: tokens.id_token,
      tokenSets: [tokenSet],
      internal: { createdAt: now, updatedAt: now, ...(typeof claims.sid === 'string' ? { sid: claims.sid } : {}) },
      ...(tokens.refresh_token !== undefined ? { refreshToken: tokens.refresh_token } : {}),
    }
  }
  if (context.config.beforeSessionSaved) session = await context.config.beforeSessionSaved(session, user)
  // A new id whenever who the session is, or what it may do, changed (session fixation defence).
  await context.stateStore.set(session, storeOptions, { rotate: true, updatesExisting: existing !== undefined })
  return { flow: transaction.flow, appState: transaction.appState, session }
}
