/**
 * @module The metadata step of a Management API link, run just before Auth0 links: read both
 * users' metadata, ask the `mergeMetadata` policy what the primary should keep, and `PATCH` it
 * onto the primary, so nothing the user cared about is lost when Auth0 discards the secondary's.
 */

import { MetadataMergeError, TimeoutError, UpstreamError } from '../errors.js'
import type { ManagementUserRecord } from '../management-api.js'
import { type LinkedUserMetadata, sendablePatch } from '../metadata-merge.js'
import type { FlowContext } from './context.js'

const METADATA_FIELDS = ['user_id', 'user_metadata', 'app_metadata'] as const

function metadataOf(user: ManagementUserRecord): LinkedUserMetadata {
  return { userId: user.userId, userMetadata: user.userMetadata ?? {}, appMetadata: user.appMetadata ?? {} }
}

/**
 * Runs the `mergeMetadata` policy for linking `secondaryId` into `primaryId` and applies its
 * patch with `PATCH /api/v2/users/{primaryId}`; nothing is sent when the policy returns nothing
 * (or only empty objects, which would wipe Auth0 metadata). Call it before the link: when it
 * throws, do not link.
 *
 * @throws {MetadataMergeError} when the policy throws or Auth0 refuses the `PATCH` (`upstreamStatus`).
 * @throws {ManagementApiError} when either user cannot be read (`read:users`).
 * @throws {TimeoutError} when Auth0 did not answer in time.
 * @see [User account linking: server-side implementation](https://auth0.com/docs/manage-users/user-accounts/user-account-linking/suggested-account-linking-server-side-implementation)
 * @see [Manage metadata with the Management API](https://auth0.com/docs/manage-users/user-accounts/metadata/manage-metadata-api)
 */
export async function mergeMetadataBeforeLink(
  context: FlowContext,
  primaryId: string,
  secondaryId: string,
  signal?: AbortSignal,
): Promise<void> {
  const policy = context.config.mergeMetadata
  if (!policy) return
  const { managementApi } = context
  const [primary, secondary] = await Promise.all([
    managementApi.readUser(primaryId, METADATA_FIELDS, signal),
    managementApi.readUser(secondaryId, METADATA_FIELDS, signal),
  ])
  let patch: ReturnType<typeof sendablePatch>
  try {
    patch = sendablePatch(await policy(metadataOf(primary), metadataOf(secondary)))
  } catch (error) {
    throw new MetadataMergeError('The mergeMetadata hook failed, so the accounts were not linked', { cause: error })
  }
  if (!patch) return
  try {
    await managementApi.updateUser(primaryId, patch, signal)
  } catch (error) {
    if (error instanceof TimeoutError) throw error
    const upstreamStatus = error instanceof UpstreamError ? error.upstreamStatus : undefined
    throw new MetadataMergeError(
      `Auth0 refused the metadata merge${upstreamStatus ? ` (${upstreamStatus})` : ''}, so the accounts were not linked${
        error instanceof Error ? `: ${error.message}` : ''
      }`,
      { cause: error, ...(upstreamStatus ? { upstreamStatus } : {}) },
    )
  }
}
