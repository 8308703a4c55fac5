// The Hono example app (examples/hono/app.js) in each real runtime: Node through
// @hono/node-server (the `npm run example:hono` server itself), Bun and Deno. Each must pass the
// shared auth-route suite and the Hono behaviours. Workers (workerd) has its own file.

import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { runBehaviourSuite, type SpawnOptions, type StartedApp, startSpawnedApp } from './harness.js'
import { runHonoSuite } from './hono-behaviours.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const bin = (name: string) => `${root}node_modules/.bin/${name}`

const RUNTIMES: Array<{ runtime: string; version: RegExp; spawn: SpawnOptions }> = [
  {
    runtime: 'node',
    version: /^hello from node v\d+\./,
    spawn: { command: process.execPath, args: ['examples/hono/server.js'], cwd: root },
  },
  {
    runtime: 'bun',
    version: /^hello from bun \d+\.\d+\.\d+/,
    spawn: { command: bin('bun'), args: ['test/runtime/apps/hono-bun.ts'], cwd: root },
  },
  {
    runtime: 'deno',
    version: /^hello from deno \d+\.\d+\.\d+/,
    spawn: {
      command: bin('deno'),
      args: [
        'run',
        '--no-prompt',
        '--cached-only',
        '--node-modules-dir=manual',
        '--allow-read',
        '--allow-net=127.0.0.1',
        '--allow-env',
        'test/runtime/apps/hono-deno.ts',
      ],
      cwd: root,
      env: { DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' },
    },
  },
]

for (const { runtime, version, spawn } of RUNTIMES) {
  const start = async (): Promise<StartedApp> => {
    const app = await startSpawnedApp(spawn)
    const hello = await (await fetch(`${app.baseUrl}/hello`)).text()
    console.info(`[runtime matrix] Hono on ${runtime}: ${spawn.command} → ${hello}`)
    try {
      expect(hello).toMatch(version)
    } catch (error) {
      await app.stop()
      throw error
    }
    return app
  }
  runBehaviourSuite(`Hono on ${runtime}: auth routes`, start, { runtime })
  runHonoSuite(`Hono on ${runtime}: c.var.auth, requiresAuth, cookies, refusals`, start)
}
