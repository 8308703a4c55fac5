// `npx auth0-link-kit doctor` as a real process: the built bin (dist/cli.js) against the emulator
// served on 127.0.0.1, configured only through --env-file, as a user runs it.

import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { withApplicationSettings } from '../../testing/application-settings.js'
import { type Auth0EmulatorOptions, createAuth0Emulator } from '../../testing/index.js'
import { FULL_GRANT, SECRET } from './tenant.js'

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url))
const RUN_LIMIT_MS = 30_000

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Serves a fresh emulator set up for everything the doctor checks, on a free loopback port. */
async function serveTenant(emulatorOptions: Auth0EmulatorOptions): Promise<{ origin: string; clientId: string; clientSecret: string }> {
  let handle: (request: Request) => Promise<Response> = async () => new Response('starting', { status: 503 })
  const server = http.createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      const headers = new Headers()
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value)
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
      const response = await handle(
        new Request(new URL(req.url ?? '/', `http://${req.headers.host}`), {
          method: req.method ?? 'GET',
          headers,
          ...(hasBody ? { body: Buffer.concat(chunks) } : {}),
        }),
      )
      res.writeHead(response.status, Object.fromEntries(response.headers))
      res.end(Buffer.from(await response.arrayBuffer()))
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500)
      res.end(String(error))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const emulator = await createAuth0Emulator({ origin, managementApiGrant: FULL_GRANT, ...emulatorOptions })
  handle = withApplicationSettings(emulator).handle
  return { origin, clientId: emulator.clientId, clientSecret: emulator.clientSecret }
}

function envFile(variables: Record<string, string>): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'doctor-cli-'))
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }))
  const file = path.join(folder, '.env')
  writeFileSync(
    file,
    Object.entries(variables)
      .map(([name, value]) => `${name}=${value}\n`)
      .join(''),
  )
  return file
}

/** Runs the CLI to its end (killed by pid past the limit), with nothing from this process's environment but PATH. */
function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child: ChildProcess = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const kill = () => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL')
  }
  cleanups.push(kill)
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      kill()
      reject(new Error(`the doctor CLI did not finish within ${RUN_LIMIT_MS} ms\n${stdout}${stderr}`))
    }, RUN_LIMIT_MS)
    child.once('error', reject)
    child.once('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

describe('npx auth0-link-kit doctor (the built bin, a real process)', () => {
  it('exits 0 with every check ✓ against the emulator in its default set-up (--json)', async () => {
    const tenant = await serveTenant({})
    const file = envFile({
      AUTH0_DOMAIN: tenant.origin,
      AUTH0_CLIENT_ID: tenant.clientId,
      AUTH0_CLIENT_SECRET: tenant.clientSecret,
      AUTH0_SECRET: SECRET,
      APP_BASE_URL: 'http://localhost:3000',
    })
    const run = await runCli(['doctor', '--env-file', file, '--json', '--connected-accounts'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const report = JSON.parse(run.stdout) as { ok: boolean; checks: Array<{ id: string; status: string }> }
    expect(report.ok).toBe(true)
    expect(report.checks.filter((check) => check.status === 'pass').map((check) => check.id)).toContain('token-vault-grant')
    expect(run.stdout).not.toContain(tenant.clientSecret)
  })

  it('exits 1 and prints the ✗ line with its fix when the callback URL is not allowed', async () => {
    const tenant = await serveTenant({ callbacks: [] })
    const file = envFile({
      AUTH0_DOMAIN: tenant.origin,
      AUTH0_CLIENT_ID: tenant.clientId,
      AUTH0_CLIENT_SECRET: tenant.clientSecret,
      AUTH0_SECRET: SECRET,
      APP_BASE_URL: 'http://localhost:3000',
    })
    const run = await runCli(['doctor', '--env-file', file])
    expect(run.code).toBe(1)
    const failed = run.stdout.split('\n').filter((line) => line.startsWith('✗'))
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatch(
      /^✗ callback-url .*Callback URL mismatch.*Fix: .*Allowed Callback URLs: add http:\/\/localhost:3000\/auth\/callback/,
    )
    expect(run.stdout).not.toContain(tenant.clientSecret)
  })

  it('exits 64 with the usage on an unknown option', async () => {
    const run = await runCli(['doctor', '--no-such-option'])
    expect(run.code).toBe(64)
    expect(run.stderr).toContain('unknown option --no-such-option')
    expect(run.stderr).toContain('Usage: auth0-link-kit doctor')
  })
})
