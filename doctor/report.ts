/**
 * @module What the tenant doctor reports: one result per check (✓, ✗ or ?), and the plain-text
 * and JSON forms of the whole report, stable enough to paste into an issue.
 */

/**
 * How one check came out: `pass` (✓), `fail` (✗), `unknown` (? — the check could not be made,
 * usually for a missing permission the `fix` names), or `skipped` (the configuration does not
 * need it; left out of the text report).
 *
 * @example
 * ```ts
 * const failing = report.checks.filter((check) => check.status === 'fail')
 * ```
 */
export type DoctorStatus = 'pass' | 'fail' | 'unknown' | 'skipped'

/**
 * The checks the doctor runs, in the order it runs and prints them.
 *
 * @example
 * ```ts
 * const callback = report.checks.find((check) => check.id === 'callback-url')
 * if (callback?.status === 'fail') console.error(callback.fix)
 * ```
 */
export type DoctorCheckId =
  | 'configuration'
  | 'discovery'
  | 'client-authentication'
  | 'callback-url'
  | 'logout-url'
  | 'management-api-grant'
  | 'linking-action'
  | 'my-account-api'
  | 'refresh-token-policy'
  | 'token-vault-grant'
  | 'refresh-token-rotation'
  | 'pushed-authorization-requests'
  | 'organization'

/**
 * The result of one check: what was found and, unless it passed, the one-line fix (the
 * Dashboard place or the Management API call). Never holds a secret or a token.
 *
 * @example
 * ```ts
 * const check: DoctorCheck = {
 *   id: 'callback-url',
 *   status: 'fail',
 *   found: 'Auth0 refused http://localhost:3000/auth/callback: Callback URL mismatch',
 *   fix: 'Dashboard → Applications → your app → Settings → Allowed Callback URLs: add http://localhost:3000/auth/callback',
 * }
 * ```
 */
export interface DoctorCheck {
  id: DoctorCheckId
  status: DoctorStatus
  /** What the doctor saw, one line. */
  found: string
  /** What to change, one line; only when the check did not pass. */
  fix?: string
}

/**
 * Everything `doctor()` found. `ok` is true only when every check the configuration needs passed;
 * the CLI exits 0 then, 1 when a check failed, 2 when nothing failed but some could not be made.
 *
 * @example
 * ```ts
 * const report = await doctor(options)
 * if (!report.ok) console.error(formatDoctorReport(report))
 * ```
 */
export interface DoctorReport {
  ok: boolean
  /** The tenant's host name (or `host:port`), when the configuration names one. */
  domain: string | undefined
  clientId: string | undefined
  strategy: string
  checks: DoctorCheck[]
}

const SYMBOLS: Record<Exclude<DoctorStatus, 'skipped'>, string> = { pass: '✓', fail: '✗', unknown: '?' }
const ID_WIDTH = 'pushed-authorization-requests'.length

/**
 * The report as text: a heading line, one line per check that the configuration needs
 * (`✓`/`✗`/`?`, the check, what was found, and the fix), and a count. Stable: no times, no
 * random values, no secrets, so two runs against the same tenant print the same text.
 *
 * @example
 * ```ts
 * const report = await doctor(options)
 * console.log(formatDoctorReport(report))
 * // auth0-link-kit doctor · tenant example.eu.auth0.com · client abc123 · linking management-api
 * // ✓ discovery                      discovery, issuer and JWKS (2 keys) answer; clock within 1 s of the tenant's
 * // ✗ callback-url                   Auth0 refused http://localhost:3000/auth/callback: Callback URL mismatch. Fix: …
 * ```
 */
export function formatDoctorReport(report: DoctorReport): string {
  const lines = [
    `auth0-link-kit doctor · tenant ${report.domain ?? '(not set)'} · client ${report.clientId ?? '(not set)'} · linking ${report.strategy}`,
  ]
  const counts = { pass: 0, fail: 0, unknown: 0 }
  for (const check of report.checks) {
    if (check.status === 'skipped') continue
    counts[check.status]++
    const fix = check.fix && check.status !== 'pass' ? ` Fix: ${check.fix}` : ''
    lines.push(`${SYMBOLS[check.status]} ${check.id.padEnd(ID_WIDTH)}  ${check.found}${fix}`)
  }
  lines.push(`${counts.pass} ✓ · ${counts.fail} ✗ · ${counts.unknown} ?`)
  return lines.join('\n')
}

/**
 * Text from the tenant (an `error_description`, a page title) made safe to print: control
 * characters (terminal escapes) become spaces, and it is cut to `max` characters.
 */
export function printable(text: string, max = 160): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}
