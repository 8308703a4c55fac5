/**
 * @module The Astro adapter (`auth0-link-kit/astro`), believed once a built Astro 7 app ran it:
 * examples/astro built once with `astro build` (@astrojs/node standalone) and served by Node 24
 * (Astro 7 needs Node ≥ 22.23.4; the pinned node22 is 22.23.3), against the emulated tenant over
 * loopback HTTP. Pages read `Astro.locals.auth`; an endpoint starts link/unlink.
 */

import { fileURLToPath } from 'node:url'
import { beforeAll } from 'vitest'
import { buildApp, NODE24 } from './build-app.js'
import { runFrameworkSuite } from './framework-behaviours.js'
import { runBehaviourSuite, startSpawnedApp } from './harness.js'

const exampleDir = fileURLToPath(new URL('../../examples/astro/', import.meta.url))
const BUILD_TIMEOUT_MS = 300_000

beforeAll(() => buildApp('astro/bin/astro.mjs', ['build'], exampleDir, BUILD_TIMEOUT_MS - 10_000, NODE24), BUILD_TIMEOUT_MS)

const startAstro = () => startSpawnedApp({ command: NODE24, args: ['start.js'], cwd: exampleDir, timeout: 60_000 })

runBehaviourSuite('Astro 7 (middleware, astro build + @astrojs/node standalone on Node 24)', startAstro, { runtime: 'astro' })
runFrameworkSuite('Astro 7: Astro.locals.auth, app-code flows, prefetch, cross-site, cookies, error page', startAstro)
