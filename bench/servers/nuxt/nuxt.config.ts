// The Nuxt app of the framework head-to-head (bench/frameworks.ts): one build carrying both auth
// layers, our `auth0Middleware` and the @auth0/auth0-nuxt module; BENCH_AUTH picks which one
// answers when the server starts (see server/middleware/auth.ts). Built into node_modules/.cache,
// so nothing lands in the repository.
import { fileURLToPath } from 'node:url'

const cache = fileURLToPath(new URL('../../../node_modules/.cache/auth0-link-kit-bench/nuxt/', import.meta.url))

export default defineNuxtConfig({
  compatibilityDate: '2026-12-01',
  devtools: { enabled: false },
  telemetry: false,
  modules: ['@auth0/auth0-nuxt'],
  // The module's options, filled at start-up from NUXT_AUTH0_* (Nuxt overrides only keys that exist).
  runtimeConfig: { auth0: { domain: '', clientId: '', clientSecret: '', sessionSecret: '', appBaseUrl: '' } },
  // The current sources, not dist/: the bench measures what is in the working tree.
  alias: { 'auth0-link-kit/nuxt': fileURLToPath(new URL('../../../adapters/nuxt.ts', import.meta.url)) },
  buildDir: `${cache}.nuxt`,
  // bench/servers/nuxt-server.ts owns the socket and imports the node-listener output.
  nitro: { preset: 'node-listener', output: { dir: `${cache}.output` } },
})
