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
}

function settledHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) throw new Error('run with --expose-gc (npm run bench does)')
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

/**
 * Heap in use after many reads and many complete logins, against the start: anything a library
 * keeps per request (caches without bounds, listeners, timers) shows up as growth. Each login is a
 * full flow (start, the tenant's callback, complete) in a fresh browser.
 */
export async function measureMemory(tenant: BenchTenant, contender: Contender, getSessionCalls: number, loginFlows: number): Promise<MemoryMeasurement> {
  const session = await signIn(contender, tenant)
  const read = () => contender.getSession({ request: session.request(`${APP_ORIGIN}/home`), response: new Response(null) })
  for (let i = 0; i < 1000; i++) await read()
  const heapAtStart = settledHeap()
  for (let i = 0; i < getSessionCalls; i++) {
    if ((await read()) === undefined) throw new Error(`${contender.name}: the session disappeared during the memory run`)
  }
  const heapAfterGetSession = settledHeap()
  for (let i = 0; i < loginFlows; i++) await signIn(contender, tenant)
  const heapAfterFlows = settledHeap()
  return { library: contender.name, getSessionCalls, loginFlows, heapAtStart, heapAfterGetSession, heapAfterFlows }
}
