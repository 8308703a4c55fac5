/** @module The tenant's OIDC metadata and its small endpoints: discovery, `/userinfo` and logout. */

import type { ParMode } from './authorize.js'
import type { ClientRegistry } from './clients.js'
import type { TenantContext } from './context.js'
import { html, httpUrl, json } from './http.js'
import { messagePage } from './pages.js'
import { TOKEN_VAULT_GRANT } from './token-endpoint.js'

/** The `/.well-known/openid-configuration` document, shaped as Auth0's. */
export function discoveryDocument(tenant: TenantContext, parMode: ParMode): Record<string, unknown> {
  const { origin, issuer } = tenant
  return {
    issuer,
    authorization_endpoint: `${origin}/authorize`,
    token_endpoint: `${origin}/oauth/token`,
    userinfo_endpoint: tenant.userinfoAudience,
    jwks_uri: `${origin}/.well-known/jwks.json`,
    end_session_endpoint: `${origin}/oidc/logout`,
    scopes_supported: ['openid', 'profile', 'email', 'offline_access', 'name', 'nickname', 'picture', 'email_verified'],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    subject_types_supported: ['public'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials', TOKEN_VAULT_GRANT],
    code_challenge_methods_supported: ['S256'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['RS256', 'PS256', 'ES256'],
    dpop_signing_alg_values_supported: ['ES256', 'ES384', 'ES512', 'RS256', 'PS256', 'EdDSA'],
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'nonce',
      'sid',
      'name',
      'email',
      'email_verified',
      'picture',
      'updated_at',
    ],
    request_uri_parameter_supported: false,
    ...(parMode
      ? { pushed_authorization_request_endpoint: `${origin}/oauth/par`, require_pushed_authorization_requests: parMode === 'required' }
      : {}),
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
  }
}

export async function userinfo(tenant: TenantContext, request: Request): Promise<Response> {
  const claims = await tenant.bearer(request, tenant.userinfoAudience)
  const user = claims?.sub ? tenant.users.get(claims.sub) : undefined
  if (!user) {
    return json({ error: 'invalid_token', error_description: 'Missing or invalid access token' }, 401, {
      'www-authenticate': 'Bearer error="invalid_token"',
    })
  }
  return json(tenant.profile(user))
}

/** `/oidc/logout` (`post_logout_redirect_uri`) and `/v2/logout` (`returnTo`). */
export function logout(
  tenant: TenantContext,
  clients: ClientRegistry,
  params: URLSearchParams,
  returnParameter: 'post_logout_redirect_uri' | 'returnTo',
): Response {
  const { domain } = tenant
  const requestedClient = params.get('client_id')
  if (requestedClient !== null && !clients.get(requestedClient)) {
    return html(messagePage(domain, 'Unknown client', 'client_id is not a client of this tenant.'), 400)
  }
  const target = httpUrl(params.get(returnParameter))
  if (!target) return html(messagePage(domain, 'Signed out', 'You are signed out of the Auth0 emulator.'))
  // Auth0 checks the return URL against the client's Allowed Logout URLs and shows an error page, no redirect.
  if (
    !clients.allowsLogoutUrl(requestedClient ?? tenant.clientId, target.href) &&
    !clients.allowsLogoutUrl(requestedClient ?? tenant.clientId, params.get(returnParameter) ?? '')
  ) {
    return html(
      messagePage(
        domain,
        'Logout URL not allowed',
        `The "${returnParameter}" parameter is not defined as a valid URL in "Allowed Logout URLs".`,
      ),
      400,
    )
  }
  const url = new URL(target)
  if (returnParameter === 'post_logout_redirect_uri') {
    const state = params.get('state')
    if (state !== null) url.searchParams.set('state', state)
  }
  return new Response(null, { status: 302, headers: { location: url.href, 'cache-control': 'no-store' } })
}
