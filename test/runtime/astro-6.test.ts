/**
 * @module The Astro adapter under Astro 6 (its newest 6.x with @astrojs/node 10, on the pinned Node 22; Astro 6 needs Node ≥ 22.12): examples/astro built with the
 * astro6 fixture (test/runtime/astro-fixture.ts) and served standalone by Node 22, against the
 * emulated tenant over loopback HTTP. The same two suites as the Astro 7 build (astro.test.ts)
 * run against it.
 */

import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { astroFixture, BUILD_TIMEOUT_MS, INSTALL_TIMEOUT_MS } from './astro-fixture.js'
import { NODE22 } from './build-app.js'
import { runFrameworkSuite } from './framework-behaviours.js'
import { HttpBrowser, runBehaviourSuite, type StartedApp } from './harness.js'

const astro = astroFixture(6, NODE22)

beforeAll(astro.build, INSTALL_TIMEOUT_MS + BUILD_TIMEOUT_MS)

describe('the Astro 6 build', () => {
  let app: StartedApp | undefined
  beforeAll(async () => {
    app = await astro.start()
  })
  afterAll(async () => {
    await app?.stop()
  })

  it(`is Astro ${astro.version}, served by Node 22`, async () => {
    // The built app resolves astro from the fixture's node_modules, never the root's Astro 7.
    const installed = JSON.parse(readFileSync(`${astro.work}node_modules/astro/package.json`, 'utf8')) as { version: string }
    expect(installed.version).toBe(astro.version)
    expect(installed.version.split('.')[0]).toBe('6')
    const text = await (await new HttpBrowser(app!.baseUrl).send('/hello')).text()
    expect(text.startsWith('hello from astro ')).toBe(true)
    expect(text).toMatch(/ on node v22\./)
  })
})

runBehaviourSuite(`Astro ${astro.version} (middleware, astro build + @astrojs/node standalone, Node 22)`, astro.start, {
  runtime: 'astro',
})
runFrameworkSuite(`Astro ${astro.version}: Astro.locals.auth, app-code flows, prefetch, cross-site, cookies, error page`, astro.start)
