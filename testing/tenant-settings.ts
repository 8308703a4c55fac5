/**
 * @module The application settings and tenant configuration the tenant doctor reads, in front of
 * an emulator until the emulator serves them itself: Allowed Callback and Logout URLs, the
 * client's Management API grant, `GET /api/v2/clients/{id}` (grant types, refresh-token rotation
 * and policies) and the post-login Action bindings. Each misconfiguration the doctor tells apart
 * is one option. Requests it does not answer go to the emulator unchanged.
 *
 * Auth0 behaviour imitated (sources or "assumption"):
 * - a `redirect_uri` not in Allowed Callback URLs gets Auth0's error page "Callback URL mismatch.
 *   The provided redirect_uri is not in the list of allowed callback URLs." and no redirect
 *   (https://auth0.com/docs/customize/login-pages/custom-error-pages; the page text as quoted in
 *   github.com/auth0-samples/auth0-nodejs-webapp-sample/issues/80); status 400 is an assumption;
 * - a logout return URL not in Allowed Logout URLs gets an error page naming "Allowed Logout
 *   URLs" (wording an assumption), no redirect;
 * - client credentials for an API without a client grant: 403 `access_denied` "Client is not
 *   authorized to access …" (assumption from Auth0 community answers);
 * - Management API 403 body `{ statusCode, error, message, errorCode: 'insufficient_scope' }`
 *   (https://auth0.com/docs/api/management/v2 error shape);
 * - `GET /api/v2/clients/{id}` fields `grant_types`, `refresh_token.rotation_type`,
 *   `refresh_token.policies[{ audience, scope[] }]` (node-auth0 `ClientRefreshTokenPolicy`);
 * - `GET /api/v2/actions/triggers/post-login/bindings` → `{ bindings: [{ id, trigger_id,
 *   display_name, action: { id, name, … } }], total, page, per_page }`
 *   (https://auth0.com/docs/api/management/v2/actions/get-bindings).
 */

import type { Auth0Emulator } from './emulator.js'
import { html, json, readForm } from './http.js'
import { MY_ACCOUNT_SCOPES } from './my-account.js'

const TOKEN_VAULT_GRANT = 'urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token'

/** Options for {@link withTenantSettings}; every default is a tenant set up as the kit needs. */
export interface TenantSettingsOptions {
  /** Allowed Callback URLs. Default: any http(s) URL on a loopback host or `localhost`. */
  callbacks?: string[]
  /** Allowed Logout URLs. Default: any http(s) URL on a loopback host or `localhost`. */
  allowedLogoutUrls?: string[]
  /** The app client's Management API grant; `null` for none. Default `read:users update:users read:clients read:actions`. */
  managementScopes?: string[] | null
  /** The application's grant types. Default authorization code, refresh token, client credentials and Token Vault. */
  grantTypes?: string[]
  /** `refresh_token.rotation_type`. Default `'non-rotating'`. */
  rotationType?: 'rotating' | 'non-rotating'
  /** Multi-Resource Refresh Token policies. Default the My Account API with the connected-accounts scopes. */
  refreshTokenPolicies?: Array<{ audience: string; scope: string[] }>
  /** Names of the Actions bound to post-login, in order. Default none. */
  postLoginActions?: string[]
}

/** The emulator behind the settings, as `handle` and `fetch`. */
export interface TenantWithSettings {
  handle(request: Request): Promise<Response>
  fetch: typeof fetch
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

function allowed(list: string[] | undefined, value: string): boolean {
  if (list) return list.includes(value)
  if (!URL.canParse(value)) return false
  const url = new URL(value)
  return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK.has(url.hostname)
}

function random(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('')
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char)

function errorPage(title: string, text: string): Response {
  return html(
    `<!doctype html><html><head><title>Error</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`,
    400,
  )
}

/**
 * Puts the application settings the tenant doctor reads in front of `emulator`.
 *
 * @example
 * ```ts
 * const tenant = withTenantSettings(await createAuth0Emulator(), { rotationType: 'rotating' })
 * const report = await doctor({ domain: emulator.domain, clientId, clientSecret, secret, appBaseUrl, fetch: tenant.fetch })
 * ```
 */
export function withTenantSettings(emulator: Auth0Emulator, options: TenantSettingsOptions = {}): TenantWithSettings {
  const managementAudience = `${emulator.origin}/api/v2/`
  const scopes =
    options.managementScopes === undefined ? ['read:users', 'update:users', 'read:clients', 'read:actions'] : options.managementScopes
  /** Management API tokens this layer issued, with their scopes. */
  const tokens = new Map<string, string[]>()

  async function clientCredentials(request: Request): Promise<Response | undefined> {
    const form = await readForm(request.clone())
    if (form?.get('grant_type') !== 'client_credentials' || form.get('audience') !== managementAudience) return undefined
    // The emulator authenticates the client (a wrong secret stays its 401 invalid_client).
    const answer = await emulator.handle(request)
    if (answer.status !== 200) return answer
    if (scopes === null) {
      return json(
        {
          error: 'access_denied',
          error_description: `Client is not authorized to access "${managementAudience}". You need to create a "client-grant" associated to this API.`,
        },
        403,
      )
    }
    const accessToken = `mgmt_${random()}`
    tokens.set(accessToken, scopes)
    return json({ access_token: accessToken, token_type: 'Bearer', expires_in: 86_400, scope: scopes.join(' ') })
  }

  function management(request: Request, url: URL): Response | undefined {
    const route = url.pathname.startsWith('/api/v2/clients/')
      ? { permission: 'read:clients', answer: () => client(decodeURIComponent(url.pathname.slice('/api/v2/clients/'.length))) }
      : url.pathname === '/api/v2/actions/triggers/post-login/bindings'
        ? { permission: 'read:actions', answer: bindings }
        : undefined
    if (!route) return undefined
    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1]
    const granted = token ? tokens.get(token) : undefined
    // Not one of ours: the emulator's own Management API answers (it knows its own tokens).
    if (!granted) return undefined
    if (!granted.includes(route.permission)) {
      return json(
        {
          statusCode: 403,
          error: 'Forbidden',
          message: `Insufficient scope, expected any of: ${route.permission}`,
          errorCode: 'insufficient_scope',
        },
        403,
      )
    }
    return route.answer()
  }

  function client(id: string): Response {
    if (id !== emulator.clientId)
      return json({ statusCode: 404, error: 'Not Found', message: 'The client does not exist', errorCode: 'inexistent_client' }, 404)
    return json({
      client_id: emulator.clientId,
      grant_types: options.grantTypes ?? ['authorization_code', 'refresh_token', 'client_credentials', TOKEN_VAULT_GRANT],
      refresh_token: {
        rotation_type: options.rotationType ?? 'non-rotating',
        expiration_type: 'non-expiring',
        policies: options.refreshTokenPolicies ?? [{ audience: emulator.myAccountAudience, scope: [...MY_ACCOUNT_SCOPES] }],
      },
    })
  }

  function bindings(): Response {
    const names = options.postLoginActions ?? []
    return json({
      total: names.length,
      page: 0,
      per_page: 50,
      bindings: names.map((name, index) => ({
        id: `binding-${index + 1}`,
        trigger_id: 'post-login',
        display_name: name,
        action: { id: `action-${index + 1}`, name, supported_triggers: [{ id: 'post-login', version: 'v3' }], all_changes_deployed: true },
      })),
    })
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url)
    if (request.method === 'POST' && url.pathname === '/oauth/token') {
      const answer = await clientCredentials(request)
      if (answer) return answer
    }
    if (request.method === 'GET' && url.pathname === '/authorize' && !url.searchParams.has('request_uri')) {
      const redirectUri = url.searchParams.get('redirect_uri') ?? ''
      if (!allowed(options.callbacks, redirectUri)) {
        return errorPage('Callback URL mismatch.', `The provided redirect_uri is not in the list of allowed callback URLs: ${redirectUri}`)
      }
    }
    if (request.method === 'GET' && (url.pathname === '/v2/logout' || url.pathname === '/oidc/logout')) {
      const target = url.searchParams.get(url.pathname === '/v2/logout' ? 'returnTo' : 'post_logout_redirect_uri')
      if (target !== null && !allowed(options.allowedLogoutUrls, target)) {
        return errorPage(
          'invalid_request',
          `The "returnTo" querystring parameter "${target}" is not defined as a valid URL in "Allowed Logout URLs".`,
        )
      }
    }
    if (request.method === 'GET') {
      const answer = management(request, url)
      if (answer) return answer
    }
    return emulator.handle(request)
  }

  return {
    handle,
    fetch: async (input, init) => {
      const request = new Request(input, init)
      if (new URL(request.url).origin !== emulator.origin) throw new TypeError(`fetch failed: ${request.url} is not the emulated tenant`)
      if (request.signal.aborted) throw request.signal.reason
      const response = await handle(request)
      if (response.type === 'error') throw new TypeError('fetch failed')
      return response
    },
  }
}
