/**
 * @module Node's `IncomingMessage` as a Web `Request`: the app URL from `Host` (forwarded headers only
 * with `trustProxy`), the body as a stream, and a hang-up aborting `request.signal`.
 */

import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { InvalidHostError, isValidHost } from '../../core/index.js'

export { InvalidHostError }

/** What `toRequest` needs from a request: Node's `IncomingMessage`, or Express's request built on it. */
type NodeRequest = IncomingMessage & { originalUrl?: string; body?: unknown }

/** The path the request names, as Express reports it when a middleware is mounted on a sub-path. */
export function requestTarget(req: NodeRequest): string {
  return req.originalUrl ?? req.url ?? '/'
}

/** `scheme://host`: `https` on a TLS socket, the host from `Host` (or HTTP/2's `:authority`). */
function requestOrigin(req: NodeRequest): string {
  const encrypted = (req.socket as { encrypted?: boolean } | null)?.encrypted === true
  const host = req.headers.host ?? (req.headers[':authority'] as string | undefined) ?? 'localhost'
  if (!isValidHost(host)) throw new InvalidHostError('The Host header is not a valid host')
  return `${encrypted ? 'https' : 'http'}://${host}`
}

/**
 * The absolute URL of a Node request: `https` on a TLS socket, the host from `Host` (or HTTP/2's
 * `:authority`). `X-Forwarded-*` is not read here: the core honours it only with `trustProxy`.
 *
 * @example
 * ```ts
 * requestUrl(req).pathname // '/auth/login'
 * ```
 */
export function requestUrl(req: NodeRequest): URL {
  return new URL(requestTarget(req), requestOrigin(req))
}

/** Bodies parsed by Express's `urlencoded()`/`json()` before us: the stream is spent, the fields are not. */
function parsedFormBody(req: NodeRequest): URLSearchParams | undefined {
  const { body } = req
  if (body === null || typeof body !== 'object' || Buffer.isBuffer(body)) return undefined
  const form = new URLSearchParams()
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) if (typeof value === 'string') form.append(key, value)
  return form
}

/**
 * Options of {@link toRequest}.
 *
 * @example
 * ```ts
 * const session = await auth.getSession(toRequest(req, undefined, { headersOnly: true }))
 * ```
 */
export interface ToRequestOptions {
  /** Build a request without a body (and without an abort signal): enough to read the session. */
  headersOnly?: boolean
}

// What app code's calls look at: the cookies, the forwarded origin the core honours with
// `trustProxy`, and who sent the request (a link start refuses another site's). Copying only these
// makes `req.auth0.getSession()` cost a fraction of a full request.
const SESSION_FIELDS = ['cookie', 'x-forwarded-proto', 'x-forwarded-host', 'sec-fetch-site', 'origin'] as const

/**
 * A bodiless `GET` with only the headers app code's calls use (`Cookie`, `X-Forwarded-Proto`,
 * `X-Forwarded-Host`, `Sec-Fetch-Site`, `Origin`): what `req.auth0` hands to the client, built on demand.
 *
 * @example
 * ```ts
 * const session = await auth.getSession(sessionRequest(req))
 * ```
 */
export function sessionRequest(req: NodeRequest): Request {
  const target = requestTarget(req)
  const url = target.charCodeAt(0) === 47 ? requestOrigin(req) + target : new URL(target, requestOrigin(req)).href
  const fields: Record<string, string> = {}
  for (const name of SESSION_FIELDS) {
    const value = req.headers[name]
    if (value !== undefined) fields[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return new Request(url, { headers: fields })
}

/**
 * Builds a Web `Request` from a Node request: every header, the body
 * streamed for methods that have one, and a `signal` that aborts when the client goes away
 * before the response is finished, so pending calls to Auth0 stop early.
 *
 * @example
 * ```ts
 * http.createServer(async (req, res) => sendResponse(res, await auth.handleProfile(toRequest(req, res))))
 * ```
 */
export function toRequest(req: NodeRequest, res?: ServerResponse, options: ToRequestOptions = {}): Request {
  const target = requestTarget(req)
  // A string, not a URL: the Request parses it once; an absolute-form target names its own origin.
  const url = target.charCodeAt(0) === 47 ? requestOrigin(req) + target : new URL(target, requestOrigin(req)).href
  // Node has already joined repeated fields (`Cookie` with `; `, the others with `, `), and one
  // Headers built from a record is cheaper than an append per field.
  const fields: Record<string, string> = {}
  for (const name in req.headers) {
    const value = req.headers[name]
    // HTTP/2 pseudo-headers (`:path`, `:authority`) are not header fields.
    if (value === undefined || name.charCodeAt(0) === 58) continue
    fields[name] = Array.isArray(value) ? value.join(', ') : value
  }
  const headers = new Headers(fields)
  const method = req.method ?? 'GET'
  const init: RequestInit & { duplex?: 'half' } = { method, headers }
  if (!options.headersOnly) {
    if (res) {
      const controller = new AbortController()
      res.once('close', () => {
        if (!res.writableFinished) controller.abort()
      })
      init.signal = controller.signal
    }
    if (method !== 'GET' && method !== 'HEAD') {
      if (req.readableEnded) {
        // A body parser ran first: rebuild the form from what it parsed.
        const form = parsedFormBody(req)
        if (form) {
          headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8')
          headers.delete('content-length')
          init.body = form
        }
      } else {
        init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>
        init.duplex = 'half'
      }
    }
  }
  return new Request(url, init)
}
