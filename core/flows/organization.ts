/**
 * @module Auth0 Organizations in the flows: which organization a start asks for (and with which
 * invitation), and the ID token check that the user came back signed in to it.
 */

import type * as oauth from 'oauth4webapi'
import { InvalidRequestError, OrganizationMismatchError } from '../errors.js'

// Auth0 organization ids are `org_` + letters and digits; names are lower-case letters, digits,
// `-` and `_`. Both arrive from query strings (invitation links), so anything else is refused.
const ORGANIZATION = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/
// Invitation tickets are opaque, URL-safe ids.
const INVITATION = /^[A-Za-z0-9_-]{1,256}$/

/** True when `value` can be an Auth0 organization id or name. */
export function isOrganization(value: unknown): value is string {
  return typeof value === 'string' && ORGANIZATION.test(value)
}

/**
 * The organization a start asks for, from its merged `/authorize` parameters; `undefined` for
 * none. An invitation is accepted only with its organization, as Auth0's invitation links send
 * both.
 *
 * @throws {InvalidRequestError} when `organization` or `invitation` is malformed, or an
 *   invitation comes without an organization.
 * @see [Auth0: Invite organization members](https://auth0.com/docs/manage-users/organizations/configure-organizations/invite-members)
 */
export function requestedOrganization(params: Readonly<Record<string, string>>): string | undefined {
  const { organization, invitation } = params
  if (invitation !== undefined) {
    if (organization === undefined) throw new InvalidRequestError('An invitation needs its organization')
    if (!INVITATION.test(invitation)) throw new InvalidRequestError('invitation is not an Auth0 invitation ticket')
  }
  if (organization === undefined) return undefined
  if (!isOrganization(organization)) throw new InvalidRequestError('organization must be an Auth0 organization id or name')
  return organization
}

/**
 * Checks that the ID token is for the requested organization: an id (`org_…`) must equal the
 * `org_id` claim; a name must equal the `org_name` claim, both lower-cased (Auth0 stores names
 * lower-case, and a user may type one in any case).
 *
 * @throws {OrganizationMismatchError} when the claim is missing or differs.
 * @see [Auth0: Use Organizations in your app - validate tokens](https://auth0.com/docs/manage-users/organizations/using-tokens)
 */
export function checkOrganization(expected: string, claims: oauth.IDToken): void {
  if (expected.startsWith('org_')) {
    if (claims.org_id !== expected) throw new OrganizationMismatchError('The ID token is not for the requested organization (org_id)')
    return
  }
  const name = claims.org_name
  if (typeof name !== 'string' || name.toLowerCase() !== expected.toLowerCase()) {
    throw new OrganizationMismatchError('The ID token is not for the requested organization (org_name)')
  }
}

/**
 * Refuses a per-call organization that differs from the one the app is pinned to
 * (`organization` option): `/auth/login?organization=org_other` must not sign a user in to
 * another organization of the tenant. The same organization asked for again is fine.
 *
 * @throws {InvalidRequestError} when `asked` differs from `configured`.
 */
export function checkPinnedOrganization(configured: unknown, asked: unknown): void {
  if (configured === undefined || asked === undefined || asked === configured) return
  throw new InvalidRequestError('This app is pinned to an organization; another one cannot be asked for')
}
