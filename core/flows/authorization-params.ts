import { type AuthorizationParameters, DEFAULT_SCOPE } from '../options.js'
import { scopeList } from '../session.js'
import type { AuthorizeTransactionData } from '../stores.js'

/** The flows that go through `/authorize`. */
type AuthorizeFlow = AuthorizeTransactionData['flow']

/** The parameters a flow owns; no global or per-call value can replace them. */
export interface FlowParameters {
  requested_connection?: string
  requested_connection_scope?: string
  id_token_hint?: string
}

function scopeTokens(scope: string | number | boolean | undefined): string[] {
  return typeof scope === 'string' ? scopeList(scope) : []
}

/**
 * The `scope` a flow sends. Login uses the per-call scope, else the global one, else the default.
 * Link and unlink always send `openid` and `link_account` / `unlink_account`, keep
 * `offline_access` when the configured scope asks for it, and add any per-call scope.
 */
export function flowScope(flow: AuthorizeFlow, global: AuthorizationParameters, perCall: AuthorizationParameters): string {
  const configured = scopeTokens(global.scope ?? DEFAULT_SCOPE)
  let tokens: string[]
  if (flow === 'login') {
    tokens = ['openid', ...scopeTokens(perCall.scope ?? global.scope ?? DEFAULT_SCOPE)]
  } else {
    tokens = ['openid', flow === 'link' ? 'link_account' : 'unlink_account']
    if (configured.includes('offline_access')) tokens.push('offline_access')
    tokens.push(...scopeTokens(perCall.scope))
  }
  return [...new Set(tokens)].join(' ')
}

/**
 * Merges `/authorize` parameters: defaults ← global ← per-call, key by key (an `undefined`
 * value removes nothing), then the flow's scope and the flow's own parameters on top.
 * Protocol parameters (`response_type`, `client_id`, PKCE, `state`, `nonce`) are added by the
 * caller after this and are not in the result.
 *
 * @example
 * ```ts
 * mergeAuthorizationParams('link', { audience: 'a', scope: 'openid offline_access' }, { audience: 'b' },
 *   { requested_connection: 'github', id_token_hint: idToken })
 * // → { audience: 'b', scope: 'openid link_account offline_access', requested_connection: 'github', id_token_hint: … }
 * ```
 */
export function mergeAuthorizationParams(
  flow: AuthorizeFlow,
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
  merged.scope = flowScope(flow, global, perCall)
  for (const owned of ['requested_connection', 'requested_connection_scope', 'id_token_hint'] as const) {
    delete merged[owned]
    const value = flowParameters[owned]
    if (value !== undefined) merged[owned] = value
  }
  return merged
}
