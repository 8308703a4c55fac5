/**
 * @module The Astro adapter under Astro 5 (the newest Astro that runs on Node 20; Astro 6 and 7 refuse it): examples/astro built with the
 * astro5 fixture (test/runtime/astro-fixture.ts) and served standalone by the host Node (20), against the
 * emulated tenant over loopback HTTP. The same two suites as the Astro 7 build (astro.test.ts)
 * run against it.
 */

import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { astroFixture, BUILD_TIMEOUT_MS, INSTALL_TIMEOUT_MS } from './astro-fixture.js'
import { runFrameworkSuite } from './framework-behaviours.js'
import { HttpBrowser, runBehaviourSuite, type StartedApp } from './harness.js'

const astro = astroFixture(5, process.execPath)

beforeAll(astro.build, INSTALL_TIMEOUT_MS + BUILD_TIMEOUT_MS)

describe('the Astro 5 build', () => {
  let app: StartedApp | undefined
  beforeAll(async () => {
    app = await astro.start()
  })
  afterAll(async () => {
    await app?.stop()
  })

  it(`is Astro ${astro.version}, served by the host Node (20)`, async () => {
    // The built app resolves astro from the fixture's node_modules, never the root's Astro 7.
    const installed = JSON.parse(readFileSync(`${astro.work}node_modules/astro/package.json`, 'utf8')) as { version: string }
    expect(installed.version).toBe(astro.version)
    expect(installed.version.split('.')[0]).toBe('5')
    const text = await (await new HttpBrowser(app!.baseUrl).send('/hello')).text()
    expect(text.startsWith('hello from astro ')).toBe(true)
    expect(text).toMatch(/ on node v20\./)
  })
})

runBehaviourSuite(`Astro ${astro.version} (middleware, astro build + @astrojs/node standalone, the host Node (20))`, astro.start, {
  runtime: 'astro',
})
runFrameworkSuite(`Astro ${astro.version}: Astro.locals.auth, app-code flows, prefetch, cross-site, cookies, error page`, astro.start)
