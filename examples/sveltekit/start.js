// `npm run example:sveltekit`: with no AUTH0_* variables, starts the built-in Auth0 emulator on a
// loopback port (as examples/demo/server.js does) and points the app at it; then serves the
// built SvelteKit app (./serve.js) on http://localhost:3000 (PORT, HOST change it).
import http from 'node:http'
// This folder has its own package.json, so the package cannot import itself by name here: use the
// built files (`npm run build`) directly.
import { toNodeListener } from '../../dist/node.js'
import { createAuth0Emulator } from '../../dist/testing.js'

const useTenant = Boolean(process.env.AUTH0_DOMAIN && process.env.AUTH0_CLIENT_ID && process.env.AUTH0_CLIENT_SECRET)

if (!useTenant) {
  // Listen first so the emulator knows the origin it is reachable at.
  let handle = async () => new Response('starting', { status: 503 })
  const server = http.createServer(toNodeListener((request) => handle(request)))
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(Number(process.env.EMULATOR_PORT ?? 0), '127.0.0.1', resolve)
  })
  const origin = `http://127.0.0.1:${server.address().port}`
  const emulator = await createAuth0Emulator({ origin, interaction: 'page' })
  handle = (request) => emulator.handle(request)
  process.env.AUTH0_DOMAIN = origin
  process.env.AUTH0_CLIENT_ID = emulator.clientId
  process.env.AUTH0_CLIENT_SECRET = emulator.clientSecret
  // A fresh secret per run: the example's sessions need not outlive it.
  process.env.AUTH0_SECRET ??= crypto.randomUUID() + crypto.randomUUID()
  console.log(`Auth0 emulator on ${origin} (users: alice@example.com, bob@example.com)`)
}

await import('./serve.js')
