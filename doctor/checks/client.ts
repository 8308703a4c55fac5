/**
 * @module The application authenticates at the token endpoint, and its Management API grant holds
 * the scopes the chosen linking strategy needs, as the token's `scope` says.
 */

import type { DoctorSettings } from '../settings.js'
import { APP_SETTINGS, type Check, fail, MANAGEMENT_API_M2M, needsDiscovery, pass, unknown } from './check.js'

const CREDENTIALS_FIX = `copy Client ID and Client Secret from ${APP_SETTINGS} into AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET (or register the public key for private_key_jwt under Credentials)`

/** @see [Client Credentials Flow](https://auth0.com/docs/get-started/authentication-and-authorization-flow/client-credentials-flow) */
export const clientAuthenticationCheck: Check = {
  id: 'client-authentication',
  needed: () => true,
  async run(facts) {
    const token = await facts.appToken()
    const method = facts.settings.clientAuthentication.method
    switch (token.kind) {
      case 'granted':
      case 'no-grant':
      case 'grant-type-off':
        return pass('client-authentication', `client ${facts.settings.clientId} authenticates (${method})`)
      case 'invalid-client':
        return fail('client-authentication', `the token endpoint refused the client: ${token.text}`, CREDENTIALS_FIX)
      default:
        if (!(await facts.discovery()).ok) return needsDiscovery('client-authentication')
        return fail('client-authentication', token.reason, 'check that this machine reaches the tenant, then run the doctor again')
    }
  },
}

/** The Management API permissions the app's configuration needs (DESIGN.md §15). */
export function neededManagementScopes(settings: DoctorSettings): string[] {
  const { strategy, confirmsThroughManagementApi, readsUsers } = settings
  if (strategy === 'management-api') return ['read:users', 'update:users']
  return confirmsThroughManagementApi || readsUsers ? ['read:users'] : []
}

/** Scopes the doctor itself reads with, reported so a user knows why some lines show `?`. */
const DOCTOR_SCOPES = ['read:clients', 'read:actions']

/** @see [Management API access tokens](https://auth0.com/docs/secure/tokens/access-tokens/management-api-access-tokens) */
export const managementGrantCheck: Check = {
  id: 'management-api-grant',
  needed: (settings) => neededManagementScopes(settings).length > 0,
  async run(facts) {
    const needed = neededManagementScopes(facts.settings)
    const separate = facts.settings.managementClient
    const who = separate ? `the Management API client ${separate.clientId}` : `client ${facts.settings.clientId}`
    const grantFix = `${MANAGEMENT_API_M2M}: authorize ${who} with ${needed.join(' ')} (or POST /api/v2/client-grants)`
    const token = await facts.managementToken()
    switch (token.kind) {
      case 'granted': {
        const missing = needed.filter((scope) => !token.scopes.includes(scope))
        if (missing.length > 0) {
          return fail(
            'management-api-grant',
            `${who}'s Management API grant lacks ${missing.join(' ')} (the ${facts.settings.strategy} linking strategy needs ${needed.join(' ')})`,
            `${MANAGEMENT_API_M2M} → ${who}: add ${missing.join(' ')} (or PATCH /api/v2/client-grants/{id} scope)`,
          )
        }
        const extra = DOCTOR_SCOPES.filter((scope) => !token.scopes.includes(scope))
        const note = extra.length > 0 ? `; without ${extra.join(', ')} the doctor cannot read every setting` : ''
        return pass('management-api-grant', `${who} holds ${needed.join(' ')}${note}`)
      }
      case 'no-grant':
        return fail('management-api-grant', `${who} has no grant for the Management API: ${token.text}`, grantFix)
      case 'grant-type-off':
        return fail(
          'management-api-grant',
          `${who} may not use the Client Credentials grant: ${token.text}`,
          `${APP_SETTINGS} → Advanced Settings → Grant Types: tick Client Credentials`,
        )
      case 'invalid-client':
        if (separate) {
          return fail(
            'management-api-grant',
            `the Management API client did not authenticate: ${token.text}`,
            'check managementApi.clientId and clientSecret',
          )
        }
        return unknown(
          'management-api-grant',
          'cannot check while the client does not authenticate',
          'fix the client-authentication check first',
        )
      default:
        if (!(await facts.discovery()).ok) return needsDiscovery('management-api-grant')
        return fail('management-api-grant', token.reason, 'check that this machine reaches the tenant, then run the doctor again')
    }
  },
}
