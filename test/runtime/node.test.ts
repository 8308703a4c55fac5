import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { runBehaviourSuite, startSpawnedApp } from './harness.js'

const root = fileURLToPath(new URL('../../', import.meta.url))

/**
 * The machine's own Node, found on PATH past `node_modules/.bin`: under `npm test` that folder
 * comes first and holds the `node22` package's `node`, so `process.execPath` is Node 22 there.
 */
function systemNode(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir.includes('node_modules')) continue
    const candidate = path.join(dir, 'node')
    if (existsSync(candidate)) return candidate
  }
  return process.execPath
}

const NODES = [
  { major: 20, command: systemNode() },
  { major: 22, command: `${root}node_modules/node22/bin/node` },
  { major: 24, command: `${root}node_modules/node24/bin/node` },
]

for (const { major, command } of NODES) {
  runBehaviourSuite(
    `Node ${major}: examples/node on node:http`,
    async () => {
      const app = await startSpawnedApp({ command, args: ['examples/node/server.js'], cwd: root })
      // The app names the version that answered: the matrix is what ran, not what was asked for.
      const hello = await (await fetch(`${app.baseUrl}/hello`)).text()
      console.info(`[runtime matrix] Node ${major}: ${command} → ${hello}`)
      try {
        expect(hello).toMatch(new RegExp(`^hello from node v${major}\\.`))
      } catch (error) {
        await app.stop()
        throw error
      }
      return app
    },
    { runtime: 'node' },
  )
}
