/**
 * @module The Node middleware (`auth0-link-kit/node`) proven on Express 5 and on Express 4:
 * examples/express/server.js run by node as its own process (Express needs no build), against
 * the emulated tenant over loopback HTTP, with the shared auth-route and framework behaviours,
 * plus what changed in Express 5 (async errors reach the error handler, named wildcards).
 */

import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runFrameworkSuite, sameSiteForm } from './framework-behaviours.js'
import { HttpBrowser, runBehaviourSuite, type StartedApp, startSpawnedApp } from './harness.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const startExpress = (expressPackage: string) => () =>
  startSpawnedApp({ command: process.execPath, args: ['examples/express/server.js'], cwd: root, env: { EXPRESS_PACKAGE: expressPackage } })

for (const [label, expressPackage, major] of [
  ['Express 5', 'express', '5'],
  ['Express 4', 'express4', '4'],
] as const) {
  runBehaviourSuite(`${label} (authMiddleware)`, startExpress(expressPackage), { runtime: `express ${major}` })
  runFrameworkSuite(`${label}: req.auth0, app-code flows, prefetch, cross-site, cookies, error page`, startExpress(expressPackage))

  describe(`${label}: async errors and path syntax`, () => {
    let app: StartedApp | undefined
    beforeAll(async () => {
      app = await startExpress(expressPackage)()
    })
    afterAll(async () => {
      await app?.stop()
    })

    it('sends a rejected async handler (a signed-out link start) to the error handler: 401, no transaction', async () => {
      const { baseUrl, emulator } = app!
      const before = emulator.authorizeRequests.length
      const response = await new HttpBrowser(baseUrl).send('/settings/link', sameSiteForm(baseUrl, { connection: 'github' }))
      expect(response.status).toBe(401)
      expect(await response.text()).toBe('Please sign in first')
      expect(response.headers.getSetCookie()).toEqual([])
      expect(emulator.authorizeRequests.length).toBe(before)
    })

    it('serves a wildcard route behind the guard once signed in', async () => {
      const browser = new HttpBrowser(app!.baseUrl)
      expect((await browser.send('/files/a/b.txt')).status).toBe(302)
      await browser.navigate('/auth/login?returnTo=/')
      const response = await browser.send('/files/a/b.txt')
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({ path: 'a/b.txt' })
    })
  })
}
