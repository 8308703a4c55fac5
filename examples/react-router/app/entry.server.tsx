/**
 * @module The server entry: React Router's default one without the bot check (so the example
 * needs no `isbot`, which `react-router build` would otherwise add to package.json and install).
 * Every page is rendered whole before it is sent.
 */
import { PassThrough } from 'node:stream'
import { createReadableStreamFromReadable } from '@react-router/node'
import { renderToPipeableStream } from 'react-dom/server'
import { type EntryContext, ServerRouter } from 'react-router'

export const streamTimeout = 5_000

export default function handleRequest(request: Request, status: number, headers: Headers, routerContext: EntryContext) {
  headers.set('content-type', 'text/html; charset=utf-8')
  // https://httpwg.org/specs/rfc9110.html#HEAD: the headers a GET would get, no body.
  if (request.method.toUpperCase() === 'HEAD') return new Response(null, { status, headers })
  return new Promise<Response>((resolve, reject) => {
    let responseStatus = status
    const { pipe, abort } = renderToPipeableStream(<ServerRouter context={routerContext} url={request.url} />, {
      onAllReady() {
        const body = new PassThrough()
        pipe(body)
        resolve(new Response(createReadableStreamFromReadable(body), { headers, status: responseStatus }))
      },
      onShellError: reject,
      onError() {
        responseStatus = 500
      },
    })
    setTimeout(abort, streamTimeout + 1000).unref()
  })
}
