/**
 * @module The application settings of connected accounts that the emulator's
 * `GET /api/v2/clients/{id}` does not report yet, added to its answer for the app's client: the
 * Token Vault grant type in `grant_types` and the Multi-Resource Refresh Token policy for the My
 * Account API in `refresh_token.policies`, as a tenant set up for connected accounts has them.
 * The emulator's token endpoint already serves both grants; this only makes the Management API
 * say so, with a switch to take each away for the tenant doctor's tests. Everything else goes to
 * the emulator unchanged.
 *
 * Shapes followed: `grant_types` holds
 * `urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token` when Token
 * Vault is on (https://auth0.com/docs/secure/tokens/token-vault/configure-token-vault);
 * `refresh_token.policies` is `[{ audience, scope: string[] }]` (node-auth0
 * `ClientRefreshTokenPolicy`, https://auth0.github.io/node-auth0/interfaces/management.ClientRefreshTokenPoliciesInner.html).
 */

import type { Auth0Emulator } from './emulator.js'
import { json } from './http.js'
import { MY_ACCOUNT_SCOPES } from './my-account.js'

const TOKEN_VAULT_GRANT = 'urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token'

/** What the app's client reports besides the emulator's own answer. */
export interface ApplicationSettingsOptions {
  /** The Token Vault grant type in `grant_types`. Default `true`. */
  tokenVaultGrant?: boolean
  /** `refresh_token.policies`. Default the My Account API with the three connected-accounts scopes. */
  refreshTokenPolicies?: Array<{ audience: string; scope: string[] }>
}

/** The emulator behind the settings, as `handle` (for a server) and `fetch` (for `options.fetch`). */
export interface EmulatorWithSettings {
  handle(request: Request): Promise<Response>
  fetch: typeof fetch
}

/** Adds the connected-accounts settings to the emulator's `GET /api/v2/clients/{app client id}`. */
export function withApplicationSettings(emulator: Auth0Emulator, options: ApplicationSettingsOptions = {}): EmulatorWithSettings {
  const clientPath = `/api/v2/clients/${encodeURIComponent(emulator.clientId)}`

  async function handle(request: Request): Promise<Response> {
    const answer = await emulator.handle(request)
    if (request.method !== 'GET' || new URL(request.url).pathname !== clientPath || answer.status !== 200) return answer
    const client = (await answer.json()) as { grant_types?: string[]; refresh_token?: Record<string, unknown> }
    const grantTypes = (client.grant_types ?? []).filter((grant) => grant !== TOKEN_VAULT_GRANT)
    return json({
      ...client,
      grant_types: options.tokenVaultGrant === false ? grantTypes : [...grantTypes, TOKEN_VAULT_GRANT],
      refresh_token: {
        ...client.refresh_token,
        policies: options.refreshTokenPolicies ?? [{ audience: emulator.myAccountAudience, scope: [...MY_ACCOUNT_SCOPES] }],
      },
    })
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
