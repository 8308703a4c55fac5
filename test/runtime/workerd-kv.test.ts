// The Hono Worker with its sessions in Workers KV, in miniflare (workerd with miniflare's local
// KV; miniflare runs on node22): the shared auth-route suite, then what KV changes: only an id
// in the cookie, TTLs on the records, backchannel logout by sid and by sub, and KV failures
// answered as signed out or with a 503 page, never a crash.

import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HttpBrowser, runBehaviourSuite, type StartedApp, startSpawnedApp } from './harness.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const PREFIX = 'auth0-link-kit:'

const startKvWorker = () =>
  startSpawnedApp({
    command: `${root}node_modules/node22/bin/node`,
    args: ['test/runtime/apps/kv-miniflare.mjs'],
    cwd: root,
    timeout: 60_000,
  })

runBehaviourSuite('miniflare: Hono Worker with sessions in Workers KV', startKvWorker, { runtime: 'workerd' })

describe('miniflare: Workers KV sessions', () => {
  let app: StartedApp | undefined
  const started = () => app!
  beforeAll(async () => {
    app = await startKvWorker()
  }, 90_000)
  afterAll(async () => {
    await app?.stop()
  })

  const post = (path: string, body: string | object) =>
    fetch(`${started().baseUrl}${path}`, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' },
    })
  const listKeys = async (prefix: string) =>
    ((await (await post('/__kv/list', { prefix })).json()) as { keys: Array<{ name: string; expiration?: number }> }).keys
  const sessionIdsOf = async (sub: string) =>
    (await listKeys(`${PREFIX}sub:${encodeURIComponent(sub)}:`)).map((key) => key.name.split(':').at(-1)!)
  const me = async (browser: HttpBrowser) => ((await (await browser.send('/me')).json()) as { sub: string | null }).sub
  const signIn = async () => {
    const browser = new HttpBrowser(started().baseUrl)
    await browser.navigate('/auth/login?returnTo=/')
    expect(await me(browser)).toBe('auth0|alice')
    return browser
  }
  const sidOf = async (id: string) => {
    const { value } = (await (await fetch(`${started().baseUrl}/__kv/get?key=${encodeURIComponent(`${PREFIX}sess:${id}`)}`)).json()) as {
      value: string
    }
    return (JSON.parse(value) as { session: { internal: { sid: string } } }).session.internal.sid
  }
  const backchannelLogout = async (claims: { sub?: string; sid?: string }) => {
    const logoutToken = await started().emulator.createLogoutToken(claims)
    const response = await fetch(`${started().baseUrl}/auth/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: logoutToken }),
    })
    expect(response.status).toBe(200)
  }

  it('keeps only an id in the cookie and the session in KV, expiring with it', async () => {
    const before = new Set(await sessionIdsOf('auth0|alice'))
    const browser = await signIn()
    expect(browser.cookies.get('__session')!.length).toBeLessThan(300)
    const [id] = (await sessionIdsOf('auth0|alice')).filter((candidate) => !before.has(candidate))
    expect(id).toBeDefined()
    const [record] = await listKeys(`${PREFIX}sess:${id}`)
    // A rolling session lives for its inactivity duration (1 day by default).
    expect(record!.expiration! - Date.now() / 1000).toBeGreaterThan(86_400 - 120)
  })

  it('ends one Auth0 session on a backchannel logout by sid and every session of the user by sub', async () => {
    const known = new Set(await sessionIdsOf('auth0|alice'))
    const laptop = await signIn()
    const [laptopId] = (await sessionIdsOf('auth0|alice')).filter((id) => !known.has(id))
    const phone = await signIn()
    await backchannelLogout({ sid: await sidOf(laptopId!) })
    expect(await me(laptop)).toBeNull()
    expect(await me(phone)).toBe('auth0|alice')
    await backchannelLogout({ sub: 'auth0|alice' })
    expect(await me(phone)).toBeNull()
    expect(await sessionIdsOf('auth0|alice')).toEqual([])
  })

  it('reads as signed out while KV fails, answers a sign-in it cannot save with 503, and recovers every session', async () => {
    // Reads during the outage: its cookie is kept, so its session is back with KV.
    const browser = await signIn()
    // Makes no request during the outage.
    const bystander = await signIn()
    try {
      expect(await (await post('/__kv/failure', 'reject')).text()).toBe('reject')
      const page = await browser.send('/')
      expect(page.status).toBe(200)
      expect(await page.text()).not.toContain('alice@example.com')
      expect(await me(browser)).toBeNull()

      const newcomer = new HttpBrowser(started().baseUrl)
      const { url, response } = await newcomer.navigate('/auth/login?returnTo=/')
      expect(url.pathname).toBe('/auth/callback')
      expect(response.status).toBe(503)
      const html = await response.text()
      expect(html).toContain('session_store_error')
      expect(html).not.toContain(started().emulator.clientSecret)
      const reported = (await (await fetch(`${started().baseUrl}/__kv/reported`)).json()) as Array<{ code: string; status: number }>
      expect(reported.length).toBeGreaterThan(0)
      expect(reported.every((error) => error.code === 'session_store_error' && error.status === 503)).toBe(true)

      await post('/__kv/failure', 'hang')
      const startedAt = Date.now()
      expect(await me(browser)).toBeNull()
      expect(Date.now() - startedAt).toBeLessThan(5_000)
    } finally {
      await post('/__kv/failure', 'off')
    }
    expect(await me(bystander)).toBe('auth0|alice')
    expect(await me(browser)).toBe('auth0|alice')
    expect(await me(await signIn())).toBe('auth0|alice')
  })
})
