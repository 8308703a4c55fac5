/**
 * @module Options from a runtime's environment (`AUTH0_*`, `APP_BASE_URL`: `process.env`, `Bun.env`,
 * `Deno.env`, SvelteKit's `env`, Workers bindings), one reader shared by every adapter.
 */

import { type AuthOptions, ConfigurationError, type LinkingOptions } from '../core/index.js'

/**
 * Reads one environment variable; `undefined` when unset. May throw (Deno without `--allow-env`).
 *
 * @example
 * ```ts
 * const read: EnvReader = (name) => process.env[name]
 * ```
 */
export type EnvReader = (name: string) => string | undefined

/**
 * Which option each environment variable fills (DESIGN.md §3).
 *
 * @example
 * ```ts
 * // tell the operator which variables configure the app
 * const help = Object.entries(ENV_OPTIONS).map(([variable, option]) => `${variable} sets ${option}`).join('\n')
 * ```
 */
export const ENV_OPTIONS = {
  AUTH0_DOMAIN: 'domain',
  AUTH0_CLIENT_ID: 'clientId',
  AUTH0_CLIENT_SECRET: 'clientSecret',
  AUTH0_SECRET: 'secret',
  APP_BASE_URL: 'appBaseUrl',
  AUTH0_PUSHED_AUTHORIZATION_REQUESTS: 'pushedAuthorizationRequests',
  AUTH0_ORGANIZATION: 'organization',
} as const satisfies Record<string, keyof AuthOptions>

/** Options that are on or off: their variables read `true` or `false` (any case). */
const BOOLEAN_OPTIONS = new Set<keyof AuthOptions>(['pushedAuthorizationRequests'])

function parseBoolean(variable: string, option: string, value: string): boolean {
  const normalized = value.trim().toLowerCase()
  if (normalized === 'true') return true
  if (normalized === 'false') return false
  throw new ConfigurationError(option, `${variable} must be true or false`)
}

/**
 * Fills each option missing from `options` from its environment variable (`AUTH0_DOMAIN`,
 * `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET`, `AUTH0_SECRET`, `APP_BASE_URL`,
 * `AUTH0_PUSHED_AUTHORIZATION_REQUESTS` as `true`/`false`, `AUTH0_ORGANIZATION`, `AUTH0_LINK_STRATEGY`
 * as `linking.strategy`). A variable is only
 * read when its option is missing, so an app configured in code needs no access to the
 * environment at all. Explicit options always win; empty variables count as unset.
 *
 * @example
 * ```ts
 * const options = optionsFromEnv({ appBaseUrl: 'https://app.example.com' }, (name) => process.env[name])
 * const auth = createAuth(options)
 * ```
 */
export function optionsFromEnv(options: Partial<AuthOptions>, read: EnvReader): AuthOptions {
  const merged: Partial<AuthOptions> = { ...options }
  for (const [variable, option] of Object.entries(ENV_OPTIONS) as Array<
    [keyof typeof ENV_OPTIONS, (typeof ENV_OPTIONS)[keyof typeof ENV_OPTIONS]]
  >) {
    if (merged[option] !== undefined) continue
    const value = read(variable)
    if (!value) continue
    if (BOOLEAN_OPTIONS.has(option)) Object.assign(merged, { [option]: parseBoolean(variable, option, value) })
    else Object.assign(merged, { [option]: value })
  }
  // An object option: the variable fills only its strategy; the core validates the value.
  const strategy = merged.linking?.strategy === undefined ? read('AUTH0_LINK_STRATEGY') : undefined
  if (strategy) merged.linking = { ...merged.linking, strategy: strategy.trim() as LinkingOptions['strategy'] }
  // Missing required options are reported by the core's own validation, naming the option.
  return merged as AuthOptions
}

/**
 * An {@link EnvReader} over a plain record such as `process.env` or `Bun.env`.
 *
 * @example
 * ```ts
 * const auth = createAuth(optionsFromEnv({}, readRecord(process.env)))
 * ```
 */
export const readRecord =
  (env: Record<string, string | undefined>): EnvReader =>
  (name) =>
    env[name]
