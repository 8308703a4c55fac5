/**
 * @module A minimal Auth0 Management API client: users, their identities, users by email, and metadata updates.
 */

import * as oauth from 'oauth4webapi'
import type { ManagementApiSettings } from './config.js'
import { ManagementApiError, TimeoutError } from './errors.js'
import { isAbort } from './http.js'
import type { MetadataPatch } from './metadata-merge.js'
import { SharedPromise } from './shared-promise.js'
import type { Tenant } from './tenant.js'

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

/** Renew the Management API token this many seconds before it expires, so a request never carries a stale one. */
const TOKEN_EXPIRY_LEEWAY_SECONDS = 30

interface CachedToken {
  accessToken: string
  /** Milliseconds since the epoch. */
  expiresAt: number
}

/**
 * A minimal Management API client: `GET /api/v2/users/{id}` with a client-credentials token.
 * The token is cached until shortly before it expires; concurrent first calls share one token
 * request, and a failed request is forgotten so the next call tries again.
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
   * The user's linked identities, primary first. Needs the `read:users` permission.
   *
   * @throws {ManagementApiError} when Auth0 refuses the token or the request, or answers garbage.
   * @throws {TimeoutError} when Auth0 did not answer in time.
   * @see [Management API: Get a user](https://auth0.com/docs/api/management/v2/users/get-users-by-id)
   */
  async getIdentities(userId: string, signal?: AbortSignal): Promise<Identity[]> {
    const body = await this.#get(`users/${encodeURIComponent(userId)}`, signal)
    const identities = body !== null && typeof body === 'object' ? (body as { identities?: unknown }).identities : undefined
    if (!Array.isArray(identities)) throw new ManagementApiError('The Management API user has no identities list')
    return identities.map(parseIdentity)
  }

  /**
   * One user's record with only `fields` (Auth0's `fields` + `include_fields=true`), for the
   * metadata merge and the remembered declines. Needs `read:users`.
   *
   * @throws {ManagementApiError} with `upstreamStatus` 404 when the user does not exist.
   * @see [Management API: Get a user](https://auth0.com/docs/api/management/v2/users/get-users-by-id)
   */
  async getUser(userId: string, fields: readonly string[], signal?: AbortSignal): Promise<ManagementUser> {
    const query = new URLSearchParams({ fields: fields.join(','), include_fields: 'true' })
    return parseUser(await this.#send('GET', `users/${encodeURIComponent(userId)}?${query}`, undefined, signal))
  }

  /**
   * The users whose email is exactly `email` (Auth0 compares it case-sensitively and is
   * immediately consistent, which is why its docs recommend it for account linking). Needs
   * `read:users`.
   *
   * @see [Management API: Search users by email](https://auth0.com/docs/api/management/v2/users-by-email/get-users-by-email)
   * @see [Retrieve users with the users-by-email endpoint](https://auth0.com/docs/manage-users/user-search/retrieve-users-with-get-users-by-email-endpoint)
   */
  async getUsersByEmail(email: string, fields: readonly string[], signal?: AbortSignal): Promise<ManagementUser[]> {
    const query = new URLSearchParams({ email, fields: fields.join(','), include_fields: 'true' })
    const body = await this.#send('GET', `users-by-email?${query}`, undefined, signal)
    if (!Array.isArray(body)) throw new ManagementApiError('The Management API answered users-by-email with something other than a list')
    return body.map(parseUser)
  }

  /**
   * `PATCH /api/v2/users/{id}` with `patch`. Auth0 merges `user_metadata` and `app_metadata`
   * only at their top level, deletes a property set to `null`, and wipes the whole object when
   * sent `{}`: callers send only what they mean to change. Needs `update:users`.
   *
   * @see [Manage metadata with the Management API](https://auth0.com/docs/manage-users/user-accounts/metadata/manage-metadata-api)
   */
  async updateUser(userId: string, patch: MetadataPatch, signal?: AbortSignal): Promise<void> {
    await this.#send('PATCH', `users/${encodeURIComponent(userId)}`, patch, signal)
  }

  async #get(path: string, signal?: AbortSignal): Promise<unknown> {
    return this.#send('GET', path, undefined, signal)
  }

  async #send(method: 'GET' | 'PATCH', path: string, body: object | undefined, signal?: AbortSignal): Promise<unknown> {
    const token = await this.#accessToken(signal)
    const url = new URL(path, this.#settings.audience)
    return this.#tenant.call('The Management API', signal, async (options) => {
      let response: Response
      try {
        response = await this.#tenant.http.fetch(url, {
          method,
          headers: {
            authorization: `Bearer ${token.accessToken}`,
            accept: 'application/json',
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          ...(body ? { body: JSON.stringify(body) } : {}),
          signal: options.signal,
        })
      } catch (error) {
        // callAuth0 turns an abort into TimeoutError
        if (isAbort(error)) throw error
        throw new ManagementApiError('The Management API could not be reached', { cause: error })
      }
      // A revoked or rotated token: forget it so the next call fetches a new one.
      if (response.status === 401) this.#forget(token)
      if (!response.ok) {
        const detail = await errorDetail(response)
        throw new ManagementApiError(`The Management API answered ${response.status}${detail ? `: ${detail}` : ''}`, {
          upstreamStatus: response.status,
        })
      }
      try {
        return await response.json()
      } catch (error) {
        if (isAbort(error)) throw error
        throw new ManagementApiError('The Management API answered with invalid JSON', { cause: error, upstreamStatus: response.status })
      }
    })
  }

  /** The cached token while it is fresh; else one token request shared by concurrent callers. */
  async #accessToken(signal?: AbortSignal): Promise<CachedToken> {
    const held = this.#token.peek()
    if (held) {
      const token = await held.catch(() => undefined)
      if (token && token.expiresAt - TOKEN_EXPIRY_LEEWAY_SECONDS * 1000 > Date.now()) return token
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
      if (error instanceof TimeoutError) throw error
      if (error instanceof oauth.ResponseBodyError) {
        throw new ManagementApiError(
          `Auth0 refused a Management API token: ${error.error}${error.error_description ? ` (${error.error_description})` : ''}`,
          { cause: error, error: error.error, upstreamStatus: error.status },
        )
      }
      throw new ManagementApiError('Could not get a Management API token', { cause: error })
    }
    // Auth0 always sends expires_in; without it, a minute keeps a misbehaving tenant from being hammered.
    const lifetime = tokens.expires_in ?? 60
    return { accessToken: tokens.access_token, expiresAt: Date.now() + lifetime * 1000 }
  }
}

/**
 * The part of an Auth0 user record the kit reads: who it is, whether its email is verified,
 * its identities, when it last signed in, and its metadata. Anything else Auth0 sends is dropped.
 *
 * @example
 * ```ts
 * const user: ManagementUser = { userId: 'google-oauth2|1093', emailVerified: true, identities: [], userMetadata: { theme: 'dark' } }
 * ```
 */
export interface ManagementUser {
  userId: string
  emailVerified: boolean
  identities: Identity[]
  /** ISO 8601, when Auth0 recorded a login. */
  lastLogin?: string
  userMetadata?: Record<string, unknown>
  appMetadata?: Record<string, unknown>
}

function parseUser(value: unknown): ManagementUser {
  if (value === null || typeof value !== 'object') throw new ManagementApiError('The Management API sent a user that is not an object')
  const { user_id, email_verified, identities, last_login, user_metadata, app_metadata } = value as Record<string, unknown>
  if (typeof user_id !== 'string') throw new ManagementApiError('The Management API sent a user without user_id')
  return {
    userId: user_id,
    emailVerified: email_verified === true,
    identities: Array.isArray(identities) ? identities.map(parseIdentity) : [],
    ...(typeof last_login === 'string' ? { lastLogin: last_login } : {}),
    ...(isRecord(user_metadata) ? { userMetadata: user_metadata } : {}),
    ...(isRecord(app_metadata) ? { appMetadata: app_metadata } : {}),
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
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

/** Auth0's Management API errors are `{ statusCode, error, message }`; the message is safe to show. */
async function errorDetail(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.json()) as { message?: unknown }
    return typeof body.message === 'string' ? body.message.slice(0, 200) : undefined
  } catch {
    return undefined
  }
}
