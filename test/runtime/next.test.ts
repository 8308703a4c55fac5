// The Next.js adapter, believed only once a real Next app ran it: examples/next is built once
// with `next build` (Turbopack) and run with `next start` (through its start.js) as a separate
// process, against the emulated tenant over loopback HTTP. Server Actions are driven by Chromium,
// as Next's own client sends them (an action id and a Flight body no test should hand-craft).

import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CookieCodec } from '../../core/cookies/codec.js'
import type { SessionData } from '../../core/index.js'
import {
  HttpBrowser,
  runBehaviourSuite,
  type SpawnedServer,
  type StartedApp,
  setCookieName,
  spawnServer,
  startSpawnedApp,
} from './harness.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const exampleDir = fileURLToPath(new URL('../../examples/next/', import.meta.url))
const CHROMIUM = '/usr/bin/chromium'

/** `next build` takes 20–60 s here, several minutes on a busy 2-core machine. */
const BUILD_TIMEOUT_MS = 600_000

/** The build while it runs; killed by pid in afterAll if it outlives its time limit. */
let build: ChildProcess | undefined

function nextBuild(): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, [`${root}node_modules/next/dist/bin/next`, 'build'], {
      cwd: exampleDir,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    build = child
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), BUILD_TIMEOUT_MS - 5_000)
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      build = undefined
      if (code !== 0) return reject(new Error(`next build failed (code ${code}, signal ${signal}):\n${output}`))
      console.log(`next build took ${((performance.now() - started) / 1000).toFixed(1)} s`)
      resolve()
    })
  })
}

/**
 * The `next start` processes start.js spawned. start.js stops its child when it is stopped, but a
 * SIGKILL (the harness's last resort, or a dying test run) cannot be passed on, so the pids
 * start.js prints are killed here too.
 */
const nextServerPids = new Set<number>()
function killNextServers(): void {
  for (const pid of nextServerPids) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // Already gone: start.js stopped it.
    }
  }
  nextServerPids.clear()
}
process.on('exit', killNextServers)

/** Notes the pid of the `next start` a spawned start.js launched. */
function trackNextServer(server: SpawnedServer): SpawnedServer {
  const pid = /^next start pid (\d+)$/m.exec(server.output())?.[1]
  if (!pid) throw new Error(`start.js did not print the pid of next start:\n${server.output()}`)
  nextServerPids.add(Number(pid))
  return server
}

beforeAll(nextBuild, BUILD_TIMEOUT_MS)
afterAll(() => {
  if (build?.pid !== undefined) process.kill(build.pid, 'SIGKILL')
  killNextServers()
})

const startBuiltApp = async (env: Record<string, string> = {}) => {
  const app = await startSpawnedApp({ command: process.execPath, args: ['start.js'], cwd: exampleDir, timeout: 60_000, env })
  trackNextServer(app.server)
  return app
}

runBehaviourSuite('Next.js 16 (App Router, next build + next start)', () => startBuiltApp(), { runtime: 'next' })

const connections = (app: StartedApp) => app.emulator.getUser('auth0|alice')?.identities.map((identity) => identity.connection) ?? []
const isSessionCookie = (name: string) => name === '__session' || name.startsWith('__session.')

/** One app for a describe: started before it, stopped after it, also when a test fails. */
function useApp(env: Record<string, string> = {}): () => StartedApp & { server: SpawnedServer } {
  let app: (StartedApp & { server: SpawnedServer }) | undefined
  beforeAll(async () => {
    app = await startBuiltApp(env)
  }, 90_000)
  afterAll(async () => {
    await app?.stop()
  })
  return () => {
    if (!app) throw new Error('the Next app did not start')
    return app
  }
}

describe('Next.js: Server Components, the Edge route and the proxy over HTTP', () => {
  // Known to the test, so it can age a session the way two idle minutes would.
  const secret = randomBytes(32).toString('base64url')
  const started = useApp({ AUTH0_SECRET: secret })

  it('keeps a rolling session fresh from proxy.ts: a page request re-issues a session idle for two minutes', async () => {
    const { baseUrl } = started()
    const browser = new HttpBrowser(baseUrl)
    await browser.navigate('/auth/login?returnTo=/')
    expect([...browser.cookies.keys()].filter(isSessionCookie)).toEqual(['__session'])
    const codec = new CookieCodec([secret], 'session')
    const session = (await codec.decrypt<SessionData>(browser.cookies.get('__session')!))!.payload
    const twoMinutesAgo = Math.floor(Date.now() / 1000) - 120
    const aged = await codec.encrypt({ ...session, internal: { ...session.internal, updatedAt: twoMinutesAgo } }, twoMinutesAgo + 86_400)
    browser.cookies.set('__session', aged)

    const page = await browser.send('/')
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('alice@example.com')
    const rolled = page.headers.getSetCookie().find((cookie) => setCookieName(cookie) === '__session')
    expect(rolled).toMatch(/; HttpOnly/i)
    const renewed = (await codec.decrypt<SessionData>(browser.cookies.get('__session')!))!.payload
    expect(renewed.internal.updatedAt).toBeGreaterThan(twoMinutesAgo + 60)
    expect(renewed.user.sub).toBe('auth0|alice')
  })

  it('reads the session in a Server Component behind proxy.ts: /account sends a signed-out user to login and back', async () => {
    const { baseUrl } = started()
    const browser = new HttpBrowser(baseUrl)
    const signedOut = await browser.send('/account')
    expect(signedOut.status).toBe(303)
    // Next turns the proxy's absolute same-origin Location into a path.
    expect(new URL(signedOut.headers.get('location')!, baseUrl).href).toBe(`${baseUrl}/auth/login?returnTo=%2Faccount`)

    const { url, response } = await browser.navigate('/account')
    expect(url.href).toBe(`${baseUrl}/account`)
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('auth0|alice')
  })

  it('reads the session in an Edge-runtime Route Handler', async () => {
    const { baseUrl } = started()
    const browser = new HttpBrowser(baseUrl)
    expect(await (await browser.send('/edge')).json()).toEqual({ runtime: 'edge', sub: null })
    await browser.navigate('/auth/login?returnTo=/')
    const edge = await browser.send('/edge')
    expect(edge.status).toBe(200)
    expect(await edge.json()).toEqual({ runtime: 'edge', sub: 'auth0|alice' })
  })

  it.each([
    ['a <Link> prefetch (Next-Router-Prefetch)', { 'next-router-prefetch': '1', rsc: '1' }],
    ['a soft navigation (RSC: 1)', { rsc: '1' }],
    ['a browser prefetch (Sec-Purpose: prefetch)', { 'sec-purpose': 'prefetch' }],
  ])('never starts or ends a flow for %s', async (_name, headers) => {
    const { baseUrl, emulator } = started()
    const browser = new HttpBrowser(baseUrl)
    await browser.navigate('/auth/login?returnTo=/')
    const sessionBefore = new Map([...browser.cookies].filter(([name]) => isSessionCookie(name)))
    const authorizeBefore = emulator.authorizeRequests.length
    for (const path of [
      '/auth/login?returnTo=/',
      '/auth/link?connection=github&returnTo=/',
      '/auth/unlink?connection=github',
      '/auth/logout?returnTo=/',
    ]) {
      let response = await browser.send(path, { headers })
      // Next 16 answers an RSC request without its `_rsc` cache-busting parameter with a 307 that
      // adds one (its client router always sends it); that hop is Next's, ours comes after it.
      const location = response.headers.get('location')
      if (response.status === 307 && location?.includes('_rsc')) {
        expect(response.headers.getSetCookie(), path).toEqual([])
        expect(new URL(location, baseUrl).pathname, path).toBe(new URL(path, baseUrl).pathname)
        response = await browser.send(location, { headers })
      }
      expect(response.status, path).toBe(204)
      expect(response.headers.getSetCookie(), path).toEqual([])
    }
    expect(emulator.authorizeRequests.length).toBe(authorizeBefore)
    expect(browser.visits.some((visit) => visit.url.pathname === '/oidc/logout')).toBe(false)
    expect(new Map([...browser.cookies].filter(([name]) => isSessionCookie(name)))).toEqual(sessionBefore)
    expect((await browser.send('/auth/profile')).status).toBe(200)
  })

  it('reads a tampered session cookie as signed out everywhere, without an error', async () => {
    const { baseUrl } = started()
    const browser = new HttpBrowser(baseUrl)
    await browser.navigate('/auth/login?returnTo=/')
    const name = [...browser.cookies.keys()].find(isSessionCookie)!
    const value = browser.cookies.get(name)!
    browser.cookies.set(name, `${value.slice(0, -6)}${value.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA'}`)

    const page = await browser.send('/')
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('You are signed out.')
    expect(html).not.toContain('alice@example.com')
    expect((await browser.send('/auth/profile')).status).toBe(401)
    expect(await (await browser.send('/edge')).json()).toEqual({ runtime: 'edge', sub: null })
  })

  it('fails a callback whose transaction cookie was tampered with safely, keeping the session it had', async () => {
    const { baseUrl } = started()
    const browser = new HttpBrowser(baseUrl)
    await browser.navigate('/auth/login?returnTo=/')
    const session = new Map([...browser.cookies].filter(([name]) => isSessionCookie(name)))

    const start = await browser.send('/auth/link?connection=github&returnTo=/')
    expect(start.status).toBe(302)
    const transaction = start.headers
      .getSetCookie()
      .map(setCookieName)
      .find((cookie) => cookie.startsWith('__a0_tx.'))!
    browser.cookies.set(transaction, `${browser.cookies.get(transaction)!.slice(0, -4)}AAAA`)
    const { response } = await browser.navigate(start.headers.get('location')!)
    expect(response.status).toBeGreaterThanOrEqual(400)
    expect(response.status).toBeLessThan(500)
    expect(response.headers.get('cache-control')).toMatch(/no-store/)
    const body = await response.text()
    expect(body).not.toMatch(/\n\s*at\s|\.js:\d+/)
    for (const value of session.values()) expect(body).not.toContain(value)
    expect(new Map([...browser.cookies].filter(([name]) => isSessionCookie(name)))).toEqual(session)
    expect((await browser.send('/auth/profile')).status).toBe(200)
  })

  it('refuses an unlink form posted from another site with 403', async () => {
    const { baseUrl, emulator } = started()
    const browser = new HttpBrowser(baseUrl)
    await browser.navigate('/auth/login?returnTo=/')
    const before = emulator.authorizeRequests.length
    const response = await browser.send('/auth/unlink', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      body: new URLSearchParams({ connection: 'github' }).toString(),
    })
    expect(response.status).toBe(403)
    expect(response.headers.get('location')).toBeNull()
    expect(response.headers.getSetCookie()).toEqual([])
    expect(emulator.authorizeRequests.length).toBe(before)
  })

  it('turns away an oversized Cookie header (431) and keeps serving', async () => {
    const { baseUrl } = started()
    const browser = new HttpBrowser(baseUrl)
    browser.cookies.set('__session', 'x'.repeat(64 * 1024))
    const response = await browser.send('/')
    expect(response.status).toBe(431)
    expect(response.headers.getSetCookie()).toEqual([])
    const fresh = new HttpBrowser(baseUrl)
    expect((await fresh.send('/hello')).status).toBe(200)
  })
})

describe('Next.js: Server Actions clicked in Chromium', () => {
  const started = useApp()
  let chrome: Browser | undefined

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is missing at ${CHROMIUM}: install it with \`apt-get update && apt-get install -y chromium\``)
    }
    chrome = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] })
  }, 60_000)
  afterAll(async () => {
    await chrome?.close().catch(() => {})
  })

  /** A page in a fresh context whose waits give up in time, so a failing test ends (and cleans up). */
  async function newPage(): Promise<Page> {
    const page = await chrome!.newContext().then((context) => context.newPage())
    page.setDefaultTimeout(15_000)
    page.setDefaultNavigationTimeout(15_000)
    return page
  }

  async function signedInPage(baseUrl: string): Promise<Page> {
    const page = await newPage()
    await page.goto(`${baseUrl}/`)
    await page.getByRole('link', { name: 'Sign in' }).click()
    await page.waitForURL(`${baseUrl}/`)
    await page.getByTestId('email').waitFor({ timeout: 15_000 })
    return page
  }

  const identities = (page: Page) => page.getByTestId('identities').locator('li').allTextContents()

  it('signs in, links github and unlinks it through Server Actions, and logs out', async () => {
    const app = started()
    const page = await signedInPage(app.baseUrl)
    try {
      expect(await page.getByTestId('email').textContent()).toBe('alice@example.com')
      expect(await identities(page)).toHaveLength(1)

      await page.getByRole('button', { name: 'Link github', exact: true }).click()
      await page.getByRole('button', { name: 'Unlink github', exact: true }).waitFor({ timeout: 15_000 })
      expect(page.url()).toBe(`${app.baseUrl}/`)
      expect(connections(app)).toContain('github')
      expect((await identities(page)).some((text) => text.startsWith('github'))).toBe(true)
      expect(app.emulator.authorizeRequests.at(-1)?.get('connection')).toBe('github')

      await page.getByRole('button', { name: 'Unlink github', exact: true }).click()
      await page.getByRole('button', { name: 'Link github', exact: true }).waitFor({ timeout: 15_000 })
      expect(connections(app)).not.toContain('github')
      expect(await page.getByTestId('email').textContent()).toBe('alice@example.com')

      await page.getByRole('link', { name: 'Log out' }).click()
      await page.getByText('You are signed out.').waitFor({ timeout: 15_000 })
      expect((await page.context().cookies()).map((cookie) => cookie.name).filter(isSessionCookie)).toEqual([])
    } finally {
      await page.context().close()
    }
  })

  it('runs with the built-in emulator when AUTH0_* is unset, as npm run example:next does: sign in and link by clicking', async () => {
    // Nothing from the test process's environment may point the example at a tenant.
    const noTenant = {
      AUTH0_DOMAIN: '',
      AUTH0_CLIENT_ID: '',
      AUTH0_CLIENT_SECRET: '',
      AUTH0_SECRET: '',
      APP_BASE_URL: '',
      PORT: '0',
      HOST: '127.0.0.1',
    }
    const example = trackNextServer(
      await spawnServer({ command: process.execPath, args: ['start.js'], cwd: exampleDir, env: noTenant, timeout: 60_000 }),
    )
    const page = await newPage()
    try {
      expect(example.output()).toMatch(/Auth0 emulator on http:\/\/127\.0\.0\.1:\d+/)
      await page.goto(`${example.baseUrl}/`)
      await page.getByRole('link', { name: 'Sign in' }).click()
      await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 15_000 })
      expect(new URL(page.url()).origin).not.toBe(example.baseUrl)
      await page.getByRole('button', { name: /Alice Example/ }).click()
      await page.waitForURL(`${example.baseUrl}/`)
      expect(await page.getByTestId('email').textContent()).toBe('alice@example.com')

      // The emulator plays GitHub's sign-in as a picker of GitHub accounts ('page' interaction):
      // Alice picks the one nobody owns yet, and the kit links it through the Management API.
      await page.getByRole('button', { name: 'Link github', exact: true }).click()
      await page.getByRole('heading', { name: 'Sign in with GitHub' }).waitFor({ timeout: 15_000 })
      await page.getByRole('button', { name: /alice-on-github/ }).click()
      await page.getByRole('button', { name: 'Unlink github', exact: true }).waitFor({ timeout: 15_000 })
      expect((await identities(page)).some((text) => text.startsWith('github'))).toBe(true)
    } finally {
      await page.context().close()
      await example.stop()
    }
  }, 60_000)

  it('throws MissingSessionError from a Server Action called without a session, starting nothing', async () => {
    const app = started()
    const page = await signedInPage(app.baseUrl)
    try {
      await page.context().clearCookies()
      const before = app.emulator.authorizeRequests.length
      const action = page.waitForResponse((response) => response.request().method() === 'POST' && response.url().startsWith(app.baseUrl))
      await page.getByRole('button', { name: 'Link google-oauth2', exact: true }).click()
      const response = await action
      expect(response.status()).toBe(500)
      expect(response.headers()['set-cookie'] ?? '').not.toMatch(/__a0_tx\./)
      expect(app.emulator.authorizeRequests.length).toBe(before)
      expect((await page.context().cookies()).map((cookie) => cookie.name)).toEqual([])
      // Next sends the browser only a digest; the message is in the server's log.
      await expect.poll(() => app.server.output()).toMatch(/startLinkUser\(\{ connection: 'google-oauth2' \}\) needs a signed-in user/)
    } finally {
      await page.context().close()
    }
  })
})
