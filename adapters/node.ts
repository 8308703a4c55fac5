import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { type Auth, type AuthOptions, createAuth as createCoreAuth } from '../core/index.js'

type FetchHandler = (request: Request) => Response | Promise<Response>

/**
 * Auth options from `process.env` (`AUTH0_DOMAIN`, `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET`,
 * `AUTH0_SECRET`, `APP_BASE_URL`), overridden by any option passed explicitly.
 *
 * @example
 * ```ts
 * const auth = createAuth()            // everything from the environment
 * const auth2 = createAuth({ appBaseUrl: 'https://app.example.com' })
 * ```
 */
export function createAuth<TAppState = unknown>(options: Partial<AuthOptions> = {}, env: Record<string, string | undefined> = process.env): Auth<TAppState> {
  const fromEnv: Partial<AuthOptions> = {}
  if (env.AUTH0_DOMAIN) fromEnv.domain = env.AUTH0_DOMAIN
  if (env.AUTH0_CLIENT_ID) fromEnv.clientId = env.AUTH0_CLIENT_ID
  if (env.AUTH0_CLIENT_SECRET) fromEnv.clientSecret = env.AUTH0_CLIENT_SECRET
  if (env.AUTH0_SECRET) fromEnv.secret = env.AUTH0_SECRET
  if (env.APP_BASE_URL) fromEnv.appBaseUrl = env.APP_BASE_URL
  return createCoreAuth<TAppState>({ ...fromEnv, ...options } as AuthOptions)
}

/**
 * Builds a Web `Request` from a Node request. The origin comes from the socket and `Host`;
 * forwarded headers are left to the core, which honours them only with `trustProxy`.
 *
 * @example
 * ```ts
 * http.createServer(async (req, res) => sendResponse(res, await auth.handleProfile(toRequest(req, res))))
 * ```
 */
export function toRequest(req: IncomingMessage, res?: ServerResponse): Request {
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true
  const host = req.headers.host ?? 'localhost'
  const url = new URL(req.url ?? '/', `${encrypted ? 'https' : 'http'}://${host}`)
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue
    if (Array.isArray(value)) for (const item of value) headers.append(name, item)
    else headers.set(name, value)
  }
  const controller = new AbortController()
  // The client went away before we answered: let pending calls to Auth0 stop early.
  res?.once('close', () => {
    if (!res.writableFinished) controller.abort()
  })
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
  return new Request(url, {
    method: req.method ?? 'GET',
    headers,
    signal: controller.signal,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
  } as RequestInit)
}

/**
 * Writes a Web `Response` to a Node response, keeping each `Set-Cookie` header separate and
 * streaming the body.
 *
 * @example
 * ```ts
 * await sendResponse(res, new Response('hello'))
 * ```
 */
export async function sendResponse(res: ServerResponse, response: Response, method = 'GET'): Promise<void> {
  const headers: Record<string, string | string[]> = {}
  for (const [name, value] of response.headers) if (name !== 'set-cookie') headers[name] = value
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) headers['set-cookie'] = cookies
  res.writeHead(response.status, headers)
  if (!response.body || method === 'HEAD') {
    res.end()
    return
  }
  const reader = response.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    res.write(value)
  }
  res.end()
}

/**
 * Turns a fetch-style handler into a listener for `http.createServer`.
 *
 * @example
 * ```ts
 * http.createServer(toNodeListener(async (request) => (await auth.handler(request)) ?? new Response('app'))).listen(3000)
 * ```
 */
export function toNodeListener(handler: FetchHandler): RequestListener {
  return (req, res) => {
    void (async () => {
      try {
        await sendResponse(res, await handler(toRequest(req, res)), req.method)
      } catch {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
        res.end('Internal Server Error')
      }
    })()
  }
}
