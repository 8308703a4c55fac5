import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { runBehaviourSuite, startSpawnedApp } from './harness.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const bun = `${root}node_modules/.bin/bun`

const STYLES = [
  { style: 'routes', entry: 'examples/bun/server.ts' },
  { style: 'fetch', entry: 'test/runtime/apps/bun-fetch.ts' },
]

for (const { style, entry } of STYLES) {
  runBehaviourSuite(
    `Bun: Bun.serve({ ${style} }) (${entry})`,
    async () => {
      const app = await startSpawnedApp({ command: bun, args: [entry], cwd: root })
      const hello = await (await fetch(`${app.baseUrl}/hello`)).text()
      console.info(`[runtime matrix] Bun ${style}: ${bun} → ${hello}`)
      try {
        expect(hello).toMatch(/^hello from bun \d+\.\d+\.\d+/)
      } catch (error) {
        await app.stop()
        throw error
      }
      return app
    },
    { runtime: 'bun' },
  )
}
