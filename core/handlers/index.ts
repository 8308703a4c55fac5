/**
 * @module The route table: every built-in route, declared once. Adding a route is one file in
 * this folder and one line here (plus its default path in `DEFAULT_ROUTES`); the dispatcher,
 * the `Auth` type's `handle…` members and `routePaths` follow from this table.
 */

import { accessToken } from './access-token.js'
import { link, unlink } from './account-flow.js'
import { backchannelLogout } from './backchannel-logout.js'
import { callback } from './callback.js'
import { connect } from './connect.js'
import { connectedAccounts, connectionToken, disconnect } from './connected-accounts.js'
import { identities } from './identities.js'
import { login } from './login.js'
import { logout } from './logout.js'
import { profile } from './profile.js'
import type { Route, RouteKey } from './route.js'

/** Every route by its key; typed over every key of `Routes`, so none can be missing or extra. */
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
})
