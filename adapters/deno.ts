// `auth0-link-kit/deno`: the auth routes in `Deno.serve`. Deno speaks Request/Response already;
// this file only reads `Deno.env`, turning a missing `--allow-env` into a clear error.

import { type Auth, type AuthOptions, ConfigurationError, createAuth as createCoreAuth } from '../core/index.js'
import { ENV_OPTIONS, type EnvReader, optionsFromEnv } from './env.js'

// Per request, app code binds the core's RequestAuth with a Headers sink it appends to its response.
export { bindRequest, type CookieSink, headersCookieSink, type RequestAuth } from '../core/index.js'
export { withAuth } from './fetch-handler.js'

/** The part of Deno's global this adapter reads; declared here rather than pulling in Deno's types. */
interface DenoGlobal {
  env: { get(name: string): string | undefined }
}

// Deno 2 throws NotCapable for a missing permission; Deno 1 threw PermissionDenied.
const PERMISSION_ERRORS = new Set(['NotCapable', 'PermissionDenied'])

function denoEnv(): EnvReader {
  const deno = (globalThis as { Deno?: DenoGlobal }).Deno
  return (name) => {
    if (!deno) return undefined
    try {
      return deno.env.get(name)
    } catch (error) {
      if (error instanceof Error && PERMISSION_ERRORS.has(error.name)) {
        const option = ENV_OPTIONS[name as keyof typeof ENV_OPTIONS] ?? name
        const variables = Object.keys(ENV_OPTIONS).join(',')
        throw new ConfigurationError(
          option,
          `${name} cannot be read without the --allow-env permission: run deno with --allow-env=${variables}, or pass ${option} to createAuth`,
        )
      }
      throw error
    }
  }
}

/**
 * Creates the auth instance with every option not passed filled from `Deno.env`
 * (`AUTH0_DOMAIN`, `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET`, `AUTH0_SECRET`, `APP_BASE_URL`, and
 * the optional variables `optionsFromEnv` lists).
 * Only the variables of missing options are read. Without `--allow-env` it throws a
 * `ConfigurationError` that names the permission.
 *
 * @example
 * ```ts
 * import { createAuth, withAuth } from 'auth0-link-kit/deno'
 *
 * const auth = createAuth()
 * Deno.serve(withAuth(auth, () => new Response('app')))
 * ```
 */
export function createAuth<TAppState = unknown>(options: Partial<AuthOptions> = {}, env: EnvReader = denoEnv()): Auth<TAppState> {
  return createCoreAuth<TAppState>(optionsFromEnv(options, env))
}
