/**
 * @module The React Router adapter (`auth0-link-kit/react-router`), believed once a built React
 * Router 8 app ran it: examples/react-router built once with `react-router build` and served by
 * `react-router-serve` on Node 22 (through start.js), against the emulated tenant over loopback
 * HTTP. Loaders read `getUser(request)`; actions start link/unlink with cookies on the redirect.
 */

import { fileURLToPath } from 'node:url'
import { beforeAll } from 'vitest'
import { buildApp, NODE22 } from './build-app.js'
import { runFrameworkSuite } from './framework-behaviours.js'
import { runBehaviourSuite, startSpawnedApp } from './harness.js'

const exampleDir = fileURLToPath(new URL('../../examples/react-router/', import.meta.url))
const BUILD_TIMEOUT_MS = 300_000

beforeAll(() => buildApp('@react-router/dev/bin.cjs', ['build'], exampleDir, BUILD_TIMEOUT_MS - 10_000), BUILD_TIMEOUT_MS)

const startReactRouter = () => startSpawnedApp({ command: NODE22, args: ['start.js'], cwd: exampleDir, timeout: 60_000 })

runBehaviourSuite('React Router 8 (resource route, react-router build + react-router-serve on Node 22)', startReactRouter, {
  runtime: 'react-router',
})
runFrameworkSuite(
  'React Router 8: loaders, actions with cookies on the redirect, prefetch, cross-site, cookies, error page',
  startReactRouter,
)
