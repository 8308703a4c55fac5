// The doctor's test tenant: an emulator with the application settings the doctor reads in front
// of it (testing/tenant-settings.ts), and the app options that point at it.

import { readRecord } from '../../adapters/env.js'
import type { DoctorCheck, DoctorOptions, DoctorReport } from '../../doctor/index.js'
import { type Auth0Emulator, type Auth0EmulatorOptions, createAuth0Emulator } from '../../testing/index.js'
import { type TenantSettingsOptions, type TenantWithSettings, withTenantSettings } from '../../testing/tenant-settings.js'

export const APP_BASE_URL = 'http://localhost:3000'
export const SECRET = 'a-session-secret-of-at-least-32-characters'

export interface DoctorTenant {
  emulator: Auth0Emulator
  tenant: TenantWithSettings
  /** The app's options, as `createAuth` would take them, with connected accounts on. */
  options: DoctorOptions
}

export async function doctorTenant(
  emulatorOptions: Auth0EmulatorOptions = {},
  settings: TenantSettingsOptions = {},
): Promise<DoctorTenant> {
  const emulator = await createAuth0Emulator(emulatorOptions)
  const tenant = withTenantSettings(emulator, settings)
  return {
    emulator,
    tenant,
    options: {
      domain: emulator.domain,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
      secret: SECRET,
      appBaseUrl: APP_BASE_URL,
      fetch: tenant.fetch,
      httpTimeout: 2000,
      connectedAccounts: { enabled: true },
    },
  }
}

/** The environment an app reads, for the same tenant. */
export function envFor(emulator: Auth0Emulator, extra: Record<string, string> = {}) {
  return readRecord({
    AUTH0_DOMAIN: emulator.domain,
    AUTH0_CLIENT_ID: emulator.clientId,
    AUTH0_CLIENT_SECRET: emulator.clientSecret,
    AUTH0_SECRET: SECRET,
    APP_BASE_URL,
    ...extra,
  })
}

export const failing = (report: DoctorReport): string[] => report.checks.filter((check) => check.status === 'fail').map((check) => check.id)
export const withStatus = (report: DoctorReport, status: DoctorCheck['status']): string[] =>
  report.checks.filter((check) => check.status === status).map((check) => check.id)
export const check = (report: DoctorReport, id: DoctorCheck['id']): DoctorCheck => {
  const found = report.checks.find((entry) => entry.id === id)
  if (!found) throw new Error(`no ${id} check in the report`)
  return found
}
