// Cloudflare Workers in real workerd (the npm `workerd` binary, driven by
// examples/workers/serve.mjs with its own config): the Hono Worker and a plain
// `export default { fetch }` Worker, options from bindings, against the emulated tenant on
// loopback (the Worker's network allows loopback only). Each passes the shared auth-route suite;
// the Hono one the Hono behaviours too. workerd is checked gone after each app stops.

import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Auth0Emulator } from '../../testing/index.js'
import {
  appEnv,
  type EmulatorServer,
  HttpBrowser,
  runBehaviourSuite,
  type StartedApp,
  spawnServer,
  startEmulatorServer,
  startSpawnedApp,
} from './harness.js'
import { runHonoSuite } from './hono-behaviours.js'

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
  const app = await startSpawnedApp({
    command: process.execPath,
    args: ['examples/workers/serve.mjs'],
    cwd: root,
    env: { WORKER: worker },
    timeout: 60_000,
  })
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
runBehaviourSuite('workerd: export default { fetch } Worker (examples/workers/fetch-worker.js)', () => startWorker('fetch'), {
  runtime: 'workerd',
})

/** A browser whose trips to the tenant go to the emulator in process (this process does not trust the test CA). */
class PrivateCaBrowser extends HttpBrowser {
  constructor(
    baseUrl: string,
    readonly emulator: Auth0Emulator,
  ) {
    super(baseUrl)
  }
  protected override transport(request: Request): Promise<Response> {
    return new URL(request.url).origin === this.appOrigin ? super.transport(request) : this.emulator.handle(request)
  }
}

describe('workerd: a tenant behind a private CA (NODE_EXTRA_CA_CERTS → trustedCertificates)', () => {
  let dir = ''
  let tenant: EmulatorServer | undefined
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'auth0-link-kit-ca-'))
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=auth0-link-kit test CA',
    )
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'tenant.key', '-out', 'tenant.csr', '-subj', '/CN=127.0.0.1')
    writeFileSync(path.join(dir, 'san.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n')
    openssl(
      'x509',
      '-req',
      '-in',
      'tenant.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'tenant.pem',
      '-days',
      '2',
      '-extfile',
      'san.cnf',
    )
    tenant = await startEmulatorServer(
      {},
      { key: readFileSync(path.join(dir, 'tenant.key'), 'utf8'), cert: readFileSync(path.join(dir, 'tenant.pem'), 'utf8') },
    )
  })
  afterAll(async () => {
    await tenant?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  const startWith = (extra: Record<string, string>) =>
    spawnServer({
      command: process.execPath,
      args: ['examples/workers/serve.mjs'],
      cwd: root,
      env: { ...appEnv(tenant!.emulator, tenant!.origin), ...extra },
      timeout: 60_000,
    })

  it('signs in against an https tenant whose CA is only in NODE_EXTRA_CA_CERTS', async () => {
    expect(tenant!.origin).toMatch(/^https:\/\/127\.0\.0\.1:/)
    const server = await startWith({ NODE_EXTRA_CA_CERTS: path.join(dir, 'ca.pem') })
    try {
      const browser = new PrivateCaBrowser(server.baseUrl, tenant!.emulator)
      const { url } = await browser.navigate('/auth/login?returnTo=/me')
      expect(url.pathname).toBe('/me')
      expect(await (await browser.send('/me')).json()).toMatchObject({ sub: 'auth0|alice' })
    } finally {
      await server.stop()
    }
  })

  it('cannot reach the same tenant without it: an error page, no redirect and no session', async () => {
    const server = await startWith({ NODE_EXTRA_CA_CERTS: '' })
    try {
      const browser = new PrivateCaBrowser(server.baseUrl, tenant!.emulator)
      const login = await browser.send('/auth/login?returnTo=/me', { headers: { accept: 'application/json' } })
      expect(login.status).toBe(502)
      expect(await login.json()).toMatchObject({ error: 'discovery_failed' })
      expect(login.headers.get('location')).toBeNull()
      expect((await browser.send('/auth/profile')).status).toBe(401)
    } finally {
      await server.stop()
    }
  })
})
