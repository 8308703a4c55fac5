import { compactVerify, createLocalJWKSet, errors as joseErrors, type JSONWebKeySet, type JWTPayload, jwtVerify } from 'jose'
import type * as oauth from 'oauth4webapi'
import { type AuthorizationServerConnection, isAbort } from './authorization-server.js'
import { DiscoveryError, TimeoutError } from './errors.js'

/** Asymmetric algorithms only: an HS256 token "signed" with the client secret is refused. */
const SIGNING_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']

/** A key that is not in the set triggers one refetch, but not more often than this (ms). */
const REFETCH_COOLDOWN = 30_000

type KeySet = ReturnType<typeof createLocalJWKSet>

/**
 * The tenant's JSON Web Key Set: fetched once, shared by concurrent first callers, refetched once
 * when a token names a key it does not hold (Auth0 rotated its keys), and not cached on failure.
 */
export class TenantKeySet {
  readonly #connection: AuthorizationServerConnection
  #keys: Promise<KeySet> | undefined
  #lastRefetch = -Infinity

  constructor(connection: AuthorizationServerConnection) {
    this.#connection = connection
  }

  #load(as: oauth.AuthorizationServer): Promise<KeySet> {
    this.#keys ??= this.#fetch(as).catch((error: unknown) => {
      this.#keys = undefined
      throw error
    })
    return this.#keys
  }

  async #fetch(as: oauth.AuthorizationServer): Promise<KeySet> {
    if (!as.jwks_uri) throw new DiscoveryError('The discovery document has no jwks_uri')
    let body: unknown
    try {
      body = await this.#connection.withHttpOptions(undefined, async ({ signal }) => {
        const response = await this.#connection.config.fetch(as.jwks_uri!, { headers: { accept: 'application/json' }, signal })
        if (!response.ok) throw new Error(`JWKS answered ${response.status}`)
        return response.json()
      })
    } catch (error) {
      if (isAbort(error)) throw new TimeoutError('Fetching the tenant key set timed out', { cause: error })
      throw new DiscoveryError('Could not load the tenant key set', { cause: error })
    }
    try {
      return createLocalJWKSet(body as JSONWebKeySet)
    } catch (error) {
      throw new DiscoveryError('The tenant key set is malformed', { cause: error })
    }
  }

  /** Resolves to the verified payload, or rejects with a jose error (or our discovery errors). */
  async verify<T>(token: string, verifier: (keys: KeySet) => Promise<T>): Promise<T> {
    const as = await this.#connection.metadata()
    try {
      return await verifier(await this.#load(as))
    } catch (error) {
      if (!(error instanceof joseErrors.JWKSNoMatchingKey) || Date.now() - this.#lastRefetch < REFETCH_COOLDOWN) throw error
      this.#lastRefetch = Date.now()
      this.#keys = undefined
      return verifier(await this.#load(as))
    }
  }

  /** Checks only the signature (oauth4webapi has checked the claims). */
  verifySignature(token: string): Promise<unknown> {
    return this.verify(token, (keys) => compactVerify(token, keys, { algorithms: SIGNING_ALGORITHMS }))
  }

  /** Verifies signature and the registered claims of a JWT issued by the tenant to this client. */
  verifyJwt(token: string, options: { typ?: string; maxTokenAge?: number }): Promise<JWTPayload> {
    const { issuer, clientId } = this.#connection.config
    return this.verify(token, async (keys) => {
      const { payload } = await jwtVerify(token, keys, {
        algorithms: SIGNING_ALGORITHMS,
        issuer: issuer.href,
        audience: clientId,
        clockTolerance: 60,
        ...(options.maxTokenAge === undefined ? {} : { maxTokenAge: options.maxTokenAge }),
        ...(options.typ === undefined ? {} : { typ: options.typ }),
      })
      return payload
    })
  }
}

