/**
 * @module The tenant's signing keys, and the signature checks oauth4webapi leaves to us.
 */

import { compactVerify, createLocalJWKSet, type JSONWebKeySet, errors as joseErrors } from 'jose'
import type * as oauth from 'oauth4webapi'
import { DiscoveryError, TimeoutError } from './errors.js'
import { SharedPromise } from './shared-promise.js'
import type { Tenant } from './tenant.js'

/** Asymmetric algorithms only: an HS256 token "signed" with the client secret is refused. */
export const SIGNING_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']

/** A key that is not in the set triggers one refetch, but not more often than this (ms). */
const REFETCH_COOLDOWN = 30_000

/** The keys a verifier gets. */
export type KeySet = ReturnType<typeof createLocalJWKSet>

/**
 * The tenant's JSON Web Key Set: fetched once, shared by concurrent first callers, refetched once
 * when a token names a key it does not hold (Auth0 rotated its keys), and not cached on failure.
 */
export class TenantKeySet {
  readonly #tenant: Tenant
  readonly #keys = new SharedPromise<KeySet>()
  #lastRefetch = -Infinity

  constructor(tenant: Tenant) {
    this.#tenant = tenant
  }

  #load(as: oauth.AuthorizationServer): Promise<KeySet> {
    return this.#keys.get(() => this.#fetch(as))
  }

  async #fetch(as: oauth.AuthorizationServer): Promise<KeySet> {
    if (!as.jwks_uri) throw new DiscoveryError('The discovery document has no jwks_uri')
    const jwksUri = as.jwks_uri
    let body: unknown
    try {
      body = await this.#tenant.call('Fetching the tenant key set', undefined, async ({ signal }) => {
        const response = await this.#tenant.http.fetch(jwksUri, { headers: { accept: 'application/json' }, signal })
        if (!response.ok) throw new Error(`JWKS answered ${response.status}`)
        return response.json()
      })
    } catch (error) {
      if (error instanceof TimeoutError) throw error
      throw new DiscoveryError('Could not load the tenant key set', { cause: error })
    }
    try {
      return createLocalJWKSet(body as JSONWebKeySet)
    } catch (error) {
      throw new DiscoveryError('The tenant key set is malformed', { cause: error })
    }
  }

  /** Resolves to the verified payload, or rejects with a jose error (or our discovery errors). */
  async verify<T>(verifier: (keys: KeySet) => Promise<T>): Promise<T> {
    const as = await this.#tenant.metadata()
    try {
      return await verifier(await this.#load(as))
    } catch (error) {
      if (!(error instanceof joseErrors.JWKSNoMatchingKey) || Date.now() - this.#lastRefetch < REFETCH_COOLDOWN) throw error
      this.#lastRefetch = Date.now()
      this.#keys.forget()
      return verifier(await this.#load(as))
    }
  }

  /** Checks only the signature (oauth4webapi has checked the claims). */
  verifySignature(token: string): Promise<unknown> {
    return this.verify((keys) => compactVerify(token, keys, { algorithms: SIGNING_ALGORITHMS }))
  }
}
