/**
 * @module The `Auth0-Client` header Auth0's SDKs send on every call to the tenant: which SDK, which
 * version, on which runtime, so Auth0 can tell its users' integrations apart. No user data.
 */

import { base64url } from 'jose'

/** This package's name and version, as the header reports them (kept equal to package.json by a test). */
export const SDK_NAME = 'auth0-link-kit'
export const SDK_VERSION = '0.1.0'

interface RuntimeGlobals {
  Deno?: { version?: { deno?: string } }
  Bun?: { version?: string }
  process?: { versions?: { node?: string } }
  navigator?: { userAgent?: string }
}

/** The runtime and its version; Deno and Bun first, since both also answer to `process.versions.node`. */
function runtime(): Record<string, string> {
  const globals = globalThis as RuntimeGlobals
  if (globals.Deno?.version?.deno) return { deno: globals.Deno.version.deno }
  if (globals.Bun?.version) return { bun: globals.Bun.version }
  if (globals.process?.versions?.node) return { node: globals.process.versions.node }
  const userAgent = globals.navigator?.userAgent
  return userAgent ? { userAgent: userAgent.slice(0, 64) } : {}
}

/** The header's value: base64url JSON of `{ name, version, env }`, as Auth0's SDKs encode it. */
export function telemetryValue(): string {
  return base64url.encode(JSON.stringify({ name: SDK_NAME, version: SDK_VERSION, env: runtime() }))
}

/** `fetchImpl` with `Auth0-Client` on every request; the wrapped fetch is still looked up per call. */
export function withTelemetry(fetchImpl: typeof fetch): typeof fetch {
  const value = telemetryValue()
  return (input, init) => {
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined))
    headers.set('auth0-client', value)
    return fetchImpl(input, { ...init, headers })
  }
}
