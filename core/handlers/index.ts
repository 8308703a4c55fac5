/**
 * @module The route table: every built-in route, declared once. Adding a route is one file in
 * this folder, its line here, and its name with its default path in `DEFAULT_ROUTES`
 * (`core/options.ts`), from which the `Routes` option type is derived. The dispatcher, the
 * `Auth` type's `handle…` members, `auth.routes` and `routePaths` follow from this table.
 *
 * The names and paths sit below the handlers, not here, because `AuthOptions.routes` needs
 * them and the handlers depend on the options: deriving them from this table would be an import
 * cycle (DESIGN §2 allows none, not even type-only).
 */

import { accessToken } from './access-token.js'
import { link, unlink } from './account-flow.js'
import { backchannelLogout } from './backchannel-logout.js'
import { callback } from './callback.js'
import { connect } from './connect.js'
import { connectedAccounts, connectionToken, disconnect } from './connected-accounts.js'
import { identities } from './identities.js'
import { declineLinkSuggestion, linkSuggestions } from './link-suggestions.js'
import { login } from './login.js'
import { logout } from './logout.js'
import { profile } from './profile.js'
import type { Route, RouteKey } from './route.js'

/** Every route by its key; typed over every key of `DEFAULT_ROUTES`, so none can be missing or extra. */
export const ROUTES: { readonly [K in RouteKey]: Route<K> } = Object.freeze({
  login,
  callback,
  logout,
  link,
  unlink,
  profile,
  accessToken,
  backchannelLogout,
  identities,
  connect,
  connectedAccounts,
  disconnect,
  connectionToken,
  linkSuggestions,
  declineLinkSuggestion,
})
