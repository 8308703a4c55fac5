import type { Contender } from './contenders.js'
import { APP_ORIGIN } from './contenders.js'
import { signIn } from './flows.js'
import type { BenchTenant } from './tenant.js'

export interface MemoryMeasurement {
  library: string
  getSessionCalls: number
  loginFlows: number
  /** Bytes of heap in use after a full GC: at the start, after the getSession calls, after the flows. */
  heapAtStart: number
  heapAfterGetSession: number
  heapAfterFlows: number
  /** Connect starts and Token Vault exchanges run after the flows, and the heap after them. */
  connectedAccountCalls: number
  heapAfterConnectedAccounts: number
}

const FLOWS_AT_ONCE = 16

/**
 * Heap in use after full collections, each followed by a turn of the event loop: undici frees a
 * fetch's body through a FinalizationRegistry, whose callbacks only run between turns.
 */
async function settledHeap(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) throw new Error('run with --expose-gc (npm run bench does)')
  for (let i = 0; i < 4; i++) {
    gc()
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return process.memoryUsage().heapUsed
}

/** Sixteen browsers at a time: the tenant's RS256 signing for each callback runs on both cores. */
async function loginFlowsInBatches(contender: Contender, tenant: BenchTenant, flows: number): Promise<void> {
  for (let done = 0; done < flows; done += FLOWS_AT_ONCE) {
    await Promise.all(Array.from({ length: Math.min(FLOWS_AT_ONCE, flows - done) }, () => signIn(contender, tenant)))
  }
}

/**
 * Heap in use after many reads and many complete logins, against the start: anything a library
 * keeps per request (caches without bounds, listeners, timers) shows up as growth. Each login is a
 * full flow (start, the tenant's callback, complete) in a fresh browser.
 */
export async function measureMemory(
  tenant: BenchTenant,
  contender: Contender,
  getSessionCalls: number,
  loginFlows: number,
  connectedAccountCalls = 0,
): Promise<MemoryMeasurement> {
  const session = await signIn(contender, tenant)
  const read = () => contender.getSession({ request: session.request(`${APP_ORIGIN}/home`), response: new Response(null) })
  // Warm up both paths first: what V8 compiles for them is code, not anything the library keeps.
  for (let i = 0; i < 1000; i++) await read()
  await loginFlowsInBatches(contender, tenant, 1000)
  const heapAtStart = await settledHeap()
  for (let i = 0; i < getSessionCalls; i++) {
    if ((await read()) === undefined) throw new Error(`${contender.name}: the session disappeared during the memory run`)
  }
  const heapAfterGetSession = await settledHeap()
  await loginFlowsInBatches(contender, tenant, loginFlows)
  // Measured right away: each call to Auth0 clears its timeout as it settles, so nothing waits.
  const heapAfterFlows = await settledHeap()
  // Connected Accounts and Token Vault: a connect start (My Account API token cached in the
  // session after the first) and a Token Vault exchange from the session as it was signed in.
  const start = contender.startConnectAccount
  const exchange = contender.getAccessTokenForConnection
  if (start && exchange) {
    for (let i = 0; i < connectedAccountCalls; i++) {
      const options = { request: session.request(`${APP_ORIGIN}/calendar`), response: new Response(null) }
      await start(options)
      await exchange({ request: session.request(`${APP_ORIGIN}/calendar`), response: new Response(null) })
      if (i === 0) session.store(options.response.headers)
    }
  }
  const heapAfterConnectedAccounts = await settledHeap()
  return {
    library: contender.name,
    getSessionCalls,
    loginFlows,
    heapAtStart,
    heapAfterGetSession,
    heapAfterFlows,
    connectedAccountCalls,
    heapAfterConnectedAccounts,
  }
}
