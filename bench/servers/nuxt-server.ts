/**
 * @module One Nuxt benchmark server per process, run by Node 22: the app built from
 * bench/servers/nuxt (one build for both libraries), with BENCH_AUTH picking our middleware,
 * @auth0/auth0-nuxt, or neither (`bare`, the ceiling). argv: <ours|theirs|bare> <.output dir>.
 *
 * Both libraries talk to the same in-process tenant (bench/tenant.ts): @auth0/auth0-nuxt has no
 * fetch option (its module builds each request's ServerClient from runtimeConfig alone), so
 * `globalThis.fetch` sends the tenant's origin to the tenant's `fetch` and nothing else changes;
 * ours reads the same global. `POST /__bench/authorize` plays the browser's untimed trip to Auth0.
 */
import http from 'node:http'
import { pathToFileURL } from 'node:url'
import { SECRET } from '../contenders.js'
import { BenchTenant } from '../tenant.js'
import type { ServerReady } from './fixtures.js'
import { listenOnLoopback } from './listen.js'
import { signInOverHttp } from './sign-in.js'

export const NUXT_LIBRARIES = ['ours', 'theirs', 'bare'] as const
type Library = (typeof NUXT_LIBRARIES)[number]

const library = process.argv[2] as Library
const outputDir = process.argv[3]
if (!NUXT_LIBRARIES.includes(library) || !outputDir) throw new Error(`usage: nuxt-server.mjs <${NUXT_LIBRARIES.join('|')}> <.output dir>`)

const tenant = await BenchTenant.create()
const original = globalThis.fetch
const tenantOrigin = tenant.emulator.origin
globalThis.fetch = (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
  return url.startsWith(`${tenantOrigin}/`) ? tenant.fetch(input, init) : original(input, init)
}

// Listen first: both libraries are configured with the origin they are really served on.
let listener: http.RequestListener = (_req, res) => {
  res.writeHead(503)
  res.end('starting')
}
const server = http.createServer((req, res) => {
  if (req.url === '/__bench/authorize' && req.method === 'POST') {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      tenant.authorize(new URL(Buffer.concat(chunks).toString())).then(
        (callback) => res.end(callback.href),
        (error: unknown) => {
          res.writeHead(400)
          res.end(String(error))
        },
      )
    })
    return
  }
  listener(req, res)
})
const port = await listenOnLoopback(server)
const origin = `http://127.0.0.1:${port}`
const { emulator } = tenant
Object.assign(process.env, {
  BENCH_AUTH: library,
  // Ours (auth0-link-kit/nuxt createAuth reads these).
  AUTH0_DOMAIN: emulator.domain,
  AUTH0_CLIENT_ID: emulator.clientId,
  AUTH0_CLIENT_SECRET: emulator.clientSecret,
  AUTH0_SECRET: SECRET,
  APP_BASE_URL: origin,
  // Theirs (runtimeConfig.auth0, overridden by NUXT_AUTH0_*); its plugin needs them in every mode.
  NUXT_AUTH0_DOMAIN: emulator.domain,
  NUXT_AUTH0_CLIENT_ID: emulator.clientId,
  NUXT_AUTH0_CLIENT_SECRET: emulator.clientSecret,
  NUXT_AUTH0_SESSION_SECRET: SECRET,
  NUXT_AUTH0_APP_BASE_URL: origin,
})
const built = (await import(pathToFileURL(`${outputDir}/server/index.mjs`).href)) as { listener: http.RequestListener }
listener = built.listener
const cookie = library === 'bare' ? '' : await signInOverHttp(origin)
process.stdout.write(`${JSON.stringify({ port, cookie } satisfies ServerReady)}\n`)
