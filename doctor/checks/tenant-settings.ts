/**
 * @module Tenant settings the optional features need: the kit's post-login Action for the
 * `tenant-action` strategy; the My Account API, its refresh-token policy, the Token Vault grant
 * type and refresh-token rotation for connected accounts; a PAR endpoint for pushed requests.
 */

import { printable } from '../report.js'
import type { DoctorSettings } from '../settings.js'
import { APP_SETTINGS, type Check, fail, missingPermission, needsDiscovery, pass } from './check.js'

const TOKEN_VAULT_GRANT = 'urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token'
/** The connected-accounts routes create, list and delete (DESIGN.md §10). */
const MY_ACCOUNT_SCOPES = ['create:me:connected_accounts', 'read:me:connected_accounts', 'delete:me:connected_accounts']

const connectedAccounts = (settings: DoctorSettings) => settings.connectedAccounts

/**
 * @see [Management API: Get trigger bindings](https://auth0.com/docs/api/management/v2/actions/get-bindings)
 */
export const linkingActionCheck: Check = {
  id: 'linking-action',
  needed: (settings) => settings.strategy === 'tenant-action',
  async run(facts) {
    if (!(await facts.discovery()).ok) return needsDiscovery('linking-action')
    const name = facts.settings.linkingActionName
    const read = await facts.managementGet('actions/triggers/post-login/bindings?per_page=50', 'read:actions')
    if (!read.ok) return missingPermission('linking-action', read.reason, read.permission)
    const list = read.value !== null && typeof read.value === 'object' ? (read.value as { bindings?: unknown }).bindings : undefined
    const bindings = Array.isArray(list) ? list : []
    const names = bindings.map((binding: unknown) => {
      const entry =
        binding !== null && typeof binding === 'object' ? (binding as { display_name?: unknown; action?: { name?: unknown } }) : {}
      return typeof entry.action?.name === 'string' ? entry.action.name : typeof entry.display_name === 'string' ? entry.display_name : ''
    })
    const position = names.indexOf(name)
    if (position >= 0)
      return pass('linking-action', `Action ${name} is deployed and bound to post-login (${position + 1} of ${names.length})`)
    const others = names
      .filter(Boolean)
      .slice(0, 5)
      .map((other) => printable(other, 40))
    return fail(
      'linking-action',
      `no post-login binding of Action ${name}${others.length > 0 ? ` (bound: ${others.join(', ')})` : ' (nothing is bound to post-login)'}`,
      `deploy tenant/actions/account-linking.js as Action ${name} and add it to Dashboard → Actions → Triggers → post-login (or PATCH /api/v2/actions/triggers/post-login/bindings), or use linking.strategy management-api`,
    )
  },
}

/** @see [Auth0 My Account API](https://auth0.com/docs/manage-users/my-account-api) */
export const myAccountApiCheck: Check = {
  id: 'my-account-api',
  needed: connectedAccounts,
  async run(facts) {
    if (!(await facts.discovery()).ok) return needsDiscovery('my-account-api')
    const url = new URL('me/v1/connected-accounts/accounts', facts.settings.issuer)
    const fix = 'Dashboard → Applications → APIs → Auth0 My Account API: activate it'
    const answer = await facts.probe.request('The My Account API', url, { headers: { accept: 'application/json' } })
    if (answer.kind === 'no-answer') return fail('my-account-api', answer.reason, fix)
    // Without a token an active API answers 401; a tenant where it is not activated has no such route (assumption: 404).
    if (answer.status === 401) return pass('my-account-api', `the My Account API answers at ${new URL('me/', facts.settings.issuer).href}`)
    return fail('my-account-api', `${url.href} answered ${answer.status} without a token, not 401`, fix)
  },
}

/** @see [Multi-Resource Refresh Token](https://auth0.com/docs/secure/tokens/refresh-tokens/multi-resource-refresh-token) */
export const refreshTokenPolicyCheck: Check = {
  id: 'refresh-token-policy',
  needed: connectedAccounts,
  async run(facts) {
    if (!(await facts.discovery()).ok) return needsDiscovery('refresh-token-policy')
    const client = await facts.clientSettings()
    if (!client.ok) return missingPermission('refresh-token-policy', client.reason, client.permission)
    const audience = new URL('me/', facts.settings.issuer).href
    const policy = client.value.refreshTokenPolicies.find((entry) => entry.audience === audience)
    const missing = MY_ACCOUNT_SCOPES.filter((scope) => !policy?.scope.includes(scope))
    if (missing.length === 0)
      return pass('refresh-token-policy', `the refresh-token policy allows ${audience} with the connected-accounts scopes`)
    return fail(
      'refresh-token-policy',
      policy ? `the refresh-token policy for ${audience} lacks ${missing.join(' ')}` : `no refresh-token policy (MRRT) for ${audience}`,
      `${APP_SETTINGS} → Multi-Resource Refresh Token: add the Auth0 My Account API with ${MY_ACCOUNT_SCOPES.join(' ')} (or PATCH /api/v2/clients/{id} refresh_token.policies)`,
    )
  },
}

/** @see [Token Vault](https://auth0.com/docs/secure/tokens/token-vault) */
export const tokenVaultGrantCheck: Check = {
  id: 'token-vault-grant',
  needed: connectedAccounts,
  async run(facts) {
    if (!(await facts.discovery()).ok) return needsDiscovery('token-vault-grant')
    const client = await facts.clientSettings()
    if (!client.ok) return missingPermission('token-vault-grant', client.reason, client.permission)
    if (client.value.grantTypes?.includes(TOKEN_VAULT_GRANT))
      return pass('token-vault-grant', 'the Token Vault grant type is on for the application')
    return fail(
      'token-vault-grant',
      'the Token Vault grant type is off for the application',
      `${APP_SETTINGS} → Advanced Settings → Grant Types: tick Token Vault (or PATCH /api/v2/clients/{id} grant_types adding ${TOKEN_VAULT_GRANT})`,
    )
  },
}

/** @see [Token Vault: configure the application](https://auth0.com/docs/secure/tokens/token-vault/configure-token-vault) */
export const refreshTokenRotationCheck: Check = {
  id: 'refresh-token-rotation',
  needed: connectedAccounts,
  async run(facts) {
    if (!(await facts.discovery()).ok) return needsDiscovery('refresh-token-rotation')
    const client = await facts.clientSettings()
    if (!client.ok) return missingPermission('refresh-token-rotation', client.reason, client.permission)
    if (client.value.rotationType !== 'rotating')
      return pass('refresh-token-rotation', 'refresh-token rotation is off, as Token Vault needs')
    return fail(
      'refresh-token-rotation',
      'refresh-token rotation is on: Token Vault exchanges the refresh token and needs it to stay the same',
      `${APP_SETTINGS} → Refresh Token Rotation: turn Allow Refresh Token Rotation off (or PATCH /api/v2/clients/{id} refresh_token.rotation_type non-rotating)`,
    )
  },
}

/** @see [RFC 9126 §5](https://www.rfc-editor.org/rfc/rfc9126.html#section-5) */
export const pushedAuthorizationCheck: Check = {
  id: 'pushed-authorization-requests',
  needed: (settings) => settings.pushedAuthorizationRequests,
  async run(facts) {
    const discovery = await facts.discovery()
    if (!discovery.ok) return needsDiscovery('pushed-authorization-requests')
    const endpoint = discovery.metadata.pushed_authorization_request_endpoint
    if (typeof endpoint === 'string') return pass('pushed-authorization-requests', `the tenant offers PAR at ${printable(endpoint, 100)}`)
    return fail(
      'pushed-authorization-requests',
      'pushedAuthorizationRequests is on, but discovery lists no pushed_authorization_request_endpoint',
      'turn AUTH0_PUSHED_AUTHORIZATION_REQUESTS off, or use a tenant whose plan offers PAR (Highly Regulated Identity)',
    )
  },
}
