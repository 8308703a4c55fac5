// The SvelteKit adapter, believed only once a real SvelteKit app ran it: examples/sveltekit is
// built with `vite build` (adapter-node) and served by `node` as a separate process, against the
// emulated tenant over loopback HTTP.

import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HttpBrowser, runBehaviourSuite, type StartedApp, setCookieName, startSpawnedApp } from './harness.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const exampleDir = fileURLToPath(new URL('../../examples/sveltekit/', import.meta.url))

/** SvelteKit builds take 10–40 s, more on a busy 2-core machine. */
const BUILD_TIMEOUT_MS = 240_000

/** A build or check tool still running (only after a timeout); killed by its pid in afterAll. */
let tool: ChildProcess | undefined

/** Runs a node script from the root's node_modules in the example folder; rejects with its output. */
function runInExample(script: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${root}node_modules/${script}`, ...args], {
      cwd: exampleDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    tool = child
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      tool = undefined
      if (code === 0) resolve()
      else reject(new Error(`${script} ${args.join(' ')} failed (code ${code}, signal ${signal}):\n${output}`))
    })
  })
}

// Its own process: vitest is a vite too. The build also runs `svelte-kit sync` (./.svelte-kit).
beforeAll(() => runInExample('vite/bin/vite.js', ['build', '--logLevel', 'warn']), BUILD_TIMEOUT_MS)
afterAll(() => {
  if (tool?.pid !== undefined) process.kill(tool.pid, 'SIGKILL')
})

it(
  'type-checks the example, App.Locals typing of locals.auth included (svelte-check)',
  async () => {
    await expect(
      runInExample('svelte-check/bin/svelte-check', ['--tsconfig', './tsconfig.json', '--fail-on-warnings']),
    ).resolves.toBeUndefined()
  },
  BUILD_TIMEOUT_MS,
)

const startBuiltApp = () => startSpawnedApp({ command: process.execPath, args: ['serve.js'], cwd: exampleDir })

runBehaviourSuite('SvelteKit (adapter-node, built with vite, run by node)', startBuiltApp, { runtime: 'sveltekit' })

describe('SvelteKit locals.auth in form actions', () => {
  let app: StartedApp | undefined
  const started = (): StartedApp => {
    if (!app) throw new Error('the SvelteKit app did not start')
    return app
  }
  beforeAll(async () => {
    app = await startBuiltApp()
  })
  afterAll(async () => {
    await app?.stop()
  })

  const connections = (app: StartedApp) => app.emulator.getUser('auth0|alice')?.identities.map((identity) => identity.connection) ?? []
  // A plain form submission, as a browser sends it: `Accept: */*` alone would get SvelteKit's
  // JSON answer for `use:enhance` instead of the 303.
  const postAction = (browser: HttpBrowser, action: string, connection: string, headers: Record<string, string> = {}) =>
    browser.send(`/?/${action}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8',
        ...headers,
      },
      body: new URLSearchParams({ connection }).toString(),
    })

  it('starts a link from the ?/link action: 303 to /authorize and the transaction cookie set through event.cookies', async () => {
    const { baseUrl, emulator } = started()
    const browser = new HttpBrowser(baseUrl)
    await browser.navigate('/auth/login?returnTo=/')

    const response = await postAction(browser, 'link', 'github', { origin: baseUrl })
    expect(response.status).toBe(303)
    const authorize = new URL(response.headers.get('location') ?? '')
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${emulator.origin}/authorize`)
    // The management-api default (DESIGN §15): a fresh sign-in to the identity to link.
    expect(authorize.searchParams.get('connection')).toBe('github')
    expect(authorize.searchParams.get('scope')).toBe('openid profile email')
    expect(authorize.searchParams.get('prompt')).toBe('login')

    const state = authorize.searchParams.get('state')
    const transaction = response.headers.getSetCookie().find((cookie) => setCookieName(cookie) === `__a0_tx.${state}`)
    expect(transaction).toBeDefined()
    expect(transaction).toMatch(/; Path=\//i)
    expect(transaction).toMatch(/; HttpOnly/i)
    expect(transaction).toMatch(/; SameSite=Lax/i)
    expect(transaction).toMatch(/; Max-Age=3600/i)
    // http://127.0.0.1 is loopback: a Secure cookie would be dropped by the browser.
    expect(transaction).not.toMatch(/; Secure/i)
    expect(browser.cookies.has(`__a0_tx.${state}`)).toBe(true)

    const done = await browser.navigate(authorize)
    expect(done.url.href).toBe(`${baseUrl}/`)
    expect(connections(started())).toContain('github')
    expect([...browser.cookies.keys()].filter((name) => name.startsWith('__a0_tx.'))).toEqual([])
  })

  it('unlinks from the ?/unlink action and the page still shows the same user', async () => {
    const { baseUrl } = started()
    const browser = new HttpBrowser(baseUrl)
    await browser.navigate('/auth/login?returnTo=/')
    await browser.navigate(`/auth/link?connection=google-oauth2&returnTo=/`)
    expect(connections(started())).toContain('google-oauth2')

    const response = await postAction(browser, 'unlink', 'google-oauth2', { origin: baseUrl })
    expect(response.status).toBe(303)
    const authorize = new URL(response.headers.get('location') ?? '')
    // The primary signs in again before the Management API unlinks (DESIGN §15).
    expect(authorize.searchParams.get('scope')).toBe('openid')
    expect(authorize.searchParams.get('connection')).toBe('Username-Password-Authentication')

    const done = await browser.navigate(authorize)
    expect(done.url.href).toBe(`${baseUrl}/`)
    expect(connections(started())).not.toContain('google-oauth2')
    expect(await done.response.text()).toContain('alice@example.com')
  })

  it('starts a link from a use:enhance submission too: JSON redirect, same cookie through event.cookies', async () => {
    const { baseUrl, emulator } = started()
    const browser = new HttpBrowser(baseUrl)
    await browser.navigate('/auth/login?returnTo=/')
    const response = await postAction(browser, 'link', 'github', {
      origin: baseUrl,
      accept: 'application/json',
      'x-sveltekit-action': 'true',
    })
    expect(response.status).toBe(200)
    const body = (await response.json()) as { type: string; status: number; location: string }
    expect(body).toMatchObject({ type: 'redirect', status: 303 })
    const authorize = new URL(body.location)
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${emulator.origin}/authorize`)
    expect(response.headers.getSetCookie().map(setCookieName)).toEqual([`__a0_tx.${authorize.searchParams.get('state')}`])
  })

  it('sends a signed-out user to sign in instead of starting a link', async () => {
    const { baseUrl, emulator } = started()
    const browser = new HttpBrowser(baseUrl)
    const before = emulator.authorizeRequests.length
    const response = await postAction(browser, 'link', 'github', { origin: baseUrl })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/auth/login?returnTo=/')
    expect(response.headers.getSetCookie()).toEqual([])
    expect(emulator.authorizeRequests.length).toBe(before)
  })

  it('composes with sequence: the next hook reads locals.auth to guard /account', async () => {
    const { baseUrl } = started()
    const browser = new HttpBrowser(baseUrl)
    const signedOut = await browser.send('/account')
    expect(signedOut.status).toBe(303)
    expect(signedOut.headers.get('location')).toBe('/auth/login?returnTo=%2Faccount')

    const { url, response } = await browser.navigate('/account')
    expect(url.href).toBe(`${baseUrl}/account`)
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('auth0|alice')
  })

  it('refuses a ?/link form posted from another origin (SvelteKit CSRF) without starting a transaction', async () => {
    const { baseUrl, emulator } = started()
    const browser = new HttpBrowser(baseUrl)
    await browser.navigate('/auth/login?returnTo=/')
    const before = emulator.authorizeRequests.length
    const response = await postAction(browser, 'link', 'github', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })
    expect(response.status).toBe(403)
    expect(response.headers.get('location')).toBeNull()
    expect(response.headers.getSetCookie()).toEqual([])
    expect(emulator.authorizeRequests.length).toBe(before)
  })
})
