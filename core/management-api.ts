import * as oauth from 'oauth4webapi'
import { type AuthorizationServerConnection, isAbort } from './authorization-server.js'
import { ManagementApiError, TimeoutError } from './errors.js'

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
 * Where the Management API is and which client asks it: resolved from `managementApi` options.
 *
 * @example
 * ```ts
 * const { audience, client } = resolveConfig({ ...options, managementApi: { audience: 'https://example.eu.auth0.com/api/v2/' } }).managementApi
 * ```
 */
export interface ManagementApiSettings {
  /** The API identifier and, as with Auth0's own API, its base URL (`https://<domain>/api/v2/`). */
  audience: URL
  /** A separate client for the Management API; `undefined` means the app's own credentials. */
  client: { clientId: string; clientSecret: string } | undefined
}

/**
 * A minimal Management API client: `GET /api/v2/users/{id}` with a client-credentials token.
 * The token is cached until shortly before it expires; concurrent first calls share one token
 * request, and a failed request is forgotten so the next call tries again.
 */
export class ManagementApiClient {
  readonly #connection: AuthorizationServerConnection
  readonly #settings: ManagementApiSettings
  readonly #client: oauth.Client
  readonly #clientAuth: oauth.ClientAuth
  #token: Promise<CachedToken> | undefined

  constructor(connection: AuthorizationServerConnection, settings: ManagementApiSettings) {
    this.#connection = connection
    this.#settings = settings
    this.#client = settings.client ? { client_id: settings.client.clientId } : connection.client
    this.#clientAuth = settings.client ? oauth.ClientSecretPost(settings.client.clientSecret) : connection.clientAuth
  }

  /** The user's linked identities, primary first. Needs the `read:users` permission. */
  async getIdentities(userId: string, signal?: AbortSignal): Promise<Identity[]> {
    const body = await this.#get(`users/${encodeURIComponent(userId)}`, signal)
    const identities = body !== null && typeof body === 'object' ? (body as { identities?: unknown }).identities : undefined
    if (!Array.isArray(identities)) throw new ManagementApiError('The Management API user has no identities list')
    return identities.map(parseIdentity)
  }

  async #get(path: string, signal?: AbortSignal): Promise<unknown> {
    const token = await this.#accessToken(signal)
    const url = new URL(path, this.#settings.audience)
    return this.#connection.withHttpOptions(signal, async (options) => {
      let response: Response
      try {
        response = await this.#connection.config.fetch(url, {
          headers: { authorization: `Bearer ${token.accessToken}`, accept: 'application/json' },
          signal: options.signal,
        })
      } catch (error) {
        if (isAbort(error)) throw new TimeoutError('The Management API timed out', { cause: error })
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
        if (isAbort(error)) throw new TimeoutError('The Management API timed out', { cause: error })
        throw new ManagementApiError('The Management API answered with invalid JSON', { cause: error, upstreamStatus: response.status })
      }
    })
  }

  #accessToken(signal?: AbortSignal): Promise<CachedToken> {
    const cached = this.#token
    if (cached) {
      return cached.then((token) => (token.expiresAt - TOKEN_EXPIRY_LEEWAY_SECONDS * 1000 > Date.now() ? token : this.#renew(cached, signal)))
    }
    return this.#renew(undefined, signal)
  }

  /** Replaces `stale` (unless another call already did) with one shared token request. */
  #renew(stale: Promise<CachedToken> | undefined, signal?: AbortSignal): Promise<CachedToken> {
    if (this.#token !== stale) return this.#accessToken(signal)
    const request = this.#requestToken(signal)
    this.#token = request
    request.catch(() => {
      if (this.#token === request) this.#token = undefined
    })
    return request
  }

  #forget(token: CachedToken): void {
    const cached = this.#token
    cached?.then((current) => {
      if (current === token && this.#token === cached) this.#token = undefined
    }, () => {})
  }

  async #requestToken(signal?: AbortSignal): Promise<CachedToken> {
    const connection = this.#connection
    const as = await connection.metadata(signal)
    const parameters = { audience: this.#settings.audience.href }
    let tokens: oauth.TokenEndpointResponse
    try {
      tokens = await connection.withHttpOptions(signal, async (options) => {
        const response = await oauth.clientCredentialsGrantRequest(as, this.#client, this.#clientAuth, parameters, options)
        return oauth.processClientCredentialsResponse(as, this.#client, response)
      })
    } catch (error) {
      if (isAbort(error)) throw new TimeoutError('The Management API token request timed out', { cause: error })
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
