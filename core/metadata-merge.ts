/**
 * @module The metadata merge of a link: Auth0 keeps only the primary user's `user_metadata` and
 * `app_metadata` and discards the secondary's, so what should survive is copied onto the primary
 * before the link. The policy (`mergeMetadata`), its default, and the check that never lets an
 * empty object (which wipes Auth0 metadata) reach the Management API.
 */

/**
 * The metadata of one side of a link, as the `mergeMetadata` hook sees it.
 *
 * @example
 * ```ts
 * const secondary: LinkedUserMetadata = { userId: 'google-oauth2|1093', userMetadata: { theme: 'dark' }, appMetadata: {} }
 * ```
 */
export interface LinkedUserMetadata {
  userId: string
  userMetadata: Record<string, unknown>
  appMetadata: Record<string, unknown>
}

/**
 * What to `PATCH /api/v2/users/{primary}` with before the link. Auth0 merges each object at its
 * top level, deletes a property set to `null`, and wipes the object when sent `{}`; so give only
 * the keys to add or change. Empty objects are dropped, and a patch with nothing left is not sent.
 *
 * @example
 * ```ts
 * const patch: MetadataPatch = { user_metadata: { newsletter: true } }
 * ```
 */
export interface MetadataPatch {
  user_metadata?: Record<string, unknown>
  app_metadata?: Record<string, unknown>
}

/**
 * The `mergeMetadata` hook: runs before Auth0 links `secondary` into `primary` and returns the
 * patch for the primary, or `undefined` to change nothing. `primary` is the user who stays.
 *
 * @example
 * ```ts
 * const mergeMetadata: MergeMetadata = (primary, secondary) => ({
 *   // keep the larger of two loyalty balances; everything else stays the primary's
 *   user_metadata: { points: Math.max(Number(primary.userMetadata.points ?? 0), Number(secondary.userMetadata.points ?? 0)) },
 * })
 * ```
 */
export type MergeMetadata = (
  primary: LinkedUserMetadata,
  secondary: LinkedUserMetadata,
) => MetadataPatch | undefined | Promise<MetadataPatch | undefined>

/**
 * The default merge: the primary's `user_metadata` keys stay as they are, and the secondary's
 * top-level keys the primary lacks are added (one level deep: a key the primary has keeps its
 * value whole, even when both values are objects). `app_metadata` is never copied: it is the
 * app's authorization data, and a second account must not bring roles or plans along.
 *
 * @example
 * ```ts
 * defaultMergeMetadata(
 *   { userId: 'auth0|bob', userMetadata: { theme: 'light' }, appMetadata: {} },
 *   { userId: 'google-oauth2|1093', userMetadata: { theme: 'dark', locale: 'de' }, appMetadata: { plan: 'pro' } },
 * ) // { user_metadata: { locale: 'de' } }
 * ```
 */
export function defaultMergeMetadata(primary: LinkedUserMetadata, secondary: LinkedUserMetadata): MetadataPatch | undefined {
  const added: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(secondary.userMetadata)) {
    // `null` would delete the key at Auth0; there is nothing to carry over in it.
    if (!Object.hasOwn(primary.userMetadata, key) && value !== null) added[key] = value
  }
  return Object.keys(added).length > 0 ? { user_metadata: added } : undefined
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/**
 * The patch as it may be sent: only `user_metadata` and `app_metadata`, each a non-empty object;
 * `undefined` when nothing is left. An empty object would wipe the metadata at Auth0.
 */
export function sendablePatch(patch: unknown): MetadataPatch | undefined {
  if (!isPlainObject(patch)) return undefined
  const sendable: MetadataPatch = {}
  for (const key of ['user_metadata', 'app_metadata'] as const) {
    const part = patch[key]
    if (isPlainObject(part) && Object.keys(part).length > 0) sendable[key] = part
  }
  return Object.keys(sendable).length > 0 ? sendable : undefined
}
