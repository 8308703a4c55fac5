import { describe, expect, it } from 'vitest'
import { callAuth0, type HttpOptions } from '../../core/http.js'

function connection(timeout: number) {
  const settings = { fetch: globalThis.fetch, timeout, allowInsecureRequests: false }
  return {
    withHttpOptions: <T>(signal: AbortSignal | undefined, call: (options: HttpOptions) => Promise<T>) =>
      callAuth0(settings, 'The test call', signal, call),
  }
}

const aborted = (signal: AbortSignal) => new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('the signal of each call to Auth0', () => {
  it('aborts with a TimeoutError once httpTimeout has passed', async () => {
    const reason = await connection(20).withHttpOptions(undefined, async ({ signal }) => {
      expect(signal.aborted).toBe(false)
      await aborted(signal)
      return signal.reason as Error
    })
    expect(reason.name).toBe('TimeoutError')
  })

  it("aborts with the caller's reason when the caller's request is aborted first", async () => {
    const caller = new AbortController()
    const reason = await connection(60_000).withHttpOptions(caller.signal, async ({ signal }) => {
      caller.abort(new Error('client went away'))
      expect(signal.aborted).toBe(true)
      return signal.reason as Error
    })
    expect(reason.message).toBe('client went away')
  })

  it('starts aborted when the caller already is', async () => {
    const reason = await connection(60_000).withHttpOptions(
      AbortSignal.abort(new Error('gone')),
      async ({ signal }) => signal.reason as Error,
    )
    expect(reason.message).toBe('gone')
  })

  it('lets go of the timer and the caller once the call settles, so a finished call is not kept alive', async () => {
    const caller = new AbortController()
    let seen: AbortSignal | undefined
    await connection(20).withHttpOptions(caller.signal, async ({ signal }) => (seen = signal))
    await connection(20)
      .withHttpOptions(undefined, async () => {
        throw new Error('failed call')
      })
      .catch(() => {})
    await sleep(60)
    caller.abort(new Error('late'))
    expect(seen!.aborted).toBe(false)
  })
})
