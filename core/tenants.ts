/**
 * @module The Auth0 domains an instance talks to: the one configured, or, with a domain resolver
 * (multiple custom domains), one per request, each with its own discovery, key set and
 * Management API client, kept for a bounded number of domains.
 */

import { type ClientAuthentication, type ManagementApiSettings, parseIssuer } from './config.js'
import { Auth0LinkKitError, ConfigurationError } from './errors.js'
import type { HttpSettings } from './http.js'
import { ManagementApiClient } from './management-api.js'
import type { DomainResolver } from './options.js'
import { Tenant } from './tenant.js'
import { TenantKeySet } from './tenant-key-set.js'

/** What the flows need of one Auth0 domain. */
export interface TenantScope {
  tenant: Tenant
  keySet: TenantKeySet
  managementApi: ManagementApiClient
}

/** What a domain's scope is built from: the instance's client, HTTP and Management API settings. */
export interface TenantDirectorySettings {
  issuer: URL | undefined
  domainResolver: DomainResolver | undefined
  clientId: string
  clientAuthentication: ClientAuthentication
  http: HttpSettings
  dpop: CryptoKeyPair | undefined
  managementApi: ManagementApiSettings
}

/**
 * Domains whose discovery and keys are kept at once. An app has a handful of custom domains; the
 * bound keeps a resolver that misbehaves from growing the cache without end (the least recently
 * used domain goes first, and is discovered again when it comes back).
 */
const MAX_DOMAINS = 100

/** The configured domain's scope, or each resolved domain's, created on first use. */
export class TenantDirectory {
  readonly #settings: TenantDirectorySettings
  readonly #scopes = new Map<string, TenantScope>()
  /** The scope of a configured (string) domain; `undefined` with a resolver. */
  readonly fixed: TenantScope | undefined

  constructor(settings: TenantDirectorySettings) {
    this.#settings = settings
    this.fixed = settings.issuer ? this.#build(settings.issuer, settings.http.allowInsecureRequests) : undefined
  }

  #build(issuer: URL, allowInsecureRequests: boolean): TenantScope {
    const { clientId, clientAuthentication, dpop, managementApi } = this.#settings
    const http = { ...this.#settings.http, allowInsecureRequests }
    const tenant = new Tenant({ issuer, clientId, clientAuthentication, http, dpop })
    const audience = managementApi.audience ?? new URL('api/v2/', issuer)
    return { tenant, keySet: new TenantKeySet(tenant), managementApi: new ManagementApiClient(tenant, { ...managementApi, audience }) }
  }

  /**
   * The scope of the domain serving `request`: the configured one, or the resolver's answer,
   * validated as a configured domain is.
   *
   * @throws {ConfigurationError} (`domain`) when the resolver throws something that is not one of
   *   this library's errors (those pass through, e.g. `InvalidHostError`), or returns no domain,
   *   or a value that is not a host name or origin (a path, a query, plain http off loopback).
   */
  async forRequest(request: Request): Promise<TenantScope> {
    if (this.fixed) return this.fixed
    const resolve = this.#settings.domainResolver as DomainResolver
    let domain: unknown
    try {
      domain = await resolve({ request })
    } catch (error) {
      if (error instanceof Auth0LinkKitError) throw error
      throw new ConfigurationError('domain', 'the domain resolver failed', { cause: error })
    }
    if (typeof domain !== 'string' || domain.trim() === '') throw new ConfigurationError('domain', 'the domain resolver returned no domain')
    const { issuer, allowInsecureIssuer } = parseIssuer(domain.trim())
    const key = issuer.href
    const known = this.#scopes.get(key)
    if (known) {
      // Most recently used last, so the first entry is the one to drop.
      this.#scopes.delete(key)
      this.#scopes.set(key, known)
      return known
    }
    const scope = this.#build(issuer, allowInsecureIssuer)
    this.#scopes.set(key, scope)
    if (this.#scopes.size > MAX_DOMAINS) this.#scopes.delete(this.#scopes.keys().next().value as string)
    return scope
  }

  /**
   * The scope of `issuer` if this instance has talked to it: the configured one, or a resolved
   * domain still in the cache. A back-channel logout token names its issuer, and only a domain
   * the app uses may end its sessions.
   */
  seen(issuer: string): TenantScope | undefined {
    if (this.fixed) return this.fixed.tenant.issuer.href === issuer ? this.fixed : undefined
    return this.#scopes.get(issuer)
  }
}
