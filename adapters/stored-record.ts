/**
 * @module What the key-value session backends (Redis, Workers KV) keep under a session's key: the
 * session and the index entries it was filed under, so a delete can unfile it.
 */

import type { SessionData, SessionRecordOptions } from '../core/index.js'

/** One stored session record. */
export interface StoredRecord {
  session: SessionData
  sub: string
  sid?: string
}

/** The record to store for `session`, filed under the options' `sub` and `sid`. */
export function storedRecord(session: SessionData, options: SessionRecordOptions): StoredRecord {
  return { session, sub: options.sub, ...(options.sid !== undefined ? { sid: options.sid } : {}) }
}

/** A stored record read back; anything missing, unparsable or of another shape is no record. */
export function parseStoredRecord(value: unknown): StoredRecord | undefined {
  if (value === null || value === undefined) return undefined
  try {
    const parsed: unknown = JSON.parse(String(value))
    if (parsed === null || typeof parsed !== 'object' || !('session' in parsed) || !('sub' in parsed)) return undefined
    return parsed as StoredRecord
  } catch {
    return undefined
  }
}
