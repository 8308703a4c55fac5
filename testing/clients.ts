/** @module The tenant's applications (clients) and their grants on its APIs, as the Management API reports them. */

import type { TenantContext } from './context.js'

/**
 * An application of the emulated tenant besides the one `clientId` names, e.g. a
 * machine-to-machine client for a post-login Action, with its grant on the Management API.
 *
 * @example
 * ```ts
 * const m2m: EmulatedClient = { client_id: 'm2m', client_secret: 'm2m-secret-that-is-long-enough', name: 'Linker',
 *   app_type: 'non_interactive', managementScopes: ['read:users', 'update:users'] }
 * const emulator = await createAuth0Emulator({ clients: [m2m] })
 * ```
 */
export interface EmulatedClient {
  client_id: string
  client_secret: string
  name: string
  app_type: 'regular_web' | 'non_interactive' | 'spa' | 'native'
  /** Exact callback URLs (Auth0 compares the `redirect_uri` as given). Default none. */
  callbacks?: string[]
  allowed_logout_urls?: string[]
  grant_types?: string[]
  /** Scopes of its grant on `https://<domain>/api/v2/`; omitted or `undefined`: no grant. */
  managementScopes?: string[] | undefined
}

/** A client grant, as `GET /api/v2/client-grants` lists it. */
export interface ClientGrant {
  id: string
  client_id: string
  audience: string
  scope: string[]
}

export interface ClientRegistrySettings {
  /** The app's exact callbacks; `undefined` accepts any http(s) callback (the permissive default). */
  callbacks: string[] | undefined
  allowedLogoutUrls: string[] | undefined
  /** Scopes of the app's grant on the Management API; `undefined`: none. */
  managementScopes: string[] | undefined
  refreshTokenRotation: boolean
  clients: EmulatedClient[]
}

/** The app client plus any others, their callbacks, logout URLs and API grants. */
export class ClientRegistry {
  readonly #clients = new Map<string, EmulatedClient>()
  readonly #grants: ClientGrant[] = []
  readonly #permissive: boolean
  readonly #permissiveLogout: boolean
  readonly #rotation: boolean

  constructor(
    private readonly tenant: TenantContext,
    settings: ClientRegistrySettings,
  ) {
    this.#permissive = settings.callbacks === undefined
    this.#permissiveLogout = settings.allowedLogoutUrls === undefined
    this.#rotation = settings.refreshTokenRotation
    const app: EmulatedClient = {
      client_id: tenant.clientId,
      client_secret: tenant.clientSecret,
      name: 'Default App',
      app_type: 'regular_web',
      callbacks: settings.callbacks ?? [],
      allowed_logout_urls: settings.allowedLogoutUrls ?? [],
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      managementScopes: settings.managementScopes,
    }
    for (const client of [app, ...settings.clients]) {
      if (this.#clients.has(client.client_id)) throw new TypeError(`Duplicate emulated client ${client.client_id}`)
      this.#clients.set(client.client_id, structuredClone(client))
      if (client.managementScopes !== undefined) {
        this.#grants.push({
          id: `cgr_${this.#grants.length + 1}${client.client_id.replace(/[^A-Za-z0-9]/g, '').slice(0, 12)}`,
          client_id: client.client_id,
          audience: tenant.managementAudience,
          scope: [...client.managementScopes],
        })
      }
    }
  }

  get(clientId: string): EmulatedClient | undefined {
    return this.#clients.get(clientId)
  }

  secretOf(clientId: string): string | undefined {
    return this.#clients.get(clientId)?.client_secret
  }

  knowsApi(audience: string): boolean {
    return audience === this.tenant.managementAudience
  }

  grantedScopes(clientId: string, audience: string): string[] | undefined {
    return this.#grants.find((grant) => grant.client_id === clientId && grant.audience === audience)?.scope
  }

  grants(clientId: string | null): ClientGrant[] {
    return structuredClone(this.#grants.filter((grant) => clientId === null || grant.client_id === clientId))
  }

  /** Auth0 compares `redirect_uri` with the allowed callbacks exactly; the app's default accepts any http(s) URL. */
  allowsCallback(clientId: string, redirectUri: string): boolean {
    const client = this.#clients.get(clientId)
    if (!client) return false
    if (clientId === this.tenant.clientId && this.#permissive) return true
    return (client.callbacks ?? []).includes(redirectUri)
  }

  allowsLogoutUrl(clientId: string, url: string): boolean {
    const client = this.#clients.get(clientId)
    if (!client) return false
    if (clientId === this.tenant.clientId && this.#permissiveLogout) return true
    return (client.allowed_logout_urls ?? []).includes(url)
  }

  /** The client as `GET /api/v2/clients/{id}` answers it (no secret unless asked with `read:client_keys`, which we never grant). */
  describe(clientId: string): Record<string, unknown> | undefined {
    const client = this.#clients.get(clientId)
    if (!client) return undefined
    const permissive = clientId === this.tenant.clientId
    const rotating = permissive && this.#rotation
    return {
      client_id: client.client_id,
      name: client.name,
      app_type: client.app_type,
      callbacks: permissive && this.#permissive ? ['*'] : [...(client.callbacks ?? [])],
      allowed_logout_urls: permissive && this.#permissiveLogout ? ['*'] : [...(client.allowed_logout_urls ?? [])],
      grant_types: [...(client.grant_types ?? ['client_credentials'])],
      token_endpoint_auth_method: 'client_secret_post',
      oidc_conformant: true,
      refresh_token: {
        rotation_type: rotating ? 'rotating' : 'non-rotating',
        expiration_type: rotating ? 'expiring' : 'non-expiring',
        leeway: 0,
        token_lifetime: 2_592_000,
        infinite_token_lifetime: !rotating,
      },
    }
  }
}
