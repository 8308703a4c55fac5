// Auth0-Client on every call to Auth0, as Auth0's SDKs send it; none with enableTelemetry: false.
import { readFile } from 'node:fs/promises'
import { base64url } from 'jose'
import { describe, expect, it } from 'vitest'
import { SDK_VERSION } from '../../core/telemetry.js'
import { signedInBrowser } from '../support/flows.js'
import { createTestAuth, useMockedTenant } from '../support/tenant.js'

const tenant = useMockedTenant()

/** A fetch that notes each request's path and Auth0-Client header, then lets MSW answer it. */
function recordingFetch() {
  const seen: Array<{ path: string; client: string | null }> = []
  const recorded: typeof fetch = async (input, init) => {
    const request = new Request(input, init)
    seen.push({ path: new URL(request.url).pathname, client: request.headers.get('auth0-client') })
    return globalThis.fetch(request)
  }
  return { seen, fetch: recorded }
}

async function everyCall(overrides: Parameters<typeof createTestAuth>[1]) {
  const { emulator } = tenant
  const recorder = recordingFetch()
  const auth = createTestAuth(emulator, {
    ...overrides,
    fetch: recorder.fetch,
    identities: { enabled: true },
    pushedAuthorizationRequests: true,
  })
  const browser = await signedInBrowser(auth, emulator)
  expect((await browser.send('/auth/identities')).status).toBe(200)
  expect((await browser.send('/auth/access-token?scope=openid')).status).toBe(200)
  return recorder.seen
}

describe('telemetry', () => {
  it('sends Auth0-Client (name, version, runtime) on discovery, JWKS, PAR, token and Management API calls', async () => {
    const seen = await everyCall({})
    expect(seen.map((call) => call.path)).toEqual([
      '/.well-known/openid-configuration',
      '/oauth/par',
      '/oauth/token',
      '/.well-known/jwks.json',
      '/oauth/token',
      '/api/v2/users/auth0%7Calice',
      '/oauth/token',
    ])
    const values = new Set(seen.map((call) => call.client))
    expect(values.size).toBe(1)
    const [value] = values
    expect(JSON.parse(new TextDecoder().decode(base64url.decode(value!)))).toEqual({
      name: 'auth0-link-kit',
      version: SDK_VERSION,
      env: { node: process.versions.node },
    })
  })

  it('sends none with enableTelemetry: false', async () => {
    const seen = await everyCall({ enableTelemetry: false })
    expect(seen.length).toBeGreaterThan(5)
    expect(seen.every((call) => call.client === null)).toBe(true)
  })

  it('reports the version in package.json', async () => {
    const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    expect(SDK_VERSION).toBe(version)
  })

  it('must be a boolean', () => {
    expect(() => createTestAuth(tenant.emulator, { enableTelemetry: 'no' as never })).toThrow(
      expect.objectContaining({ code: 'configuration_error', option: 'enableTelemetry' }),
    )
  })
})
