import { describe, expect, it } from 'vitest'
import { AuthorizationServerConnection } from '../../core/authorization-server.js'
import { resolveConfig } from '../../core/index.js'
import { SECRET } from '../support/tenant.js'

function connection(httpTimeout: number) {
  return new AuthorizationServerConnection(
    resolveConfig({ domain: 'tenant.auth0.test', clientId: 'client', clientSecret: 'client-secret', secret: SECRET, httpTimeout }),
  )
}

describe('the signal of each call to Auth0', () => {
  it('aborts with a TimeoutError once httpTimeout has passed', async () => {
    const { signal } = connection(20).httpOptions()
    expect(signal.aborted).toBe(false)
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))
    expect((signal.reason as Error).name).toBe('TimeoutError')
  })

  it("aborts with the caller's reason when the caller's request is aborted first", () => {
    const caller = new AbortController()
    const { signal } = connection(60_000).httpOptions(caller.signal)
    caller.abort(new Error('client went away'))
    expect(signal.aborted).toBe(true)
    expect((signal.reason as Error).message).toBe('client went away')
  })

  it('starts aborted when the caller already is', () => {
    const { signal } = connection(60_000).httpOptions(AbortSignal.abort(new Error('gone')))
    expect((signal.reason as Error).message).toBe('gone')
  })
})
