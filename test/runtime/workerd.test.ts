// Cloudflare Workers in real workerd (the npm `workerd` binary, driven by
// examples/workers/serve.mjs with its own config): the Hono Worker and a plain
// `export default { fetch }` Worker, options from bindings, against the emulated tenant on
// loopback (the Worker's network allows loopback only). Each passes the shared auth-route suite;
// the Hono one the Hono behaviours too. workerd is checked gone after each app stops.

import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { runHonoSuite } from './hono-behaviours.js'
import { runBehaviourSuite, type StartedApp, startSpawnedApp } from './harness.js'

const root = fileURLToPath(new URL('../../', import.meta.url))

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function startWorker(worker: 'hono' | 'fetch'): Promise<StartedApp> {
  const app = await startSpawnedApp({ command: process.execPath, args: ['examples/workers/serve.mjs'], cwd: root, env: { WORKER: worker }, timeout: 60_000 })
  const workerdPid = Number(/^WORKERD_PID (\d+)$/m.exec(app.server.output())?.[1])
  const hello = await (await fetch(`${app.baseUrl}/hello`)).text()
  console.info(`[runtime matrix] workerd ${worker} Worker (pid ${workerdPid}) → ${hello}`)
  const stop = async () => {
    await app.stop()
    // serve.mjs stops workerd on SIGTERM; give it the same bounded grace the harness gives.
    for (let i = 0; i < 50 && isRunning(workerdPid); i++) await new Promise((resolve) => setTimeout(resolve, 100))
    if (isRunning(workerdPid)) {
      process.kill(workerdPid, 'SIGKILL')
      throw new Error(`workerd (pid ${workerdPid}) outlived serve.mjs`)
    }
  }
  try {
    expect(workerdPid).toBeGreaterThan(0)
    expect(hello).toBe('hello from workerd (Cloudflare-Workers)')
  } catch (error) {
    await stop()
    throw error
  }
  return { ...app, stop }
}

runBehaviourSuite('workerd: Hono Worker (examples/workers/hono-worker.js)', () => startWorker('hono'), { runtime: 'workerd' })
runHonoSuite('workerd: Hono Worker, c.var.auth, requiresAuth, cookies, refusals', () => startWorker('hono'))
runBehaviourSuite('workerd: export default { fetch } Worker (examples/workers/fetch-worker.js)', () => startWorker('fetch'), { runtime: 'workerd' })
