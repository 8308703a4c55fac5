import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { runBehaviourSuite, startSpawnedApp } from './harness.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const deno = `${root}node_modules/.bin/deno`
// Offline: the package.json and node_modules beside the built package resolve every import.
const offline = { DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' }
const RUN = ['run', '--no-prompt', '--cached-only', '--node-modules-dir=manual', '--allow-read']

runBehaviourSuite(
  'Deno: Deno.serve (examples/deno/server.ts)',
  async () => {
    const app = await startSpawnedApp({
      command: deno,
      args: [...RUN, '--allow-net=127.0.0.1', '--allow-env', 'examples/deno/server.ts'],
      cwd: root,
      env: offline,
    })
    const hello = await (await fetch(`${app.baseUrl}/hello`)).text()
    console.info(`[runtime matrix] Deno: ${deno} → ${hello}`)
    try {
      expect(hello).toMatch(/^hello from deno \d+\.\d+\.\d+/)
    } catch (error) {
      await app.stop()
      throw error
    }
    return app
  },
  { runtime: 'deno' },
)

describe('Deno: configuration from Deno.env', () => {
  const runConfigApp = async (permissions: string[]) => {
    const { stdout } = await promisify(execFile)(deno, [...RUN, ...permissions, 'test/runtime/apps/deno-config-error.ts'], {
      cwd: root,
      env: {
        ...process.env,
        ...offline,
        AUTH0_DOMAIN: 'tenant.example.com',
        AUTH0_CLIENT_ID: 'id',
        AUTH0_CLIENT_SECRET: 'secret',
        AUTH0_SECRET: 'x'.repeat(32),
      },
      timeout: 30_000,
    })
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>
  }

  it('names the missing --allow-env permission in a ConfigurationError', async () => {
    const result = await runConfigApp([])
    expect(result).toMatchObject({ created: false, name: 'ConfigurationError', code: 'configuration_error', option: 'domain' })
    expect(result.message).toContain('--allow-env')
    expect(result.message).toContain('AUTH0_DOMAIN')
  })

  it('reads every AUTH0_* variable with --allow-env', async () => {
    expect(await runConfigApp(['--allow-env'])).toEqual({ created: true })
  })
})
