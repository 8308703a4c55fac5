/**
 * @module A minimal Auth0 Management API client: read a user, link and unlink identities, find
 * users by email, update metadata.
 */

import * as oauth from 'oauth4webapi'
import { bearerJson } from './bearer-json.js'
import type { ManagementApiSettings } from './config.js'
import { type Auth0LinkKitError, IdentityAlreadyLinkedError, ManagementApiError } from './errors.js'
import type { MetadataPatch } from './metadata-merge.js'
import type { LinkedIdentity } from './options.js'
import { isTokenFresh, nowInSeconds, scopeList } from './session.js'
import { SharedPromise } from './shared-promise.js'
import type { Tenant } from './tenant.js'
import { upstreamFailure } from './upstream-failure.js'

/**
 * One identity linked to an Auth0 user, as the Management API lists it in `identities[]`. The
 * first one is the primary identity (the one the user signed up with); it cannot be unlinked.
 * Identity-provider tokens Auth0 may include are dropped: they must not reach app code by accident.
 *
 * @example
 * ```ts
 * const identities = await auth.client.getIdentities({ request, response })
 * const [primary, ...linked] = identities
 * console.log(primary?.connection, linked.map((identity) => identity.connection)) // 'Username-Password-Authentication' ['github']
 * ```
 */
export interface Identity {
  /** The Auth0 connection, e.g. `github`, `google-oauth2`, `Username-Password-Authentication`. */
  connection: string
  /** The identity provider, e.g. `github`, `google-oauth2`, `auth0`. */
  provider: string
  /** The user's id at that provider (without the `provider|` prefix). */
  user_id: string
  isSocial: boolean
  /** Profile attributes of a secondary identity, when Auth0 sends them. */
  profileData?: Record<string, unknown>
}

/** What the flows read of a Management API user: its id and identities, primary first. */
export interface ManagementUser {
  userId: string
  identities: Identity[]
}

/**
 * A user record with what suggested linking and the metadata merge read: whether its email is
 * verified, when it last signed in, and its metadata (each only when asked for in `fields`).
 */
export interface ManagementUserRecord extends ManagementUser {
  emailVerified: boolean
  /** ISO 8601, when Auth0 recorded a login. */
  lastLogin?: string
  userMetadata?: Record<string, unknown>
  appMetadata?: Record<string, unknown>
}

/** The secondary of a link: its ID token (`link_with`), or its primary identity's provider and id. */
export type LinkSecondary = { linkWith: string } | { provider: string; userId: string }

/** The Management API permissions the kit uses. */
export type ManagementPermission = 'read:users' | 'update:users'

/** Where a Management API permission is granted, for messages that say what to do. */
const GRANT_PLACE =
  'Auth0 Dashboard → Applications → APIs → Auth0 Management API → Machine to Machine Applications: authorize this application'

interface CachedToken {
  accessToken: string
  /** Seconds since the epoch; renewed by the session's one freshness rule (`isTokenFresh`). */
  expiresAt: number
  /** The permissions Auth0 granted, when it said (`scope` of the token response). */
  scopes: ReadonlySet<string> | undefined
}

/** The `identities[]` entry as the kit reports it. */
export function linkedIdentity(identity: Identity): LinkedIdentity {
  return { connection: identity.connection, provider: identity.provider, userId: identity.user_id }
}

/**
 * A minimal Management API client: read a user, link and unlink identities, with a
 * client-credentials token. The token is cached until 30 s before it expires; concurrent first
 * calls share one token request, and a failed request is forgotten so the next call tries again.
 */
export class ManagementApiClient {
  readonly #tenant: Tenant
  readonly #settings: ManagementApiSettings & { audience: URL }
  readonly #client: oauth.Client
  readonly #clientAuth: oauth.ClientAuth
  readonly #token = new SharedPromise<CachedToken>()

  constructor(tenant: Tenant, settings: ManagementApiSettings & { audience: URL }) {
    this.#tenant = tenant
    this.#settings = settings
    this.#client = settings.client ? { client_id: settings.client.clientId } : tenant.client
    this.#clientAuth = settings.client ? oauth.ClientSecretPost(settings.client.clientSecret) : tenant.clientAuth
  }

  /**
   * True when the Management API token is the app's own client's, so Auth0 accepts the
   * secondary's ID token (issued to this client) as `link_with`.
   */
  get usesAppClient(): boolean {
    return this.#settings.client === undefined
  }

  /**
   * The user's linked identities, primary first. Needs the `read:users` permission.
   *
   * @throws {ManagementApiError} when Auth0 refuses the token or the request, or answers garbage.
   * @throws {TimeoutError} when Auth0 did not answer in time.
   * @see [Management API: Get a user](https://auth0.com/docs/api/management/v2/users/get-users-by-id)
   */
  async getIdentities(userId: string, signal?: AbortSignal): Promise<Identity[]> {
    return (await this.getUser(userId, signal)).identities
  }

  /**
   * `GET /api/v2/users/{id}` (`read:users`): the user's id and identities, primary first.
   *
   * @throws {ManagementApiError} / {TimeoutError} as {@link getIdentities}.
   * @see [Management API: Get a user](https://auth0.com/docs/api/management/v2/users/get-users-by-id)
   */
  async getUser(userId: string, signal?: AbortSignal): Promise<ManagementUser> {
    const body = await this.#call('GET', `users/${encodeURIComponent(userId)}`, undefined, 'read:users', 'read the user', signal)
    const record = body !== null && typeof body === 'object' ? (body as { identities?: unknown; user_id?: unknown }) : {}
    return { userId: typeof record.user_id === 'string' ? record.user_id : userId, identities: parseIdentities(record.identities) }
  }

  /**
   * `POST /api/v2/users/{primary}/identities` (`update:users`): links `secondary` to `primaryId`
   * and answers the primary's identities. Auth0 then removes the secondary as a user of its own.
   *
   * @throws {IdentityAlreadyLinkedError} when Auth0 answers 409.
   * @throws {ManagementApiError} / {TimeoutError} as {@link getIdentities}; a 403 names the permission.
   * @see [Management API: Link a user account](https://auth0.com/docs/api/management/v2/users/post-identities)
   */
  async linkIdentity(primaryId: string, secondary: LinkSecondary, signal?: AbortSignal): Promise<Identity[]> {
    const body = 'linkWith' in secondary ? { link_with: secondary.linkWith } : { provider: secondary.provider, user_id: secondary.userId }
    const answer = await this.#call(
      'POST',
      `users/${encodeURIComponent(primaryId)}/identities`,
      body,
      'update:users',
      'link the identity',
      signal,
    )
    return parseIdentities(answer)
  }

  /**
   * `DELETE /api/v2/users/{primary}/identities/{provider}/{user_id}` (`update:users`): unlinks
   * one secondary identity, which Auth0 makes a user of its own again; answers what is left.
   *
   * @throws {ManagementApiError} / {TimeoutError} as {@link getIdentities}; a 403 names the permission.
   * @see [Management API: Unlink a user identity](https://auth0.com/docs/api/management/v2/users/delete-user-identity-by-user-id)
   */
  async unlinkIdentity(primaryId: string, provider: string, userId: string, signal?: AbortSignal): Promise<Identity[]> {
    const path = `users/${encodeURIComponent(primaryId)}/identities/${encodeURIComponent(provider)}/${encodeURIComponent(userId)}`
    const answer = await this.#call('DELETE', path, undefined, 'update:users', 'unlink the identity', signal)
    return answer === undefined ? [] : parseIdentities(answer)
  }

  /**
   * `GET /api/v2/users/{id}` with only `fields` (`include_fields=true`), for the metadata merge
   * and the remembered declines (`read:users`).
   *
   * @throws {ManagementApiError} with `upstreamStatus` 404 when the user does not exist.
   * @see [Management API: Get a user](https://auth0.com/docs/api/management/v2/users/get-users-by-id)
   */
  async readUser(userId: string, fields: readonly string[], signal?: AbortSignal): Promise<ManagementUserRecord> {
    const query = new URLSearchParams({ fields: fields.join(','), include_fields: 'true' })
    const path = `users/${encodeURIComponent(userId)}?${query}`
    return parseUserRecord(await this.#call('GET', path, undefined, 'read:users', 'read the user', signal))
  }

  /**
   * `GET /api/v2/users-by-email` (`read:users`): the users whose email is exactly `email`, with
   * only `fields`. Auth0 compares the email case-sensitively and answers immediately consistent
   * data, which is why its docs recommend this endpoint for account linking.
   *
   * @see [Management API: Search users by email](https://auth0.com/docs/api/management/v2/users-by-email/get-users-by-email)
   * @see [Retrieve users with the users-by-email endpoint](https://auth0.com/docs/manage-users/user-search/retrieve-users-with-get-users-by-email-endpoint)
   */
  async getUsersByEmail(email: string, fields: readonly string[], signal?: AbortSignal): Promise<ManagementUserRecord[]> {
    const query = new URLSearchParams({ email, fields: fields.join(','), include_fields: 'true' })
    const body = await this.#call('GET', `users-by-email?${query}`, undefined, 'read:users', 'find users by email', signal)
    if (!Array.isArray(body)) throw new ManagementApiError('The Management API answered users-by-email with something other than a list')
    return body.map(parseUserRecord)
  }

  /**
   * `PATCH /api/v2/users/{id}` (`update:users`) with `patch`. Auth0 merges `user_metadata` and
   * `app_metadata` only at their top level, deletes a property set to `null`, and wipes the whole
   * object when sent `{}`: callers send only the keys they mean to change.
   *
   * @see [Manage metadata with the Management API](https://auth0.com/docs/manage-users/user-accounts/metadata/manage-metadata-api)
   */
  async updateUser(userId: string, patch: MetadataPatch, signal?: AbortSignal): Promise<void> {
    await this.#call('PATCH', `users/${encodeURIComponent(userId)}`, patch, 'update:users', 'update the user', signal)
  }

  async #call(
    method: 'GET' | 'POST' | 'DELETE' | 'PATCH',
    path: string,
    body: unknown,
    permission: ManagementPermission,
    operation: string,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    const token = await this.#accessToken(signal)
    // Auth0 lists the granted permissions with the token: a missing one is said before the call.
    if (token.scopes && !token.scopes.has(permission)) throw missingPermission(permission, operation, undefined)
    return bearerJson(this.#tenant, {
      what: 'The Management API',
      method,
      url: new URL(path, this.#settings.audience),
      token: token.accessToken,
      body,
      signal,
      ErrorClass: ManagementApiError,
      refusal: (status, detail) => {
        // A revoked or rotated token: forget it so the next call fetches a new one.
        if (status === 401) this.#forget(token)
        if (status === 403) return missingPermission(permission, operation, detail)
        if (status === 409 && method === 'POST') {
          return new IdentityAlreadyLinkedError(`Auth0 refused to link: the identity is already linked${detail ? ` (${detail})` : ''}`)
        }
        return new ManagementApiError(`The Management API answered ${status} when asked to ${operation}${detail ? `: ${detail}` : ''}`, {
          upstreamStatus: status,
        })
      },
    })
  }

  /** The cached token while it is fresh; else one token request shared by concurrent callers. */
  async #accessToken(signal?: AbortSignal): Promise<CachedToken> {
    const held = this.#token.peek()
    if (held) {
      const token = await held.catch(() => undefined)
      if (token && isTokenFresh(token.expiresAt)) return token
      this.#token.forget(held)
    }
    return this.#token.get(() => this.#requestToken(signal))
  }

  #forget(token: CachedToken): void {
    const held = this.#token.peek()
    held?.then(
      (current) => {
        if (current === token) this.#token.forget(held)
      },
      () => {},
    )
  }

  async #requestToken(signal?: AbortSignal): Promise<CachedToken> {
    const tenant = this.#tenant
    const as = await tenant.metadata(signal)
    const parameters = { audience: this.#settings.audience.href }
    let tokens: oauth.TokenEndpointResponse
    try {
      tokens = await tenant.call('The Management API token request', signal, async (options) => {
        const response = await oauth.clientCredentialsGrantRequest(as, this.#client, this.#clientAuth, parameters, options)
        return oauth.processClientCredentialsResponse(as, this.#client, response)
      })
    } catch (error) {
      throw refusedToken(upstreamFailure(error, 'Auth0', ManagementApiError, 'a Management API token'), error)
    }
    // Auth0 always sends expires_in; without it, a minute keeps a misbehaving tenant from being hammered.
    const lifetime = tokens.expires_in ?? 60
    const scopes = typeof tokens.scope === 'string' ? new Set(scopeList(tokens.scope)) : undefined
    return { accessToken: tokens.access_token, expiresAt: nowInSeconds() + lifetime, scopes }
  }
}

function missingPermission(permission: ManagementPermission, operation: string, detail: string | undefined): ManagementApiError {
  return new ManagementApiError(
    `The Management API refused to ${operation}${detail ? ` (${detail})` : ''}: this application needs the ${permission} permission. ` +
      `Grant it in the ${GRANT_PLACE} and tick ${permission}.`,
    { upstreamStatus: 403 },
  )
}

/** A refused client-credentials request, with its cause spelled out and what to change. */
function refusedToken(sorted: Auth0LinkKitError, error: unknown): Auth0LinkKitError {
  if (!(sorted instanceof ManagementApiError) || !(error instanceof oauth.ResponseBodyError)) return sorted
  const description = typeof error.error_description === 'string' ? error.error_description.slice(0, 200) : undefined
  const cause = `${error.error}${description ? `: ${description}` : ''}`
  const remedy =
    error.error === 'access_denied'
      ? ` The application has no grant for the Management API: ${GRANT_PLACE} with read:users and update:users.`
      : error.error === 'unauthorized_client'
        ? ' Enable the Client Credentials grant: Auth0 Dashboard → Applications → this application → Advanced Settings → Grant Types.'
        : error.error === 'invalid_client'
          ? " Check the client id and secret (managementApi.clientId / clientSecret, else the app's own)."
          : ''
  return new ManagementApiError(`Auth0 refused a Management API token (${cause}).${remedy}`, {
    cause: error,
    error: error.error,
    upstreamStatus: error.status,
  })
}

function parseUserRecord(value: unknown): ManagementUserRecord {
  if (!isRecord(value)) throw new ManagementApiError('The Management API sent a user that is not an object')
  const { user_id, email_verified, identities, last_login, user_metadata, app_metadata } = value
  if (typeof user_id !== 'string') throw new ManagementApiError('The Management API sent a user without user_id')
  return {
    userId: user_id,
    emailVerified: email_verified === true,
    identities: identities === undefined ? [] : parseIdentities(identities),
    ...(typeof last_login === 'string' ? { lastLogin: last_login } : {}),
    ...(isRecord(user_metadata) ? { userMetadata: user_metadata } : {}),
    ...(isRecord(app_metadata) ? { appMetadata: app_metadata } : {}),
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function parseIdentities(value: unknown): Identity[] {
  if (!Array.isArray(value)) throw new ManagementApiError('The Management API sent no identities list')
  return value.map(parseIdentity)
}

function parseIdentity(value: unknown): Identity {
  if (value === null || typeof value !== 'object') throw new ManagementApiError('The Management API sent an identity that is not an object')
  const { connection, provider, user_id, isSocial, profileData } = value as Record<string, unknown>
  if (typeof connection !== 'string' || typeof provider !== 'string' || (typeof user_id !== 'string' && typeof user_id !== 'number')) {
    throw new ManagementApiError('The Management API sent an identity without connection, provider or user_id')
  }
  return {
    connection,
    provider,
    // Some providers (GitHub, Twitter) have numeric ids; Auth0 then sends a number.
    user_id: String(user_id),
    isSocial: isSocial === true,
    ...(profileData !== null && typeof profileData === 'object' ? { profileData: profileData as Record<string, unknown> } : {}),
  }
}
