import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { type AuthOptions, createAuth } from '../../core/index.js'
import { type Auth0Emulator, type Auth0EmulatorOptions, auth0Handlers, createAuth0Emulator } from '../../testing/index.js'

export const APP_ORIGIN = 'http://localhost:3000'
export const SECRET = 'a-test-secret-that-is-at-least-32-characters-long'

/** One MSW server per test file: every call core makes to Auth0 must hit the emulator or fail. */
const server = setupServer()

export interface MockedTenant {
  emulator: Auth0Emulator
}

/**
 * Registers hooks that give each test a fresh emulator behind MSW (`onUnhandledRequest: 'error'`),
 * so any request core makes outside the emulated tenant fails the test.
 */
export function useMockedTenant(options: Auth0EmulatorOptions = {}): MockedTenant {
  const tenant = {} as MockedTenant
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  afterAll(() => server.close())
  beforeEach(async () => {
    tenant.emulator = await createAuth0Emulator(options)
    server.resetHandlers(...auth0Handlers(tenant.emulator))
  })
  afterEach(() => server.resetHandlers())
  return tenant
}

/** Auth options pointing at the emulator; the global fetch reaches it through MSW. */
export function authOptions(
  emulator: Auth0Emulator,
  overrides: Partial<AuthOptions> & { domain?: string } = {},
): AuthOptions & { domain: string } {
  return {
    domain: emulator.domain,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    secret: SECRET,
    appBaseUrl: APP_ORIGIN,
    ...overrides,
  }
}

export function createTestAuth<TAppState = unknown>(emulator: Auth0Emulator, overrides: Partial<AuthOptions> = {}) {
  return createAuth<TAppState>({ ...authOptions(emulator), ...overrides })
}
