/**
 * @module One server per process for the Fastify head to head, against the same in-process
 * tenant: `fastify-ours` (Fastify 5 + our plugin), `node-ours` (bare node:http + our Node adapter,
 * `authListener`), `fastify-bare` (Fastify alone: a fixed redirect and a fixed text on the same
 * paths, the ceiling). Routes: /auth/login and /auth/callback (the library's), GET /home (the
 * session read: 200 with the user's id, 401 without), POST /__bench/authorize (the browser's
 * untimed trip to Auth0). @auth0/auth0-fastify is not on the registry this project reaches, so
 * Auth0's own Fastify SDK is not among them.
 */
import http from 'node:http'
import Fastify from 'fastify'
import { auth0 } from '../../adapters/fastify.js'
import { authListener } from '../../adapters/node.js'
import { type Auth, createAuth } from '../../core/index.js'
import { linkKitOptions } from '../contenders.js'
import { BenchTenant } from '../tenant.js'
import type { ServerReady } from './fixtures.js'
import { listenOnLoopback } from './listen.js'
import { signInOverHttp } from './sign-in.js'

export const FASTIFY_MODES = ['fastify-ours', 'node-ours', 'fastify-bare'] as const
type Mode = (typeof FASTIFY_MODES)[number]

const mode = process.argv[2] as Mode
if (!FASTIFY_MODES.includes(mode)) throw new Error(`unknown mode ${mode}; one of ${FASTIFY_MODES.join(', ')}`)

const tenant = await BenchTenant.create()
const authorize = async (body: string) => (await tenant.authorize(new URL(body))).href

/** Fastify on the server the caller listens on (`serverFactory`), so the port is known before the app is built. */
async function fastifyListener(server: http.Server, auth: Auth<unknown> | undefined): Promise<http.RequestListener> {
  let routing: http.RequestListener | undefined
  const app = Fastify({
    serverFactory: (handler) => {
      routing = handler
      return server
    },
  })
  app.post('/__bench/authorize', async (request) => authorize(String(request.body)))
  if (auth) {
    await app.register(auth0, { auth })
    app.get('/home', async (request, reply) => {
      const session = await request.auth.getSession()
      return session ? session.user.sub : reply.code(401).send('signed out')
    })
  } else {
    app.get('/auth/login', (_request, reply) => reply.redirect('https://tenant.auth0.test/authorize', 302))
    app.get('/home', async () => 'auth0|alice')
  }
  await app.ready()
  if (!routing) throw new Error('Fastify did not call serverFactory')
  return routing
}

function nodeListener(auth: Auth<unknown>): http.RequestListener {
  return authListener(auth, (req, res) => {
    if (req.url === '/__bench/authorize' && req.method === 'POST') {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => void authorize(Buffer.concat(chunks).toString()).then((href) => res.end(href)))
      return
    }
    req.auth0!.getSession().then(
      (session) => {
        res.writeHead(session ? 200 : 401, { 'content-type': 'text/plain; charset=utf-8' })
        res.end(session ? session.user.sub : 'signed out')
      },
      () => {
        res.writeHead(500)
        res.end()
      },
    )
  })
}

// Listen first: the library is configured with the origin it is really served on.
let handle: http.RequestListener = (_req, res) => {
  res.writeHead(503)
  res.end('starting')
}
const server = http.createServer((req, res) => handle(req, res))
const port = await listenOnLoopback(server)
const origin = `http://127.0.0.1:${port}`
const auth = mode === 'fastify-bare' ? undefined : createAuth({ ...linkKitOptions(tenant), appBaseUrl: origin })
handle = mode === 'node-ours' ? nodeListener(auth!) : await fastifyListener(server, auth)
const cookie = auth ? await signInOverHttp(origin) : ''
process.stdout.write(`${JSON.stringify({ port, cookie } satisfies ServerReady)}\n`)
