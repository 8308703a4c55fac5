/**
 * @module The shape every doctor check has, and the results they share (a check that needs a
 * fact the tenant did not give, or a permission the grant lacks).
 */

import type { DoctorCheck, DoctorCheckId } from '../report.js'
import type { DoctorSettings } from '../settings.js'
import type { TenantFacts } from '../tenant-facts.js'

/** One check: whether the configuration needs it, and how to make it. */
export interface Check {
  id: DoctorCheckId
  /** Whether the configuration needs this check; decided before any call to the tenant. */
  needed(settings: DoctorSettings): boolean
  run(facts: TenantFacts): Promise<DoctorCheck>
}

export const pass = (id: DoctorCheckId, found: string): DoctorCheck => ({ id, status: 'pass', found })
export const fail = (id: DoctorCheckId, found: string, fix: string): DoctorCheck => ({ id, status: 'fail', found, fix })
export const unknown = (id: DoctorCheckId, found: string, fix: string): DoctorCheck => ({ id, status: 'unknown', found, fix })

/** The check depends on the discovery document, which is reported (✗) on its own line. */
export const needsDiscovery = (id: DoctorCheckId): DoctorCheck =>
  unknown(id, 'cannot check without the discovery document', 'fix the discovery check first')

/** The Dashboard place of the application's settings, named once so every fix reads the same. */
export const APP_SETTINGS = 'Dashboard → Applications → Applications → your application → Settings'
export const MANAGEMENT_API_M2M = 'Dashboard → Applications → APIs → Auth0 Management API → Machine To Machine Applications'

/** A `?` line for a Management API read the grant does not allow. */
export function missingPermission(id: DoctorCheckId, reason: string, permission: string | undefined): DoctorCheck {
  return unknown(
    id,
    `cannot read it: ${reason}`,
    permission
      ? `to let the doctor check, add ${permission} to the client's grant (${MANAGEMENT_API_M2M}), or check by hand`
      : 'run the doctor again once the Management API answers',
  )
}
