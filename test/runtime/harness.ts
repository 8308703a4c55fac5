// Shared by every real-runtime suite (Node, Bun, Deno, SvelteKit): an emulated Auth0 tenant on a
// loopback port, app processes spawned from their own binaries, a browser over real HTTP, and one
// behaviour suite every app must pass. A runtime claim is only believed when that runtime ran it.

import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Auth0Emulator, type Auth0EmulatorOptions, createAuth0Emulator } from '../../testing/index.js'
import { BrowserBase, setCookieName, type Visit } from '../support/browser.js'

// ---------------------------------------------------------------------------------------------
// The emulated tenant, served by node:http

/** A running emulator reachable over HTTP at `origin`. */
export interface EmulatorServer {
  emulator: Auth0Emulator
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  origin: string
  stop(): Promise<void>
}

/**
 * Serves a fresh emulator (`'auto'` interaction unless `options` says otherwise) on 127.0.0.1 with
 * a free port. The emulator's `origin` is the address it listens on, so the app reaches it with
 * `AUTH0_DOMAIN=origin`. Its own tiny Node ↔ Web conversion keeps it independent of the adapter
 * under test.
 */
export async function startEmulatorServer(
  options: Auth0EmulatorOptions = {},
  tls?: { key: string; cert: string },
): Promise<EmulatorServer> {
  let emulator: Auth0Emulator | undefined
  const listener: http.RequestListener = (req, res) => {
    void (async () => {
      try {
        if (!emulator) throw new Error('emulator not ready')
        const chunks: Buffer[] = []
        for await (const chunk of req) chunks.push(chunk as Buffer)
        const headers = new Headers()
        for (const [name, value] of Object.entries(req.headers)) {
          if (value === undefined) continue
          for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item)
        }
        const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
        const request = new Request(new URL(req.url ?? '/', `${tls ? 'https' : 'http'}://${req.headers.host ?? '127.0.0.1'}`), {
          method: req.method ?? 'GET',
          headers,
          ...(hasBody ? { body: Buffer.concat(chunks) } : {}),
        })
        const response = await emulator.handle(request)
        const out: Record<string, string | string[]> = {}
        for (const [name, value] of response.headers) if (name !== 'set-cookie') out[name] = value
        if (response.headers.getSetCookie().length > 0) out['set-cookie'] = response.headers.getSetCookie()
        res.writeHead(response.status, out)
        res.end(req.method === 'HEAD' ? undefined : Buffer.from(await response.arrayBuffer()))
      } catch (error) {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
        res.end(`emulator server failed: ${String(error)}`)
      }
    })()
  }
  // With `tls`, an https tenant (a private CA's certificate, as behind a corporate proxy).
  const server = tls ? https.createServer(tls, listener) : http.createServer(listener)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const origin = `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`
  emulator = await createAuth0Emulator({ ...options, origin })
  return {
    emulator,
    origin,
    // Bounded: close() stops listening at once, but its callback waits for every socket to end.
    stop: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          console.warn(`harness: the emulator at ${origin} still had connections 2 s after close(); not waiting longer`)
          resolve()
        }, 2_000)
        timer.unref()
        server.closeAllConnections()
        server.close(() => {
          clearTimeout(timer)
          resolve()
        })
      }),
  }
}

// ---------------------------------------------------------------------------------------------
// App processes

/** A spawned app server that printed `LISTENING <port>`. */
export interface SpawnedServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  baseUrl: string
  pid: number
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process has exited. */
  stop(): Promise<void>
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string
}

export interface SpawnOptions {
  /** The binary itself (e.g. `process.execPath`, `node_modules/.bin/bun`), never npx or a shell. */
  command: string
  args: string[]
  cwd?: string
  /** Added to (and overriding) this process's environment. */
  env?: Record<string, string>
  /** Only `env`, nothing of this process's: an example that must not see the machine's AUTH0_*. */
  isolatedEnv?: boolean
  /** Milliseconds to wait for `LISTENING <port>`. Default 30 s. */
  timeout?: number
}

const STOP_GRACE_MS = 3_000
const running = new Map<number, ChildProcess>()

function killAllSpawned(): void {
  for (const [pid] of running) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // Already gone.
    }
  }
  running.clear()
}

// A dying test process must not leave app servers behind: kill them on exit and on the signals a
// runner sends. The signal is re-raised once no one else listens, so default handling still ends us.
process.on('exit', killAllSpawned)
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  const onSignal = () => {
    killAllSpawned()
    if (process.listenerCount(signal) === 1) {
      process.off(signal, onSignal)
      process.kill(process.pid, signal)
    }
  }
  process.on(signal, onSignal)
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

/** How long to wait for the exit after SIGKILL before giving up on it (a process in uninterruptible I/O on a starved disk). */
const KILL_WAIT_MS = 5_000

/**
 * SIGTERM, SIGKILL after {@link STOP_GRACE_MS}, then waits at most {@link KILL_WAIT_MS} more: a
 * stop never hangs a suite's `afterAll`. A process that outlives SIGKILL that long is reported,
 * not waited for; the kernel ends it once its blocking call returns.
 */
async function stopChild(child: ChildProcess): Promise<void> {
  const pid = child.pid
  if (pid === undefined) return
  const done = exited(child)
  if (child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(pid, 'SIGTERM')
    } catch {
      // Already gone.
    }
    let giveUp: ((value: 'gave-up') => void) | undefined
    const kill = setTimeout(() => {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // Exited during the grace period.
      }
      setTimeout(() => giveUp?.('gave-up'), KILL_WAIT_MS).unref()
    }, STOP_GRACE_MS)
    const outcome = await Promise.race([done, new Promise<'gave-up'>((resolve) => (giveUp = resolve))])
    clearTimeout(kill)
    if (outcome === 'gave-up') {
      console.warn(`harness: pid ${pid} had not exited ${STOP_GRACE_MS + KILL_WAIT_MS} ms after SIGTERM (SIGKILL sent); not waiting longer`)
    }
  }
  running.delete(pid)
}

/**
 * Spawns an app server and resolves once it prints `LISTENING <port>` on stdout. Fails with the
 * captured output when the binary is missing, the process exits first, or the time limit passes
 * (the process is killed then), so no test can pass without the runtime having run.
 */
export async function spawnServer(options: SpawnOptions): Promise<SpawnedServer> {
  const { command, args, cwd, env = {}, isolatedEnv = false, timeout = 30_000 } = options
  if (command.includes('/') && !existsSync(command)) {
    throw new Error(`spawnServer: the runtime binary ${command} does not exist; install the devDependencies (npm ci)`)
  }
  const child = spawn(command, args, { cwd, env: isolatedEnv ? env : { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.setEncoding('utf8')
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => (output += chunk))
  const describeRun = () => `${command} ${args.join(' ')}`

  const port = await new Promise<number>((resolve, reject) => {
    const fail = (message: string) => {
      clearTimeout(timer)
      reject(new Error(`${message}\n--- ${describeRun()} output ---\n${output}`))
    }
    const timer = setTimeout(() => {
      fail(`spawnServer: no "LISTENING <port>" line within ${timeout} ms`)
      void stopChild(child)
    }, timeout)
    child.once('error', (error) => fail(`spawnServer: could not start ${command}: ${error.message}`))
    child.once('exit', (code, signal) => fail(`spawnServer: the process exited (code ${code}, signal ${signal}) before listening`))
    let pending = ''
    child.stdout.on('data', (chunk: string) => {
      output += chunk
      pending += chunk
      const match = /^LISTENING (\d+)\s*$/m.exec(pending)
      if (match) {
        clearTimeout(timer)
        child.removeAllListeners('exit')
        resolve(Number(match[1]))
      }
    })
    if (child.pid !== undefined) running.set(child.pid, child)
  })

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: () => stopChild(child),
    output: () => output,
  }
}

/**
 * The environment an app process needs to talk to `emulator` served at `origin`. `APP_BASE_URL`
 * stays unset: the app derives its origin from each request (or its actual port).
 */
export function appEnv(emulator: Auth0Emulator, origin: string): Record<string, string> {
  return {
    AUTH0_DOMAIN: origin,
    AUTH0_CLIENT_ID: emulator.clientId,
    AUTH0_CLIENT_SECRET: emulator.clientSecret,
    AUTH0_SECRET: randomBytes(32).toString('base64url'),
    PORT: '0',
    HOST: '127.0.0.1',
  }
}

// ---------------------------------------------------------------------------------------------
// A browser over real HTTP

/** A response with the URL it answered. */
export type HttpVisit = Visit
export { setCookieName }

/**
 * Like `TestBrowser` (test/support/browser.ts, which holds the jar, the browser headers and the
 * redirect following they share), but over real HTTP with the global fetch.
 */
export class HttpBrowser extends BrowserBase {
  protected transport(request: Request): Promise<Response> {
    return fetch(request, { redirect: 'manual' })
  }
}

// ---------------------------------------------------------------------------------------------
// The behaviours every app must show, whatever runs it

/** What a behaviour suite needs from a started app. */
export interface StartedApp {
  /** `http://127.0.0.1:<port>` of the app. */
  baseUrl: string
  /** The emulated tenant the app signs in against. */
  emulator: Auth0Emulator
  stop(): Promise<void>
}

export interface BehaviourSuiteOptions {
  /** When set, `GET /hello` must answer a body starting `hello from <runtime>`. */
  runtime?: string
}

const connections = (emulator: Auth0Emulator, userId = 'auth0|alice') =>
  emulator.getUser(userId)?.identities.map((identity) => identity.connection) ?? []

const isSessionCookie = (name: string) => name === '__session' || name.startsWith('__session.')

/**
 * One `describe` of the behaviours every app under test must show (sign-in, link, unlink,
 * logout, fall-through, several Set-Cookie headers, cross-site refusal, POSTed forms, HEAD).
 * `start` runs once before the suite; its `stop` runs after, also when a test fails.
 *
 * Each app must serve the auth routes at their default paths, `GET /hello` → `hello from
 * <runtime>` (text/plain is fine) and an HTML page at `/` that shows the signed-in user's email
 * (the emulator signs in alice@example.com). `HEAD` must work on both.
 *
 * @example
 * ```ts
 * runBehaviourSuite('Bun: Bun.serve({ fetch })', () => startSpawnedApp({ command: bun, args: ['app.ts'] }), { runtime: 'bun' })
 * ```
 */
export function runBehaviourSuite(name: string, start: () => Promise<StartedApp>, options: BehaviourSuiteOptions = {}): void {
  describe(name, () => {
    let app: StartedApp | undefined
    const started = (): StartedApp => {
      if (!app) throw new Error(`${name}: the app did not start`)
      return app
    }

    beforeAll(async () => {
      app = await start()
    })
    afterAll(async () => {
      await app?.stop()
    })

    it('signs in, links github, shows it on the user, unlinks it with a posted form and logs out', async () => {
      const { baseUrl, emulator } = started()
      const browser = new HttpBrowser(baseUrl)
      expect((await browser.send('/auth/profile')).status).toBe(401)

      const signIn = await browser.navigate('/auth/login?returnTo=/')
      expect(signIn.url.href).toBe(`${baseUrl}/`)
      expect(signIn.response.status).toBe(200)
      const profile = await browser.send('/auth/profile')
      expect(profile.status).toBe(200)
      expect(await profile.json()).toMatchObject({ sub: 'auth0|alice', email: 'alice@example.com' })

      const link = await browser.navigate('/auth/link?connection=github&returnTo=/')
      expect(link.url.href).toBe(`${baseUrl}/`)
      expect(link.response.status).toBe(200)
      expect(connections(emulator)).toContain('github')

      const unlink = await browser.navigate('/auth/unlink', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ connection: 'github', returnTo: '/' }).toString(),
      })
      expect(unlink.url.href).toBe(`${baseUrl}/`)
      expect(unlink.response.status).toBe(200)
      expect(connections(emulator)).not.toContain('github')
      expect((await browser.send('/auth/profile')).status).toBe(200)

      const logout = await browser.navigate('/auth/logout?returnTo=/')
      expect(browser.visits.some((visit) => visit.url.origin === emulator.origin && visit.url.pathname === '/oidc/logout')).toBe(true)
      expect(logout.url.href).toBe(`${baseUrl}/`)
      expect([...browser.cookies.keys()].filter(isSessionCookie)).toEqual([])
      expect((await browser.send('/auth/profile')).status).toBe(401)
    })

    it('links with a posted form too', async () => {
      const { baseUrl, emulator } = started()
      const browser = new HttpBrowser(baseUrl)
      await browser.navigate('/auth/login?returnTo=/')
      const form = (connection: string) => ({
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ connection, returnTo: '/' }).toString(),
      })
      const link = await browser.navigate('/auth/link', form('google-oauth2'))
      expect(link.url.href).toBe(`${baseUrl}/`)
      expect(connections(emulator)).toContain('google-oauth2')
      await browser.navigate('/auth/unlink', form('google-oauth2'))
      expect(connections(emulator)).not.toContain('google-oauth2')
    })

    it('leaves paths that are not auth routes to the app', async () => {
      const { baseUrl } = started()
      const browser = new HttpBrowser(baseUrl)
      const response = await browser.send('/hello')
      expect(response.status).toBe(200)
      const text = await response.text()
      expect(text).toMatch(options.runtime ? new RegExp(`^hello from ${options.runtime}\\b`) : /^hello from \S+/)
      expect(response.headers.getSetCookie()).toEqual([])
    })

    it('keeps several Set-Cookie headers apart in one response', async () => {
      const { baseUrl } = started()
      const browser = new HttpBrowser(baseUrl)
      await browser.navigate('/auth/login?returnTo=/')
      const [callback] = browser.visitsTo('/auth/callback')
      expect(callback).toBeDefined()
      const names = callback!.response.headers.getSetCookie().map(setCookieName)
      expect(names.length).toBeGreaterThanOrEqual(2)
      expect(names.some((cookie) => cookie.startsWith('__a0_tx.'))).toBe(true)
      expect(names.some(isSessionCookie)).toBe(true)
      // The transaction cookie is deleted and the session kept: the jar shows both were read apart.
      expect([...browser.cookies.keys()].some((cookie) => cookie.startsWith('__a0_tx.'))).toBe(false)
      expect([...browser.cookies.keys()].some(isSessionCookie)).toBe(true)
    })

    it('refuses a link started from another site with 403', async () => {
      const { baseUrl, emulator } = started()
      const browser = new HttpBrowser(baseUrl)
      await browser.navigate('/auth/login?returnTo=/')
      const before = emulator.authorizeRequests.length
      const response = await browser.send('/auth/link?connection=github', { headers: { 'sec-fetch-site': 'cross-site' } })
      expect(response.status).toBe(403)
      expect(response.headers.get('location')).toBeNull()
      expect(emulator.authorizeRequests.length).toBe(before)
      expect(connections(emulator)).not.toContain('github')
    })

    it('answers HEAD on a page with its headers and no body', async () => {
      const { baseUrl } = started()
      const browser = new HttpBrowser(baseUrl)
      const page = await browser.send('/', { method: 'HEAD' })
      expect(page.status).toBe(200)
      expect(page.headers.get('content-type')).toMatch(/^text\/html/)
      expect(await page.text()).toBe('')
      const hello = await browser.send('/hello', { method: 'HEAD' })
      expect(hello.status).toBe(200)
      expect(await hello.text()).toBe('')
    })

    it('shows the signed-in user on the page', async () => {
      const { baseUrl } = started()
      const browser = new HttpBrowser(baseUrl)
      const signedOut = await browser.send('/')
      expect(signedOut.status).toBe(200)
      expect(await signedOut.text()).not.toContain('alice@example.com')
      const { response } = await browser.navigate('/auth/login?returnTo=/')
      expect(await response.text()).toContain('alice@example.com')
    })
  })
}

/**
 * The usual `start` for a spawned app: a fresh emulator server, then the app with {@link appEnv}.
 * Everything started is stopped again when starting fails.
 */
export async function startSpawnedApp(options: SpawnOptions): Promise<StartedApp & { server: SpawnedServer }> {
  const tenant = await startEmulatorServer()
  try {
    const server = await spawnServer({ ...options, env: { ...appEnv(tenant.emulator, tenant.origin), ...options.env } })
    return {
      baseUrl: server.baseUrl,
      emulator: tenant.emulator,
      server,
      stop: async () => {
        await server.stop()
        await tenant.stop()
      },
    }
  } catch (error) {
    await tenant.stop()
    throw error
  }
}
