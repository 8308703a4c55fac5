// The demo pointed at a tenant (AUTH0_* set) runs the doctor after start-up and prints the failing
// checks under its address: here a tenant whose application allows no callback URL.

import { fileURLToPath } from 'node:url'
import { afterEach, expect, it } from 'vitest'
import { appEnv, type EmulatorServer, type SpawnedServer, spawnServer, startEmulatorServer } from '../runtime/harness.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const running: Array<EmulatorServer | SpawnedServer> = []
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop()
})

/** Waits, a bounded number of times, until the process has printed `text`. */
async function printed(server: SpawnedServer, text: string): Promise<string> {
  for (let attempt = 0; attempt < 200 && !server.output().includes(text); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return server.output()
}

it('prints the failing doctor checks under its address when AUTH0_* points at a misconfigured tenant', async () => {
  const tenant = await startEmulatorServer({ callbacks: ['https://elsewhere.example/auth/callback'] })
  running.push(tenant)
  const demo = await spawnServer({
    command: process.execPath,
    args: ['examples/demo/server.js'],
    cwd: root,
    env: appEnv(tenant.emulator, tenant.origin),
  })
  running.push(demo)
  const output = await printed(demo, '✗ callback-url')
  const lines = output.split('\n')
  const address = lines.findIndex((line) => line.startsWith('Demo app on '))
  const failure = lines.findIndex((line) => line.includes('✗ callback-url'))
  expect(address).toBeGreaterThanOrEqual(0)
  expect(failure).toBeGreaterThan(address)
  expect(lines[failure]).toContain('Allowed Callback URLs: add http://127.0.0.1:')
  expect(lines.filter((line) => line.includes('✗'))).toHaveLength(1)
  expect(output).not.toContain(tenant.emulator.clientSecret)
})
