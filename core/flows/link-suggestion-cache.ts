/**
 * @module The per-session cache of link suggestions, apart from the suggestions flow so a
 * completed link can drop a session's entry without loading that flow.
 */

import type { ResolvedConfig } from '../config.js'
import type { SessionData } from '../session.js'
import type { LinkSuggestion } from '../suggestions.js'
import type { FlowContext } from './context.js'

/** A suggestion with the real user id, which stays on the server (and in a link's transaction). */
export interface ResolvedSuggestion {
  suggestion: LinkSuggestion
  userId: string
}

interface CachedSuggestions {
  /** Milliseconds since the epoch. */
  expiresAt: number
  suggestions: ResolvedSuggestion[]
}

const caches = new WeakMap<ResolvedConfig, Map<string, CachedSuggestions>>()

/** This instance's cache (one per resolved configuration). */
export function cacheOf(context: FlowContext): Map<string, CachedSuggestions> {
  let cache = caches.get(context.config)
  if (!cache) {
    cache = new Map()
    caches.set(context.config, cache)
  }
  return cache
}

/** One entry per signed-in session (its `sid`, else its start), per Auth0 domain. */
export function cacheKey(context: FlowContext, session: SessionData): string {
  return `${context.tenant.issuer.href}\n${session.user.sub}\n${session.internal.sid ?? session.internal.createdAt}`
}

/** Drops the session's cached suggestions, after a decline or a link changed what they would be. */
export function forgetLinkSuggestions(context: FlowContext, session: SessionData): void {
  cacheOf(context).delete(cacheKey(context, session))
}
