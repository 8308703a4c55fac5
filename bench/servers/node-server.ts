// One benchmark server per process (so the load generator in the parent never shares its core).
// argv[2] picks what answers every path; see NODE_SERVER_MODES.
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import { authListener, toNodeListener } from '../../adapters/node.js'
import type { StoreOptions } from '../../core/stores.js'
import type { BrowserJar } from '../browser-jar.js'
import { createAuth0ServerJs } from '../contenders.js'
import { signIn } from '../flows.js'
import { FIXED_BODY, type ServerReady, sessionFixture, sessionResponse } from './fixtures.js'

export const NODE_SERVER_MODES = [
  'bare',
  'hand-fixed',
  'adapter-fixed',
  'listener-fixed',
  'hand-ours',
  'hand-theirs',
  'adapter-ours',
  'listener-ours',
] as const
type Mode = (typeof NODE_SERVER_MODES)[number]

type FetchHandler = (request: Request) => Promise<Response>

/** The conversion a user writes by hand without an adapter: a full `Request` in, the body buffered out. */
function handWritten(handler: FetchHandler): http.RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const headers = new Headers()
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!)
    const request = new Request(new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`), {
      method: req.method ?? 'GET',
      headers,
    })
    handler(request)
      .then(async (response) => {
        const out: Record<string, string | string[]> = {}
        for (const [name, value] of response.headers) if (name !== 'set-cookie') out[name] = value
        const cookies = response.headers.getSetCookie()
        if (cookies.length > 0) out['set-cookie'] = cookies
        res.writeHead(response.status, out)
        res.end(Buffer.from(await response.arrayBuffer()))
      })
      .catch(() => {
        res.writeHead(500)
        res.end()
      })
  }
}

async function listener(mode: Mode): Promise<{ listener: http.RequestListener; cookie: string }> {
  const fixed: FetchHandler = async () => new Response(FIXED_BODY, { headers: { 'content-type': 'text/plain' } })
  switch (mode) {
    case 'bare':
      return {
        cookie: '',
        listener: (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/plain' })
          res.end(FIXED_BODY)
        },
      }
    case 'hand-fixed':
      return { cookie: '', listener: handWritten(fixed) }
    case 'adapter-fixed':
      return { cookie: '', listener: toNodeListener(fixed) }
    case 'listener-fixed': {
      // What a user of the adapter writes: auth routes in front, the app's own Node route behind.
      const { auth } = await sessionFixture()
      return {
        cookie: '',
        listener: authListener(auth, (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/plain' })
          res.end(FIXED_BODY)
        }),
      }
    }
    case 'listener-ours': {
      const { auth, cookie } = await sessionFixture()
      return {
        cookie,
        listener: authListener(auth, (req, res) => {
          req.auth0!.getSession().then(
            (session) => {
              res.writeHead(session ? 200 : 401, { 'content-type': 'text/plain' })
              res.end(session ? session.user.sub : 'signed out')
            },
            () => {
              res.writeHead(500)
              res.end()
            },
          )
        }),
      }
    }
    case 'hand-ours':
    case 'adapter-ours': {
      const { auth, cookie } = await sessionFixture()
      const route: FetchHandler = async (request) => sessionResponse(await auth.getSession(request))
      return { cookie, listener: mode === 'hand-ours' ? handWritten(route) : toNodeListener(route) }
    }
    case 'hand-theirs': {
      const { tenant } = await sessionFixture()
      const theirs = createAuth0ServerJs(tenant)
      const jar: BrowserJar = await signIn(theirs, tenant)
      const route: FetchHandler = async (request) => {
        const storeOptions: StoreOptions = { request, response: new Response(null) }
        return sessionResponse((await theirs.getSession(storeOptions)) as { user: { sub: string } } | undefined)
      }
      return { cookie: jar.cookieHeader(), listener: handWritten(route) }
    }
  }
}

const mode = process.argv[2] as Mode
if (!NODE_SERVER_MODES.includes(mode)) throw new Error(`unknown mode ${mode}; one of ${NODE_SERVER_MODES.join(', ')}`)
const { listener: handle, cookie } = await listener(mode)
const server = http.createServer(handle)
// Exit normally on a signal, so `node --cpu-prof bench/…/node-server.mjs` writes its profile.
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => process.exit(0))
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  const ready: ServerReady = { port: typeof address === 'object' && address ? address.port : 0, cookie }
  process.stdout.write(`${JSON.stringify(ready)}\n`)
})
