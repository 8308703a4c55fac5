/**
 * @module The Fastify plugin (`auth0-link-kit/fastify`), believed once Fastify 5 ran it:
 * examples/fastify/server.js run by node as its own process (no build step), against the
 * emulated tenant over loopback HTTP, with the shared auth-route and framework behaviours plus
 * `requireAuth`'s JSON answer.
 */

import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runFrameworkSuite } from './framework-behaviours.js'
import { HttpBrowser, runBehaviourSuite, type StartedApp, startSpawnedApp } from './harness.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const startFastify = () => startSpawnedApp({ command: process.execPath, args: ['examples/fastify/server.js'], cwd: root })

runBehaviourSuite('Fastify 5 (auth0 plugin)', startFastify, { runtime: 'fastify' })
runFrameworkSuite('Fastify 5: request.auth, requireAuth, app-code flows, prefetch, cross-site, cookies, error page', startFastify)

describe('Fastify 5: requireAuth and encapsulation', () => {
  let app: StartedApp | undefined
  beforeAll(async () => {
    app = await startFastify()
  })
  afterAll(async () => {
    await app?.stop()
  })

  it('answers a signed-out JSON request with 401 missing_session and starts nothing', async () => {
    const { baseUrl, emulator } = app!
    const before = emulator.authorizeRequests.length
    const response = await new HttpBrowser(baseUrl).send('/account', { headers: { accept: 'application/json' } })
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ error: 'missing_session' })
    expect(response.headers.getSetCookie()).toEqual([])
    expect(emulator.authorizeRequests.length).toBe(before)
  })

  it('gives request.auth and requireAuth to routes of a child plugin', async () => {
    const browser = new HttpBrowser(app!.baseUrl)
    const signedOut = await browser.send('/scoped/me', { headers: { accept: 'application/json' } })
    expect(signedOut.status).toBe(401)
    await browser.navigate('/auth/login?returnTo=/')
    const signedIn = await browser.send('/scoped/me', { headers: { accept: 'application/json' } })
    expect(signedIn.status).toBe(200)
    expect(await signedIn.json()).toEqual({ email: 'alice@example.com' })
  })
})
