/**
 * @module The Nuxt/h3 adapter (`auth0-link-kit/nuxt`), believed once a built Nuxt 4 app ran it:
 * examples/nuxt built once with `nuxi build` and served by Node 22 (examples/nuxt/start.js over
 * Nitro's node-listener output), against the emulated tenant over loopback HTTP.
 */

import { fileURLToPath } from 'node:url'
import { beforeAll } from 'vitest'
import { buildApp, NODE22 } from './build-app.js'
import { runFrameworkSuite } from './framework-behaviours.js'
import { runBehaviourSuite, startSpawnedApp } from './harness.js'

const exampleDir = fileURLToPath(new URL('../../examples/nuxt/', import.meta.url))
/** `nuxi build` takes about a minute on a busy 2-core machine. */
const BUILD_TIMEOUT_MS = 400_000

beforeAll(() => buildApp('nuxt/bin/nuxt.mjs', ['build'], exampleDir, BUILD_TIMEOUT_MS - 10_000), BUILD_TIMEOUT_MS)

const startNuxt = () => startSpawnedApp({ command: NODE22, args: ['start.js'], cwd: exampleDir, timeout: 60_000 })

runBehaviourSuite('Nuxt 4 (auth0Middleware, nuxi build, node-listener on Node 22)', startNuxt, { runtime: 'nuxt' })
runFrameworkSuite('Nuxt 4: useAuth(event), app-code flows, prefetch, cross-site, cookies, error page', startNuxt)
