// The Node adapter in this process, over real node:http: the connect-style middleware in a tiny
// connect chain (as Express and Connect run it), and the Node ↔ Web translation edge by edge.

import http, { type IncomingMessage, type RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { authMiddleware, createAuth, type NodeMiddleware, toNodeListener } from '../../adapters/node.js'
import type { AuthOptions } from '../../core/index.js'
import { type EmulatorServer, HttpBrowser, startEmulatorServer } from './harness.js'

const SECRET = 'a-node-adapter-test-secret-of-at-least-32-chars'

/** Connect's contract in a few lines: each layer gets `next`; `next(error)` skips to the end. */
function connect(...layers: NodeMiddleware[]): RequestListener {
  return (req, res) => {
    let index = 0
    const next = (error?: unknown) => {
      const layer = layers[index++]
      if (error !== undefined || !layer) {
        res.writeHead(error !== undefined ? 500 : 404, { 'content-type': 'text/plain' })
        res.end(error !== undefined ? 'chain error' : 'chain end')
        return
      }
      layer(req, res, next)
    }
    next()
  }
}

const servers: http.Server[] = []
async function serve(listener: RequestListener): Promise<string> {
  const server = http.createServer(listener)
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** A raw request, for what fetch will not send (a chosen Host) or to hang up early. */
function rawRequest(url: string, options: http.RequestOptions = {}, body?: string): Promise<IncomingMessage & { text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, options, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => resolve(Object.assign(res, { text })))
    })
    req.on('error', reject)
    req.end(body)
  })
}

let tenant: EmulatorServer
beforeAll(async () => {
  tenant = await startEmulatorServer()
})
afterAll(async () => {
  await tenant.stop()
})
afterEach(async () => {
  vi.unstubAllGlobals()
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))))
})

const authFor = (overrides: Partial<AuthOptions> = {}) =>
  createAuth(
    { domain: tenant.origin, clientId: tenant.emulator.clientId, clientSecret: tenant.emulator.clientSecret, secret: SECRET, ...overrides },
    {},
  )

/** The app behind the middleware: `/me` shows `req.auth0`, `/echo` reads the body itself. */
const appLayer: NodeMiddleware = (req, res, next) => {
  void (async () => {
    if (req.url === '/me') {
      const user = await req.auth0?.getUser()
      const session = await req.auth0?.getSession()
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ sub: user?.sub ?? null, hasTokens: (session?.tokenSets.length ?? 0) > 0 }))
      return
    }
    if (req.url === '/echo') {
      let body = ''
      for await (const chunk of req) body += String(chunk)
      res.end(`echo:${body}`)
      return
    }
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end('<p>page</p>')
      return
    }
    next()
  })().catch(next)
}

describe('authMiddleware in a connect chain', () => {
  it('answers the auth routes and passes app paths on with the session on req.auth0', async () => {
    const baseUrl = await serve(connect(authMiddleware(authFor()), appLayer))
    const browser = new HttpBrowser(baseUrl)
    expect(await (await browser.send('/me')).json()).toEqual({ sub: null, hasTokens: false })
    const { url } = await browser.navigate('/auth/login?returnTo=/')
    expect(url.href).toBe(`${baseUrl}/`)
    expect(await (await browser.send('/me')).json()).toEqual({ sub: 'auth0|alice', hasTokens: true })
    expect((await browser.send('/auth/profile')).status).toBe(200)
    const end = await browser.send('/not-in-the-app')
    expect([end.status, await end.text()]).toEqual([404, 'chain end'])
  })

  it('builds no Web Request for an app path and leaves its body unread for the app', async () => {
    const baseUrl = await serve(connect(authMiddleware(authFor()), appLayer))
    const constructed: string[] = []
    const WebRequest = globalThis.Request
    vi.stubGlobal(
      'Request',
      class CountingRequest extends WebRequest {
        constructor(input: RequestInfo | URL, init?: RequestInit) {
          super(input, init)
          constructed.push(this.url)
        }
      },
    )
    const response = await rawRequest(
      `${baseUrl}/echo`,
      { method: 'POST', headers: { 'content-type': 'text/plain' } },
      'a body for the app',
    )
    expect(response.text).toBe('echo:a body for the app')
    expect(constructed.filter((url) => url.startsWith(baseUrl))).toEqual([])
  })

  it('normalises a path with dot segments before deciding it is not an auth route', async () => {
    const baseUrl = await serve(connect(authMiddleware(authFor()), appLayer))
    const response = await rawRequest(`${baseUrl}/x/../auth/profile`, { path: '/x/../auth/profile' })
    expect(response.statusCode).toBe(401)
    expect(JSON.parse(response.text)).toMatchObject({ error: 'missing_session' })
  })

  it('reads a posted form that a body parser already consumed (express.urlencoded before it)', async () => {
    const urlencoded: NodeMiddleware = (req, _res, next) => {
      let text = ''
      req.setEncoding('utf8')
      req.on('data', (chunk: string) => (text += chunk))
      req.on('end', () => {
        ;(req as IncomingMessage & { body?: unknown }).body = Object.fromEntries(new URLSearchParams(text))
        next()
      })
    }
    const baseUrl = await serve(connect(urlencoded, authMiddleware(authFor()), appLayer))
    const browser = new HttpBrowser(baseUrl)
    await browser.navigate('/auth/login?returnTo=/')
    const { url } = await browser.navigate('/auth/link', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'connection=github&returnTo=%2Fme',
    })
    expect(url.pathname).toBe('/me')
    expect(tenant.emulator.getUser('auth0|alice')?.identities.map((identity) => identity.connection)).toContain('github')
    await browser.navigate('/auth/unlink', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'connection=github',
    })
    expect(tenant.emulator.getUser('auth0|alice')?.identities.map((identity) => identity.connection)).not.toContain('github')
  })
})

describe('the request URL', () => {
  const redirectUriOf = (response: IncomingMessage) => new URL(response.headers.location!).searchParams.get('redirect_uri')

  it('comes from the Host header', async () => {
    const baseUrl = await serve(connect(authMiddleware(authFor()), appLayer))
    const response = await rawRequest(`${baseUrl}/auth/login`, { headers: { host: 'app.example.test:8080' } })
    expect(response.statusCode).toBe(302)
    expect(redirectUriOf(response)).toBe('http://app.example.test:8080/auth/callback')
  })

  it('ignores X-Forwarded-Proto/Host unless trustProxy is on', async () => {
    const forwarded = { host: 'internal:3000', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com' }
    const plain = await serve(connect(authMiddleware(authFor()), appLayer))
    expect(redirectUriOf(await rawRequest(`${plain}/auth/login`, { headers: forwarded }))).toBe('http://internal:3000/auth/callback')
    const proxied = await serve(connect(authMiddleware(authFor({ trustProxy: true })), appLayer))
    expect(redirectUriOf(await rawRequest(`${proxied}/auth/login`, { headers: forwarded }))).toBe('https://app.example.com/auth/callback')
  })

  it('refuses a Host that is not a host with 400', async () => {
    const baseUrl = await serve(connect(authMiddleware(authFor()), appLayer))
    const response = await rawRequest(`${baseUrl}/auth/login`, { headers: { host: 'evil.test/path?' } })
    expect(response.statusCode).toBe(400)
    expect(response.headers.location).toBeUndefined()
  })
})

describe('toNodeListener', () => {
  it('keeps each Set-Cookie header apart', async () => {
    const baseUrl = await serve(
      toNodeListener(() => {
        const headers = new Headers({ 'content-type': 'text/plain' })
        headers.append('set-cookie', 'a=1; Path=/; HttpOnly')
        headers.append('set-cookie', 'b=2, with a comma; Path=/')
        return new Response('ok', { headers })
      }),
    )
    const response = await rawRequest(baseUrl)
    expect(response.headers['set-cookie']).toEqual(['a=1; Path=/; HttpOnly', 'b=2, with a comma; Path=/'])
  })

  it('streams the body chunk by chunk', async () => {
    let releaseSecond!: () => void
    const second = new Promise<void>((resolve) => (releaseSecond = resolve))
    const baseUrl = await serve(
      toNodeListener(
        () =>
          new Response(
            new ReadableStream<Uint8Array>({
              async start(controller) {
                controller.enqueue(new TextEncoder().encode('first;'))
                await second
                controller.enqueue(new TextEncoder().encode('second'))
                controller.close()
              },
            }),
          ),
      ),
    )
    const chunks: string[] = []
    await new Promise<void>((resolve, reject) => {
      http
        .get(baseUrl, (res) => {
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => {
            chunks.push(chunk)
            // Only a streamed first chunk can arrive before the second exists.
            if (chunk.includes('first;')) releaseSecond()
          })
          res.on('end', resolve)
        })
        .on('error', reject)
    })
    expect(chunks.join('')).toBe('first;second')
  })

  it('aborts request.signal and cancels the body when the client goes away', async () => {
    let seen!: (request: Request) => void
    const handlerRan = new Promise<Request>((resolve) => (seen = resolve))
    let cancelled!: () => void
    const bodyCancelled = new Promise<void>((resolve) => (cancelled = resolve))
    const baseUrl = await serve(
      toNodeListener((request) => {
        seen(request)
        return new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('partial'))
            },
            cancel() {
              cancelled()
            },
          }),
        )
      }),
    )
    const client = http.get(baseUrl, (res) => res.once('data', () => client.destroy()))
    client.on('error', () => {})
    const request = await handlerRan
    await bodyCancelled
    if (!request.signal.aborted) await new Promise((resolve) => request.signal.addEventListener('abort', resolve, { once: true }))
    expect(request.signal.aborted).toBe(true)
  })

  it('passes a POST body through and answers HEAD without one', async () => {
    const baseUrl = await serve(
      toNodeListener(async (request) => new Response(`${request.method}:${request.method === 'POST' ? await request.text() : ''}`)),
    )
    expect((await rawRequest(baseUrl, { method: 'POST' }, 'connection=github')).text).toBe('POST:connection=github')
    const head = await rawRequest(baseUrl, { method: 'HEAD' })
    expect([head.statusCode, head.text]).toEqual([200, ''])
  })
})
