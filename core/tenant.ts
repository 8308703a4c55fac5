/**
 * @module The Auth0 tenant as oauth4webapi sees it: its discovery metadata, this app as its
 * client, and how the app authenticates to it.
 */

import * as oauth from 'oauth4webapi'
import { clientAssertionAuth } from './client-assertion.js'
import type { ClientAuthentication } from './config.js'
import { DiscoveryError, TimeoutError } from './errors.js'
import { callAuth0, type HttpOptions, type HttpSettings } from './http.js'
import { SharedPromise } from './shared-promise.js'

/** What the tenant connection needs, and nothing else of the configuration. */
export interface TenantSettings {
  issuer: URL
  clientId: string
  clientAuthentication: ClientAuthentication
  http: HttpSettings
  dpop: CryptoKeyPair | undefined
}

function clientAuthFor(authentication: ClientAuthentication): oauth.ClientAuth {
  return authentication.method === 'private_key_jwt'
    ? clientAssertionAuth(authentication.key)
    : oauth.ClientSecretPost(authentication.clientSecret)
}

/**
 * One Auth0 tenant. Discovery runs once per instance; concurrent first requests share one
 * fetch, and a failed fetch is forgotten so the next request tries again.
 */
export class Tenant {
  readonly issuer: URL
  readonly http: HttpSettings
  readonly client: oauth.Client
  readonly clientAuth: oauth.ClientAuth
  /** Signs DPoP proofs for the token and PAR endpoints and keeps the tenant's nonces; with `dpop` only. */
  readonly dpop: oauth.DPoPHandle | undefined
  readonly #metadata = new SharedPromise<oauth.AuthorizationServer>()

  constructor(settings: TenantSettings) {
    this.issuer = settings.issuer
    this.http = settings.http
    this.client = { client_id: settings.clientId }
    this.clientAuth = clientAuthFor(settings.clientAuthentication)
    this.dpop = settings.dpop ? oauth.DPoP(this.client, settings.dpop) : undefined
  }

  /** Runs one call to this tenant; see {@link callAuth0}. */
  call<T>(what: string, signal: AbortSignal | undefined, call: (options: HttpOptions) => Promise<T>): Promise<T> {
    return callAuth0(this.http, what, signal, call)
  }

  /**
   * The tenant's discovery document.
   *
   * @throws {DiscoveryError} when it cannot be fetched or is not this issuer's.
   * @throws {TimeoutError} when the tenant did not answer in time.
   * @see [OpenID Connect Discovery 1.0 §4](https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig)
   */
  metadata(signal?: AbortSignal): Promise<oauth.AuthorizationServer> {
    return this.#metadata.get(() => this.#discover(signal))
  }

  async #discover(signal?: AbortSignal): Promise<oauth.AuthorizationServer> {
    const issuer = this.issuer
    try {
      return await this.call('Auth0 discovery', signal, async (options) => {
        const response = await oauth.discoveryRequest(issuer, { ...options, algorithm: 'oidc' })
        return oauth.processDiscoveryResponse(issuer, response)
      })
    } catch (error) {
      if (error instanceof TimeoutError) throw error
      throw new DiscoveryError('Could not load the tenant discovery document', { cause: error })
    }
  }
}
