/**
 * @module `auth0-link-kit/doctor`: checks an Auth0 tenant against the app's configuration,
 * read-only, and says what is missing and where to fix it (DESIGN.md §17). Web APIs only, so it
 * runs wherever the app does; `npx auth0-link-kit doctor` is the command-line face of it.
 */

import type { Check } from './checks/check.js'
import { clientAuthenticationCheck, managementGrantCheck } from './checks/client.js'
import { discoveryCheck } from './checks/discovery.js'
import {
  linkingActionCheck,
  myAccountApiCheck,
  pushedAuthorizationCheck,
  refreshTokenPolicyCheck,
  refreshTokenRotationCheck,
  tokenVaultGrantCheck,
} from './checks/tenant-settings.js'
import { callbackUrlCheck, logoutUrlCheck, organizationCheck } from './checks/urls.js'
import { Probe } from './probe.js'
import { type DoctorCheck, type DoctorCheckId, type DoctorReport, formatDoctorReport } from './report.js'
import { type DoctorOptions, readConfiguration } from './settings.js'
import { TenantFacts } from './tenant-facts.js'

export type { DoctorCheck, DoctorCheckId, DoctorReport, DoctorStatus } from './report.js'
export { DEFAULT_LINKING_ACTION_NAME, type DoctorOptions, type LinkStrategy } from './settings.js'
export { formatDoctorReport }

/** Every check, in the order they run and print. */
const CHECKS: readonly Check[] = [
  discoveryCheck,
  clientAuthenticationCheck,
  callbackUrlCheck,
  logoutUrlCheck,
  managementGrantCheck,
  linkingActionCheck,
  myAccountApiCheck,
  refreshTokenPolicyCheck,
  tokenVaultGrantCheck,
  refreshTokenRotationCheck,
  pushedAuthorizationCheck,
  organizationCheck,
]

/** Checked whatever the configuration: without a usable configuration they cannot be made. */
const ALWAYS: ReadonlySet<DoctorCheckId> = new Set(['discovery', 'client-authentication', 'callback-url', 'logout-url'])

/**
 * Checks the tenant the app is configured for, read-only: discovery and JWKS (and the clock),
 * that the client authenticates, that Auth0 accepts the callback and logout URLs, the Management
 * API grant's scopes for the linking strategy, the kit's post-login Action (`tenant-action`), the
 * My Account API, refresh-token policy, Token Vault grant type and rotation (connected accounts),
 * PAR and the organization when they are configured. Never changes the tenant and never returns a
 * secret or token. Each call to the tenant is bounded by `httpTimeout`, and the whole run by
 * `httpTimeout` × the number of checks; a tenant that does not answer is one failed check.
 *
 * Checks that need a Management API permission the grant lacks (`read:clients`, `read:actions`)
 * come back `unknown`, with the permission in their `fix`.
 *
 * @example
 * ```ts
 * import { doctor, formatDoctorReport } from 'auth0-link-kit/doctor'
 *
 * const report = await doctor({ ...authOptions, env: (name) => process.env[name] })
 * console.log(formatDoctorReport(report))
 * for (const check of report.checks) if (check.status === 'fail') console.warn(`${check.id}: ${check.fix}`)
 * ```
 */
export async function doctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const configuration = readConfiguration(options)
  const configurationCheck: DoctorCheck =
    configuration.problems.length === 0
      ? { id: 'configuration', status: 'pass', found: 'the options are complete and valid' }
      : {
          id: 'configuration',
          status: 'fail',
          found: configuration.problems.join('; '),
          fix: 'set the options (or AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, AUTH0_SECRET, APP_BASE_URL) as the app has them',
        }
  const { settings } = configuration
  if (!settings) {
    const rest = CHECKS.map(
      ({ id }): DoctorCheck =>
        ALWAYS.has(id)
          ? { id, status: 'unknown', found: 'cannot check without a usable configuration', fix: 'fix the configuration check first' }
          : { id, status: 'skipped', found: 'not checked' },
    )
    return report(configuration.domain, configuration.clientId, 'unknown', [configurationCheck, ...rest])
  }
  const needed = new Set(CHECKS.filter((check) => check.needed(settings)))
  // Each call is bounded by httpTimeout, and the whole run by httpTimeout × the checks it makes.
  const probe = new Probe(settings.http, settings.http.timeout * needed.size)
  const facts = new TenantFacts(settings, probe)
  const results: DoctorCheck[] = [configurationCheck]
  // One after the other: the output order is the run order, and checks share what they fetched.
  for (const check of CHECKS) {
    results.push(
      needed.has(check) ? await check.run(facts) : { id: check.id, status: 'skipped', found: 'not needed by this configuration' },
    )
  }
  return report(settings.domain, settings.clientId, settings.strategy, results)
}

function report(domain: string | undefined, clientId: string | undefined, strategy: string, checks: DoctorCheck[]): DoctorReport {
  const ok = checks.every((check) => check.status === 'pass' || check.status === 'skipped')
  return { ok, domain, clientId, strategy, checks }
}
