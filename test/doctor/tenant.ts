// The doctor's test tenant: an emulator set up as the kit needs (the Management API grant with
// the permissions the doctor reads with, the connected-accounts settings of
// testing/application-settings.ts), and the app options that point at it.

import { readRecord } from '../../adapters/env.js'
import type { DoctorCheck, DoctorOptions, DoctorReport } from '../../doctor/index.js'
import { type ApplicationSettingsOptions, type EmulatorWithSettings, withApplicationSettings } from '../../testing/application-settings.js'
import { type Auth0Emulator, type Auth0EmulatorOptions, createAuth0Emulator } from '../../testing/index.js'

export const APP_BASE_URL = 'http://localhost:3000'
export const SECRET = 'a-session-secret-of-at-least-32-characters'
/** Linking's scopes and the read-only ones the doctor reads the application's settings and Actions with. */
export const FULL_GRANT = ['read:users', 'update:users', 'read:clients', 'read:actions']

export interface DoctorTenant {
  emulator: Auth0Emulator
  tenant: EmulatorWithSettings
  /** The app's options, as `createAuth` would take them, with connected accounts on. */
  options: DoctorOptions
}

/** A tenant set up for everything the doctor checks; `emulatorOptions` and `settings` switch one thing off. */
export async function doctorTenant(
  emulatorOptions: Auth0EmulatorOptions = {},
  settings: ApplicationSettingsOptions = {},
): Promise<DoctorTenant> {
  const emulator = await createAuth0Emulator({ managementApiGrant: FULL_GRANT, ...emulatorOptions })
  const tenant = withApplicationSettings(emulator, settings)
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
