// The Management API token follows the session's one freshness rule (`isTokenFresh`, issue 19
// item 5): reused while more than the leeway is left, renewed once inside it.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { TOKEN_EXPIRY_LEEWAY } from '../../core/session.js'
import { signedInBrowser, storeOptionsOf } from '../support/flows.js'
import { createTestAuth, useMockedTenant } from '../support/tenant.js'

const TTL = 300
const tenant = useMockedTenant({ accessTokenTtl: TTL })

afterEach(() => {
  vi.useRealTimers()
})

/** Moves the clock on by `seconds` (Date only: timers and I/O keep running). */
function later(seconds: number) {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(Date.now() + seconds * 1000)
}

describe('the Management API token', () => {
  it('is reused until the shared leeway is reached, then requested again', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = await signedInBrowser(auth, emulator)
    await auth.client.getIdentities(storeOptionsOf(browser))
    const afterFirst = emulator.hits.token

    later(TTL - TOKEN_EXPIRY_LEEWAY - 5)
    await auth.client.getIdentities(storeOptionsOf(browser))
    expect(emulator.hits.token).toBe(afterFirst)

    later(10)
    await auth.client.getIdentities(storeOptionsOf(browser))
    expect(emulator.hits.token).toBe(afterFirst + 1)
  })
})
