/**
 * @module The doctor's view of the app's configuration: the same options and `AUTH0_*` variables
 * the app reads (through `adapters/env.ts`), validated by the core's own `resolveConfig`, plus the
 * linking strategy, and what each check needs to know about them.
 */

import type { EnvReader } from '../adapters/env.js'
import { optionsFromEnv } from '../adapters/env.js'
import { type ClientAuthentication, resolveConfig } from '../core/config.js'
import { ConfigurationError } from '../core/errors.js'
import type { HttpSettings } from '../core/http.js'
import type { AuthOptions, Routes } from '../core/options.js'

/**
 * How the app links accounts (DESIGN.md §15): through the Management API (the default, no Action
 * needed) or through the kit's post-login Action installed on the tenant.
 *
 * @example
 * ```ts
 * const strategy: LinkStrategy = process.env.AUTH0_LINK_STRATEGY === 'tenant-action' ? 'tenant-action' : 'management-api'
 * ```
 */
export type LinkStrategy = 'management-api' | 'tenant-action'

/**
 * The name the kit's post-login Action (`tenant/actions/account-linking.js`) is deployed under
 * unless `linkingActionName` says otherwise; the doctor looks for a post-login binding of it.
 *
 * @example
 * ```ts
 * const report = await doctor({ ...options, linking: { strategy: 'tenant-action' }, linkingActionName: DEFAULT_LINKING_ACTION_NAME })
 * ```
 */
export const DEFAULT_LINKING_ACTION_NAME = 'auth0-link-kit account linking'

/**
 * Options for {@link doctor}: the app's own options (as for `createAuth`; `secret` is only
 * checked, never used), and where to read the `AUTH0_*` variables for options left out.
 *
 * @example
 * ```ts
 * const report = await doctor({ ...authOptions, env: (name) => process.env[name] })
 * const fromEnvOnly = await doctor({ env: (name) => process.env[name], connectedAccounts: { enabled: true } })
 * ```
 */
export type DoctorOptions = Omit<Partial<AuthOptions>, 'linking'> & {
  /** The linking settings as the app has them; `strategy` defaults to `AUTH0_LINK_STRATEGY`, then `'management-api'`. */
  linking?: { strategy?: string; confirm?: string } | undefined
  /**
   * Reads `AUTH0_DOMAIN`, `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET`, `AUTH0_SECRET`, `APP_BASE_URL`,
   * `AUTH0_PUSHED_AUTHORIZATION_REQUESTS`, `AUTH0_ORGANIZATION` and `AUTH0_LINK_STRATEGY` for the
   * options not given, as the adapters do. Without it only `options` count.
   */
  env?: EnvReader
  /** The name the kit's post-login Action is deployed under. Default {@link DEFAULT_LINKING_ACTION_NAME}. */
  linkingActionName?: string
}

/** What the checks read, resolved once. Internal. */
export interface DoctorSettings {
  issuer: URL
  /** `host[:port]` of the tenant, as printed. */
  domain: string
  clientId: string
  clientAuthentication: ClientAuthentication
  http: HttpSettings
  appBaseUrl: URL | undefined
  routes: Routes
  strategy: LinkStrategy
  /** Whether the app reads users through the Management API (`read:users`) besides linking. */
  readsUsers: boolean
  /** tenant-action with `confirm: 'management-api'` compares identities through the Management API. */
  confirmsThroughManagementApi: boolean
  connectedAccounts: boolean
  pushedAuthorizationRequests: boolean
  organization: string | undefined
  managementAudience: URL
  /** A separate machine-to-machine client for the Management API, else the app's own. */
  managementClient: { clientId: string; clientSecret: string } | undefined
  linkingActionName: string
}

/** The configuration as the doctor found it: usable settings (maybe with problems to report), or only problems. */
export type ConfigurationOutcome =
  | { settings: DoctorSettings; problems: string[] }
  | { settings: undefined; problems: string[]; domain: string | undefined; clientId: string | undefined }

/** Stands in for a missing or short `secret`: the doctor never encrypts anything, but `resolveConfig` wants one. */
const PLACEHOLDER_SECRET = 'auth0-link-kit doctor placeholder secret, never used'

function strategyOf(options: DoctorOptions, env: EnvReader | undefined): LinkStrategy | string {
  const configured = options.linking?.strategy ?? readEnv(env, 'AUTH0_LINK_STRATEGY')
  return configured === undefined || configured === '' ? 'management-api' : configured
}

function readEnv(env: EnvReader | undefined, name: string): string | undefined {
  try {
    return env?.(name) || undefined
  } catch {
    // Deno without --allow-env: as if unset.
    return undefined
  }
}

function secretProblem(secret: unknown): string | undefined {
  const secrets = typeof secret === 'string' ? [secret] : Array.isArray(secret) ? secret : undefined
  if (secret === undefined || !secrets || secrets.length === 0) return 'secret (AUTH0_SECRET) is not set'
  if (!secrets.every((value) => typeof value === 'string' && value.length >= 32))
    return 'secret (AUTH0_SECRET) is shorter than 32 characters'
  return undefined
}

/** Reads and validates the configuration as the app would, collecting what is wrong instead of throwing. */
export function readConfiguration(options: DoctorOptions): ConfigurationOutcome {
  let merged: DoctorOptions
  try {
    merged = options.env ? { ...options, ...optionsFromEnv(options as Partial<AuthOptions>, options.env) } : options
  } catch (error) {
    return { settings: undefined, problems: [messageOf(error)], domain: undefined, clientId: undefined }
  }
  const problems: string[] = []
  const domainText = typeof merged.domain === 'string' ? merged.domain : undefined
  const clientIdText = typeof merged.clientId === 'string' ? merged.clientId : undefined
  const strategy = strategyOf(merged, options.env)
  if (strategy !== 'management-api' && strategy !== 'tenant-action') {
    problems.push(
      `linking.strategy (AUTH0_LINK_STRATEGY) must be management-api or tenant-action, not ${JSON.stringify(strategy).slice(0, 40)}`,
    )
  }
  const secret = secretProblem(merged.secret)
  if (secret) problems.push(secret)
  if (typeof merged.domain === 'function') {
    problems.push('domain is a resolver function: pass one of your domains as domain to doctor()')
    return { settings: undefined, problems, domain: undefined, clientId: clientIdText }
  }
  let config: ReturnType<typeof resolveConfig>
  try {
    const { env: _env, linkingActionName: _name, linking: _linking, ...authOptions } = merged
    config = resolveConfig({ ...(authOptions as AuthOptions), secret: secret ? PLACEHOLDER_SECRET : (merged.secret as string) })
  } catch (error) {
    problems.push(messageOf(error))
    return { settings: undefined, problems, domain: domainText, clientId: clientIdText }
  }
  const issuer = config.issuer
  const managementAudience = config.managementApi.audience
  if (!issuer || !managementAudience) {
    problems.push('domain (AUTH0_DOMAIN) is not set')
    return { settings: undefined, problems, domain: undefined, clientId: config.clientId }
  }
  const confirm = merged.linking?.confirm
  return {
    problems,
    settings: {
      issuer,
      domain: issuer.host,
      clientId: config.clientId,
      clientAuthentication: config.clientAuthentication,
      http: config.http,
      appBaseUrl: config.appBaseUrl,
      routes: config.routes,
      strategy: strategy === 'tenant-action' ? 'tenant-action' : 'management-api',
      readsUsers: config.identitiesRoute,
      confirmsThroughManagementApi: confirm === 'management-api',
      connectedAccounts: config.connectedAccounts.routes,
      pushedAuthorizationRequests: config.pushedAuthorizationRequests,
      organization: typeof config.authorizationParams.organization === 'string' ? config.authorizationParams.organization : undefined,
      managementAudience,
      managementClient: config.managementApi.client,
      linkingActionName: options.linkingActionName ?? DEFAULT_LINKING_ACTION_NAME,
    },
  }
}

function messageOf(error: unknown): string {
  if (error instanceof ConfigurationError) return error.message
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}
