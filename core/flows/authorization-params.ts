/**
 * @module The `/authorize` parameters of each flow: defaults, global and per-call parameters
 * merged key by key, with the parameters the flow owns on top.
 */

import { type AuthorizationParameters, DEFAULT_SCOPE } from '../options.js'
import { scopeList } from '../session.js'

/**
 * What an `/authorize` request is for: a login; the §5 `link_account` / `unlink_account`
 * requests (`linking.strategy: 'tenant-action'`); or, with `'management-api'` (DESIGN §15), the
 * primary signing in again before a link (`reauthenticate`), the sign-in to the identity to link
 * (`link-secondary`), and the primary's re-authentication before an unlink (`unlink-primary`).
 */
export type AuthorizeMode = 'login' | 'link' | 'unlink' | 'reauthenticate' | 'link-secondary' | 'unlink-primary'

/** The parameters a flow owns; no global or per-call value can replace them. */
export interface FlowParameters {
  requested_connection?: string
  requested_connection_scope?: string
  id_token_hint?: string
  connection?: string
  connection_scope?: string
  prompt?: string
  max_age?: string
}

/** The §5 linking parameters: only a tenant-action link or unlink sends them. */
const ACCOUNT_PARAMETERS = ['requested_connection', 'requested_connection_scope', 'id_token_hint'] as const
/** What a §15 sign-in fixes: which identity signs in, and that it signs in now. */
const SIGN_IN_PARAMETERS = ['connection', 'connection_scope', 'prompt', 'max_age'] as const

/** The modes that sign a particular identity in afresh (DESIGN §15). */
const SIGN_IN_MODES: ReadonlySet<AuthorizeMode> = new Set(['reauthenticate', 'link-secondary', 'unlink-primary'])

function scopeTokens(scope: string | number | boolean | undefined): string[] {
  return typeof scope === 'string' ? scopeList(scope) : []
}

/**
 * The `scope` a request sends. Login (and the primary's re-authentication before a link, whose
 * tokens renew the session) uses the per-call scope, else the global one, else the default. A
 * tenant-action link or unlink always sends `openid` and `link_account` / `unlink_account`, keeps
 * `offline_access` when the configured scope asks for it, and adds any per-call scope. The
 * sign-in to the identity to link asks for `openid profile email` only (its tokens are
 * discarded), the re-authentication before an unlink for `openid` only.
 */
export function flowScope(mode: AuthorizeMode, global: AuthorizationParameters, perCall: AuthorizationParameters): string {
  const configured = scopeTokens(global.scope ?? DEFAULT_SCOPE)
  let tokens: string[]
  switch (mode) {
    case 'login':
    case 'reauthenticate':
      tokens = ['openid', ...scopeTokens(perCall.scope ?? global.scope ?? DEFAULT_SCOPE)]
      break
    case 'link-secondary':
      tokens = ['openid', 'profile', 'email']
      break
    case 'unlink-primary':
      tokens = ['openid']
      break
    default:
      tokens = ['openid', mode === 'link' ? 'link_account' : 'unlink_account']
      if (configured.includes('offline_access')) tokens.push('offline_access')
      tokens.push(...scopeTokens(perCall.scope))
  }
  return [...new Set(tokens)].join(' ')
}

/**
 * Merges `/authorize` parameters: defaults ← global ← per-call, key by key (an `undefined`
 * value removes nothing), then the flow's scope and the flow's own parameters on top. The
 * sign-ins of DESIGN §15 also own `connection`, `connection_scope`, `prompt` and `max_age`, and
 * the sign-in to the identity to link sends no `audience` and no `organization` (its tokens are
 * not kept, and the identity need not be an organization member).
 * Protocol parameters (`response_type`, `client_id`, PKCE, `state`, `nonce`) are added by the
 * caller after this and are not in the result.
 *
 * @example
 * ```ts
 * mergeAuthorizationParams('link', { audience: 'a', scope: 'openid offline_access' }, { audience: 'b' },
 *   { requested_connection: 'github', id_token_hint: idToken })
 * // → { audience: 'b', scope: 'openid link_account offline_access', requested_connection: 'github', id_token_hint: … }
 * mergeAuthorizationParams('link-secondary', { audience: 'a', ui_locales: 'fr' }, {}, { connection: 'github', prompt: 'login', max_age: '0' })
 * // → { ui_locales: 'fr', scope: 'openid profile email', connection: 'github', prompt: 'login', max_age: '0' }
 * ```
 */
export function mergeAuthorizationParams(
  mode: AuthorizeMode,
  global: AuthorizationParameters,
  perCall: AuthorizationParameters,
  flowParameters: FlowParameters,
): Record<string, string> {
  const merged: Record<string, string> = {}
  for (const source of [global, perCall]) {
    for (const [key, value] of Object.entries(source)) {
      if (value !== undefined && value !== null) merged[key] = String(value)
    }
  }
  merged.scope = flowScope(mode, global, perCall)
  const owned: readonly (keyof FlowParameters)[] = SIGN_IN_MODES.has(mode)
    ? [...ACCOUNT_PARAMETERS, ...SIGN_IN_PARAMETERS]
    : ACCOUNT_PARAMETERS
  for (const key of owned) {
    delete merged[key]
    const value = flowParameters[key]
    if (value !== undefined) merged[key] = value
  }
  if (mode === 'link-secondary' || mode === 'unlink-primary') delete merged.audience
  if (mode === 'link-secondary') delete merged.organization
  return merged
}
