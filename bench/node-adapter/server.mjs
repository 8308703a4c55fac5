// One contender of the Node adapter measurement, on 127.0.0.1 with a free port: `node server.mjs <variant>`.
// Every variant answers `/hello` from the app and `/auth/profile` from auth (401 signed out: no crypto).
import http from 'node:http'
import { createRequestListener } from '@remix-run/node-fetch-server'
import { authListener, createAuth, toNodeListener } from 'auth0-link-kit/node'

const auth = createAuth(
  {
    domain: 'tenant.example.com',
    clientId: 'bench',
    clientSecret: 'bench-secret',
    secret: 'a-benchmark-secret-of-at-least-32-chars',
    appBaseUrl: 'http://127.0.0.1',
  },
  {},
)
const fetchApp = async (request) => (await auth.handler(request)) ?? new Response('hello')

const VARIANTS = {
  // A hand-written full conversion: a Web Request for every hit (the pre-issue-4 adapter shape).
  'full-request (hand-written)': toNodeListener(fetchApp),
  // The same, with @remix-run/node-fetch-server doing the IncomingMessage ↔ Request work.
  'full-request (@remix-run/node-fetch-server)': createRequestListener(fetchApp),
  // The shipped listener: app paths get no Request at all; auth paths a full one.
  'authListener (lazy)': authListener(auth, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain;charset=UTF-8' })
    res.end('hello')
  }),
  // Ceiling: node:http with no conversion and no auth.
  'bare node:http': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain;charset=UTF-8' })
    res.end('hello')
  },
}

const listener = VARIANTS[process.argv[2]]
if (!listener) throw new Error(`unknown variant; one of: ${Object.keys(VARIANTS).join(', ')}`)
const server = http.createServer(listener).listen(0, '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`))
