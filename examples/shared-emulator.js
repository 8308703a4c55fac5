/**
 * @module The framework examples' fallback tenant: with no AUTH0_* variables set, starts the
 * built-in Auth0 emulator on a loopback port (as examples/demo/server.js does) and fills
 * AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET and AUTH0_SECRET in `process.env` for the
 * app, so every framework reads its configuration the same way whichever tenant it talks to.
 */
import http from 'node:http'
// The built package, by path: examples with their own package.json cannot import it by name.
import { toNodeListener } from '../dist/node.js'
import { createAuth0Emulator } from '../dist/testing.js'

/** Starts the emulator unless a tenant is configured; resolves with a line saying which one is used. */
export async function startEmulatorUnlessTenant() {
  if (process.env.AUTH0_DOMAIN && process.env.AUTH0_CLIENT_ID && process.env.AUTH0_CLIENT_SECRET) {
    return `tenant ${process.env.AUTH0_DOMAIN}`
  }
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
  process.env.AUTH0_SECRET ||= crypto.randomUUID() + crypto.randomUUID()
  console.log(`Auth0 emulator on ${origin} (users: alice@example.com, bob@example.com)`)
  return 'built-in Auth0 emulator'
}
