/**
 * @module The refresh step: new tokens for a session from its refresh token, sent once however
 * many requests of the session ask at the same moment, in this process and (with a shared
 * store) across instances.
 */

import { base64url } from 'jose'
import * as oauth from 'oauth4webapi'
import {
  Auth0LinkKitError,
  IdTokenError,
  MissingRefreshTokenError,
  SessionTooLargeError,
  TimeoutError,
  TokenExchangeError,
} from '../errors.js'
import { type RefreshOutcome, ROTATION_MEMORY_MS } from '../refresh-coordinator.js'
import { applyTokenResponse, DEFAULT_AUDIENCE, type SessionData, type TokenSet } from '../session.js'
import type { SharedRefresh, StoreOptions } from '../stores.js'
import type { FlowContext } from './context.js'
import { requestCheckedTokens } from './token-request.js'

/** How often an instance that lost the cross-instance claim looks for the winner's result. */
const SHARED_POLL_MS = 50

/** How long a published failure answers the instances that waited for it. */
const SHARED_FAILURE_MS = 5_000

/** What is published for the other instances: the outcome, or the failure's code. */
type Published = { outcome: RefreshOutcome } | { failure: { code: string; error?: string } }

/**
 * What a refresh asks for: an access token for `audience`, with `scope` when given (Auth0's
 * Multi-Resource Refresh Token: `audience` + `scope` on the refresh grant).
 */
export interface RefreshTarget {
  audience: string
  /** Normalized (see `normalizeScope`); `undefined` asks for the refresh token's own scope. */
  scope?: string | undefined
  /**
   * Keep the new token set under `scope` as well as `audience` (`getAccessToken({ scope })`: a
   * token for a scope subset never answers for the full one). Without it, the audience's one set
   * is replaced (the My Account API token, whose scope grows as calls need more).
   */
  keyedByScope?: boolean
}

const sameTarget = (outcome: RefreshOutcome, target: RefreshTarget) =>
  outcome.audience === target.audience && outcome.scope === target.scope

async function sendRefresh(
  context: FlowContext,
  refreshToken: string,
  target: RefreshTarget,
  signal: AbortSignal | undefined,
): Promise<RefreshOutcome> {
  const { tenant } = context
  const as = await tenant.metadata(signal)
  const { audience, scope } = target
  const additionalParameters: Record<string, string> = {
    ...(audience === DEFAULT_AUDIENCE ? {} : { audience }),
    ...(scope === undefined ? {} : { scope }),
  }
  const { tokens, claims } = await requestCheckedTokens(
    context,
    signal,
    (options) =>
      oauth.refreshTokenGrantRequest(as, tenant.client, tenant.clientAuth, refreshToken, {
        ...options,
        ...(Object.keys(additionalParameters).length > 0 ? { additionalParameters } : {}),
      }),
    (response) => oauth.processRefreshTokenResponse(as, tenant.client, response),
  )
  return { audience, ...(scope === undefined ? {} : { scope }), tokens, claims }
}

async function sharedKey(refreshToken: string): Promise<string> {
  // The refresh token itself never becomes a key name in a shared backend.
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(refreshToken))
  return `refresh:${base64url.encode(new Uint8Array(digest))}`
}

function fromPublished(value: string): RefreshOutcome {
  const published = JSON.parse(value) as Published
  if ('outcome' in published) return published.outcome
  const { code, error } = published.failure
  if (code === TimeoutError.code) throw new TimeoutError('Another instance refreshing this session timed out')
  if (code === IdTokenError.code) throw new IdTokenError('Another instance refreshing this session got an invalid ID token')
  throw new TokenExchangeError(`Another instance refreshing this session failed${error ? ` (${error})` : ''}`, error ? { error } : {})
}

/**
 * The refresh across instances: the one that claims the token's key refreshes and publishes
 * the outcome (or its failure); the others wait for it, bounded by the HTTP timeout.
 */
async function refreshAcrossInstances(
  context: FlowContext,
  shared: SharedRefresh,
  refreshToken: string,
  target: RefreshTarget,
  signal: AbortSignal | undefined,
): Promise<RefreshOutcome> {
  const key = await sharedKey(refreshToken)
  const early = await shared.read(key)
  if (early !== undefined) return fromPublished(early)
  const lockMs = context.config.http.timeout * 2
  if (await shared.claim(key, lockMs)) {
    try {
      const outcome = await sendRefresh(context, refreshToken, target, signal)
      await shared.publish(key, JSON.stringify({ outcome } satisfies Published), ROTATION_MEMORY_MS)
      return outcome
    } catch (error) {
      const failure =
        error instanceof Auth0LinkKitError
          ? { code: error.code, ...(error instanceof TokenExchangeError && error.error ? { error: error.error } : {}) }
          : { code: 'internal_error' }
      await shared.publish(key, JSON.stringify({ failure } satisfies Published), SHARED_FAILURE_MS).catch(() => {})
      throw error
    }
  }
  const polls = Math.ceil(lockMs / SHARED_POLL_MS)
  for (let poll = 0; poll < polls; poll++) {
    await new Promise((resolve) => setTimeout(resolve, SHARED_POLL_MS))
    if (signal?.aborted) throw new TimeoutError('The request ended while another instance refreshed its session')
    const published = await shared.read(key)
    if (published !== undefined) return fromPublished(published)
  }
  throw new TimeoutError('Another instance is refreshing this session and has not finished')
}

function refreshOnce(
  context: FlowContext,
  refreshToken: string,
  target: RefreshTarget,
  signal: AbortSignal | undefined,
): Promise<RefreshOutcome> {
  const shared = context.stateStore.sharedRefresh
  return shared ? refreshAcrossInstances(context, shared, refreshToken, target, signal) : sendRefresh(context, refreshToken, target, signal)
}

/**
 * The outcome of refreshing `refreshToken` for `target`, shared with every concurrent caller.
 * When the shared refresh was for another audience (or scope) and rotated the token, this goes
 * on from the new token rather than reusing the old one.
 */
async function sharedRefresh(
  context: FlowContext,
  refreshToken: string,
  target: RefreshTarget,
  signal: AbortSignal | undefined,
): Promise<RefreshOutcome> {
  let current = refreshToken
  // Each hop follows one rotation by a concurrent refresh for another audience; three is plenty.
  for (let hop = 0; hop < 3; hop++) {
    const token = current
    const outcome = await context.refreshes.share(token, () => refreshOnce(context, token, target, signal))
    if (sameTarget(outcome, target)) return outcome
    const rotated = outcome.tokens.refresh_token
    if (rotated === undefined || rotated === token) {
      // Not rotated: the token may be sent again, so this target gets its own request.
      const key = `${target.audience}\n${target.scope ?? ''}\n${token}`
      return context.refreshes.share(key, () => refreshOnce(context, token, target, signal))
    }
    current = rotated
  }
  throw new TokenExchangeError('The refresh token kept rotating under concurrent refreshes; try again')
}

/**
 * Refreshes the session's tokens for `audience` and writes the session back. Concurrent
 * refreshes of one refresh token share one token request (single-flight), and a token rotated
 * out in the last 30 s gets the tokens its successor brought, so Auth0's refresh-token rotation
 * never sees a reuse.
 *
 * @throws {MissingRefreshTokenError} when the session has no refresh token.
 * @throws {IdTokenError} when a refreshed ID token is for another user or fails a check.
 * @throws {TokenExchangeError} / {TimeoutError} from the token request.
 * @see [RFC 6749 §6 - Refreshing an Access Token](https://www.rfc-editor.org/rfc/rfc6749.html#section-6)
 * @see [Auth0: Refresh token rotation](https://auth0.com/docs/secure/tokens/refresh-tokens/refresh-token-rotation)
 */
export async function refreshSession(
  context: FlowContext,
  session: SessionData,
  target: string | RefreshTarget,
  storeOptions: StoreOptions,
): Promise<TokenSet> {
  return (await refreshSessionFor(context, session, typeof target === 'string' ? { audience: target } : target, storeOptions)).tokenSet
}

/**
 * {@link refreshSession} for a {@link RefreshTarget} (an audience and, for Auth0's
 * Multi-Resource Refresh Token, a scope), returning the written session as well, so a caller
 * that goes on in the same request (the My Account API calls) builds on it, not on the
 * request's older cookie.
 *
 * @throws {MissingRefreshTokenError} when the session has no refresh token.
 * @throws {IdTokenError} / {TokenExchangeError} / {TimeoutError} as {@link refreshSession}.
 * @see [Auth0: Multi-Resource Refresh Token](https://auth0.com/docs/secure/tokens/refresh-tokens/multi-resource-refresh-token)
 */
export async function refreshSessionFor(
  context: FlowContext,
  session: SessionData,
  target: RefreshTarget,
  storeOptions: StoreOptions,
): Promise<{ session: SessionData; tokenSet: TokenSet }> {
  if (!session.refreshToken) throw new MissingRefreshTokenError('The access token expired and the session has no refresh token')
  const outcome = await sharedRefresh(context, session.refreshToken, target, storeOptions.request.signal)
  if (outcome.claims && outcome.claims.sub !== session.user.sub) throw new IdTokenError('The refreshed ID token is for another user')
  const updated = applyTokenResponse(
    session,
    outcome.tokens,
    outcome.claims,
    target.audience,
    target.keyedByScope ? target.scope : undefined,
  )
  try {
    await context.stateStore.set(updated.session, storeOptions)
  } catch (error) {
    if (!(error instanceof SessionTooLargeError)) throw error
    // Auth0 has rotated the refresh token already: a session that keeps only the new token set
    // is worth more than the cached tokens, which the new refresh token can fetch again.
    const lean: SessionData = { ...updated.session, tokenSets: [updated.tokenSet], connectionTokenSets: [] }
    await context.stateStore.set(lean, storeOptions)
    return { session: lean, tokenSet: updated.tokenSet }
  }
  return updated
}
