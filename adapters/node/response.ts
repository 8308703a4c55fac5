import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http'
import { errorResponse } from '../../core/index.js'

/** Resolves when `res` can take more data or the client has gone. */
function writable(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.once('drain', done)
    res.once('close', done)
  })
}

/**
 * Writes a Web `Response` to a Node response: each `Set-Cookie` stays its own header line, the
 * body is streamed chunk by chunk with backpressure, a `HEAD` request gets the headers only, and
 * a client that goes away cancels the body instead of leaving it running.
 *
 * @example
 * ```ts
 * await sendResponse(res, new Response('hello'))
 * ```
 */
export async function sendResponse(res: ServerResponse, response: Response, method: string = res.req?.method ?? 'GET'): Promise<void> {
  const headers: OutgoingHttpHeaders = {}
  for (const [name, value] of response.headers) if (name !== 'set-cookie') headers[name] = value
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) headers['set-cookie'] = cookies
  // HTTP/2 has no reason phrase (RFC 9113 §8.3.2); Node warns when one is passed there.
  if (response.statusText && res.req?.httpVersionMajor === 1) res.writeHead(response.status, response.statusText, headers)
  else res.writeHead(response.status, headers)
  const body = response.body
  if (!body || method === 'HEAD') {
    res.end()
    await body?.cancel()
    return
  }
  const reader = body.getReader()
  let gone = false
  const onClose = () => {
    if (res.writableFinished) return
    gone = true
    // The client left: stop whatever produces the body (a stream from Auth0, a long render).
    reader.cancel().catch(() => {})
  }
  res.once('close', onClose)
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done || gone) break
      if (!res.write(value)) await writable(res)
    }
    if (!gone) res.end()
  } catch (error) {
    // Headers are out: the only honest way to report a broken body is to cut the connection.
    res.destroy(error instanceof Error ? error : new Error(String(error)))
  } finally {
    res.off('close', onClose)
  }
}

/**
 * Answers a failure that happened before or outside the core's handlers (a bad Host, an app that
 * threw) with the core's one error answer: a page or JSON by `Accept`, `no-store`. Only the
 * `Accept` header is read from `req`: the request may be too broken to build.
 *
 * @example
 * ```ts
 * sendError(req, res, new InvalidHostError('The Host header is not a valid host')) // 400
 * ```
 */
export function sendError(req: IncomingMessage, res: ServerResponse, error: unknown): Promise<void> {
  const accept = req.headers.accept
  const request = new Request('http://localhost/', { headers: accept ? { accept } : {} })
  return sendResponse(res, errorResponse(error, request), req.method)
}
