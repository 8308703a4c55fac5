/**
 * @module The My Account API's audience, scopes and id shape: what the always-loaded code (the
 * access-token route's allowlist) needs of it, apart from the API calls in `my-account-api.ts`.
 */

/** The My Account API scopes of the connected-accounts endpoints. */
export const CONNECTED_ACCOUNTS_SCOPES = {
  create: 'create:me:connected_accounts',
  read: 'read:me:connected_accounts',
  delete: 'delete:me:connected_accounts',
} as const

/** The My Account API's identifier (its token audience) and base: `https://<domain>/me/`. */
export function myAccountAudience(issuer: URL): URL {
  return new URL('me/', issuer)
}

/** The id pattern Auth0 documents for connected accounts; anything else never reaches a URL path. */
export const CONNECTED_ACCOUNT_ID = /^cac_[A-Za-z0-9]{1,124}$/
