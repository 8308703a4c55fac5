/**
 * @module What several checks read from the tenant, each fetched at most once per run: the
 * discovery document, a Management API token (which also says whether the client authenticates
 * and which scopes its grant holds), and the application's own settings.
 */

import * as oauth from 'oauth4webapi'
import { clientAssertionAuth } from '../core/client-assertion.js'
import { type Answer, jsonObject, type NoAnswer, oauthErrorText, type Probe } from './probe.js'
import { printable } from './report.js'
import type { DoctorSettings } from './settings.js'

/** The discovery document, or why it could not be had. */
export type DiscoveryFact =
  | { ok: true; metadata: oauth.AuthorizationServer; answer: Answer }
  | { ok: false; reason: string; noAnswer: boolean }

/** How a client-credentials request for the Management API came out. */
export type TokenFact =
  | { kind: 'granted'; scopes: string[]; accessToken: string }
  /** Wrong client id or secret (or assertion): the client did not authenticate. */
  | { kind: 'invalid-client'; text: string }
  /** The client authenticated, but the Client Credentials grant type is off for it. */
  | { kind: 'grant-type-off'; text: string }
  /** The client authenticated, but has no grant for the Management API. */
  | { kind: 'no-grant'; text: string }
  | { kind: 'unavailable'; reason: string }

/**
 * The application's settings as `GET /api/v2/clients/{id}` lists them (only the fields asked for).
 * @see [Management API: Get a client](https://auth0.com/docs/api/management/v2/clients/get-clients-by-id)
 */
export interface ClientSettings {
  grantTypes: string[] | undefined
  rotationType: string | undefined
  /** Multi-Resource Refresh Token policies: `{ audience, scope[] }`. */
  refreshTokenPolicies: Array<{ audience: string; scope: string[] }>
}

/** A Management API read: its JSON, or why there is none (`permission` names the scope that would allow it). */
export type ManagementRead<T> = { ok: true; value: T } | { ok: false; reason: string; permission?: string }

const CLIENT_FIELDS = ['client_id', 'grant_types', 'refresh_token'].join(',')

/** The `scope` claim of a JWT access token, read without verifying: it is our own token, read for a report only. */
function scopeClaim(accessToken: string): string[] | undefined {
  const payload = accessToken.split('.')[1]
  if (!payload) return undefined
  try {
    const claims: unknown = JSON.parse(new TextDecoder().decode(decodeBase64Url(payload)))
    const scope = claims !== null && typeof claims === 'object' ? (claims as { scope?: unknown }).scope : undefined
    return typeof scope === 'string' ? scope.split(' ').filter(Boolean) : undefined
  } catch {
    return undefined
  }
}

function decodeBase64Url(text: string): Uint8Array {
  const binary = atob(
    text
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(text.length / 4) * 4, '='),
  )
  return Uint8Array.from(binary, (char) => char.charCodeAt(0))
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined
}

export class TenantFacts {
  readonly #settings: DoctorSettings
  readonly #probe: Probe
  #discovery: Promise<DiscoveryFact> | undefined
  #managementToken: Promise<TokenFact> | undefined
  #appToken: Promise<TokenFact> | undefined
  #client: Promise<ManagementRead<ClientSettings>> | undefined

  constructor(settings: DoctorSettings, probe: Probe) {
    this.#settings = settings
    this.#probe = probe
  }

  get probe(): Probe {
    return this.#probe
  }

  get settings(): DoctorSettings {
    return this.#settings
  }

  discovery(): Promise<DiscoveryFact> {
    this.#discovery ??= this.#discover()
    return this.#discovery
  }

  /** The Management API token of the client the app uses for it (`managementApi.clientId`, else its own). */
  managementToken(): Promise<TokenFact> {
    this.#managementToken ??= this.#requestToken(this.#settings.managementClient)
    return this.#managementToken
  }

  /** A client-credentials request of the app's own client, to see whether it authenticates. */
  appToken(): Promise<TokenFact> {
    if (!this.#settings.managementClient) return this.managementToken()
    this.#appToken ??= this.#requestToken(undefined)
    return this.#appToken
  }

  clientSettings(): Promise<ManagementRead<ClientSettings>> {
    this.#client ??= this.#readClient()
    return this.#client
  }

  /**
   * A `GET` below the Management API audience with the Management API token, needing `permission`.
   * Refused without a call when the token's scopes lack it.
   */
  async managementGet(path: string, permission: string): Promise<ManagementRead<unknown>> {
    const token = await this.managementToken()
    if (token.kind !== 'granted') return { ok: false, reason: 'no Management API token (see management-api-grant)', permission }
    if (!token.scopes.includes(permission)) {
      return { ok: false, reason: `the Management API grant lacks ${permission}`, permission }
    }
    const answer = await this.#probe.request('The Management API', new URL(path, this.#settings.managementAudience), {
      headers: { authorization: `Bearer ${token.accessToken}`, accept: 'application/json' },
    })
    if (answer.kind === 'no-answer') return { ok: false, reason: answer.reason }
    if (answer.status === 403) return { ok: false, reason: `the Management API refused: ${oauthErrorText(answer)}`, permission }
    if (answer.status !== 200) return { ok: false, reason: `the Management API answered ${answer.status}: ${oauthErrorText(answer)}` }
    try {
      return { ok: true, value: JSON.parse(answer.body) as unknown }
    } catch {
      return { ok: false, reason: 'the Management API answered with invalid JSON' }
    }
  }

  async #discover(): Promise<DiscoveryFact> {
    const url = new URL('.well-known/openid-configuration', this.#settings.issuer)
    const answer = await this.#probe.request('The tenant', url, { headers: { accept: 'application/json' } })
    if (answer.kind === 'no-answer') return { ok: false, reason: answer.reason, noAnswer: true }
    if (answer.status !== 200) return { ok: false, reason: `${url.href} answered ${answer.status}`, noAnswer: false }
    const body = jsonObject(answer)
    if (!body) return { ok: false, reason: `${url.href} is not a JSON object`, noAnswer: false }
    if (body.issuer !== this.#settings.issuer.href) {
      const found = typeof body.issuer === 'string' ? printable(body.issuer, 80) : 'none'
      return { ok: false, reason: `discovery names issuer ${found}, expected ${this.#settings.issuer.href}`, noAnswer: false }
    }
    return { ok: true, metadata: body as unknown as oauth.AuthorizationServer, answer }
  }

  async #requestToken(client: { clientId: string; clientSecret: string } | undefined): Promise<TokenFact> {
    const discovery = await this.discovery()
    if (!discovery.ok) return { kind: 'unavailable', reason: 'no discovery document (see discovery)' }
    const settings = this.#settings
    const clientAuth = client ? oauth.ClientSecretPost(client.clientSecret) : this.#appClientAuth()
    const answer: Answer | NoAnswer = await this.#probe.bounded('The token endpoint', async (signal) => {
      const response = await oauth.clientCredentialsGrantRequest(
        discovery.metadata,
        { client_id: client?.clientId ?? settings.clientId },
        clientAuth,
        new URLSearchParams({ audience: settings.managementAudience.href }),
        { [oauth.customFetch]: settings.http.fetch, [oauth.allowInsecureRequests]: settings.http.allowInsecureRequests, signal },
      )
      return { kind: 'answer', status: response.status, headers: response.headers, body: await response.text() } satisfies Answer
    })
    if (answer.kind === 'no-answer') return { kind: 'unavailable', reason: answer.reason }
    const body = jsonObject(answer)
    if (answer.status === 200 && typeof body?.access_token === 'string') {
      const scopes = scopeClaim(body.access_token) ?? (typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : [])
      return { kind: 'granted', scopes, accessToken: body.access_token }
    }
    const text = oauthErrorText(answer)
    const error = typeof body?.error === 'string' ? body.error : undefined
    if (error === 'invalid_client' || answer.status === 401) return { kind: 'invalid-client', text }
    if (error === 'unauthorized_client') return { kind: 'grant-type-off', text }
    if (error === 'access_denied' || answer.status === 403) return { kind: 'no-grant', text }
    return { kind: 'unavailable', reason: `the token endpoint answered ${answer.status}: ${text}` }
  }

  /**
   * Pushes authorization parameters as the app's client (RFC 9126), for a tenant that requires
   * PAR: Auth0 checks `redirect_uri` there. The `request_uri` it answers is never used.
   */
  async pushAuthorization(params: URLSearchParams): Promise<Answer | NoAnswer> {
    const discovery = await this.discovery()
    if (!discovery.ok) return { kind: 'no-answer', reason: 'no discovery document (see discovery)' }
    const http = this.#settings.http
    return this.#probe.bounded('The PAR endpoint', async (signal) => {
      const response = await oauth.pushedAuthorizationRequest(
        discovery.metadata,
        { client_id: this.#settings.clientId },
        this.#appClientAuth(),
        params,
        {
          [oauth.customFetch]: http.fetch,
          [oauth.allowInsecureRequests]: http.allowInsecureRequests,
          signal,
        },
      )
      return { kind: 'answer', status: response.status, headers: response.headers, body: await response.text() } satisfies Answer
    })
  }

  #appClientAuth(): oauth.ClientAuth {
    const authentication = this.#settings.clientAuthentication
    return authentication.method === 'private_key_jwt'
      ? clientAssertionAuth(authentication.key)
      : oauth.ClientSecretPost(authentication.clientSecret)
  }

  async #readClient(): Promise<ManagementRead<ClientSettings>> {
    const path = `clients/${encodeURIComponent(this.#settings.clientId)}?fields=${CLIENT_FIELDS}&include_fields=true`
    const read = await this.managementGet(path, 'read:clients')
    if (!read.ok) return read
    const body = read.value !== null && typeof read.value === 'object' ? (read.value as Record<string, unknown>) : {}
    const refreshToken =
      body.refresh_token !== null && typeof body.refresh_token === 'object' ? (body.refresh_token as Record<string, unknown>) : {}
    const policies = Array.isArray(refreshToken.policies) ? refreshToken.policies : []
    return {
      ok: true,
      value: {
        grantTypes: strings(body.grant_types),
        rotationType: typeof refreshToken.rotation_type === 'string' ? refreshToken.rotation_type : undefined,
        refreshTokenPolicies: policies.flatMap((policy: unknown) => {
          const entry = policy !== null && typeof policy === 'object' ? (policy as Record<string, unknown>) : {}
          return typeof entry.audience === 'string' ? [{ audience: entry.audience, scope: strings(entry.scope) ?? [] }] : []
        }),
      },
    }
  }
}
