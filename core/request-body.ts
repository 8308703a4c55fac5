/**
 * @module The bounded body reader: a request body read through a byte counter that stops at a
 * limit, whatever `Content-Length` says or does not say.
 */

import { InvalidRequestError } from './errors.js'

/** The forms the routes take (start routes, back-channel logout) are tiny; 16 KB is generous. */
export const MAX_FORM_BYTES = 16 * 1024

/**
 * The body of `request`, read chunk by chunk and abandoned (the stream cancelled) as soon as it
 * passes `limit` bytes. `Content-Length` is only a shortcut for an early refusal: a chunked body
 * has none, and `request.formData()` would buffer every byte a stranger sends before any check.
 *
 * @throws {InvalidRequestError} when the body is larger than `limit`.
 */
export async function readBoundedBody(request: Request, limit = MAX_FORM_BYTES): Promise<Uint8Array<ArrayBuffer>> {
  const declared = request.headers.get('content-length')
  if (declared !== null && Number(declared) > limit) throw new InvalidRequestError('The request body is too large')
  if (!request.body) return new Uint8Array(0)
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    // Bounded: each round either adds at least one byte toward the limit or ends the stream.
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.byteLength
      if (total > limit) {
        await reader.cancel().catch(() => {})
        throw new InvalidRequestError('The request body is too large')
      }
      chunks.push(value)
    }
  } finally {
    reader.releaseLock()
  }
  const body = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.byteLength
  }
  return body
}

/**
 * The fields of a posted form (`application/x-www-form-urlencoded` or `multipart/form-data`),
 * read through {@link readBoundedBody}; `undefined` for any other body, which is left unread.
 * File fields are dropped: no route takes one.
 *
 * @throws {InvalidRequestError} when the body is larger than `limit` or not a well-formed form.
 */
export async function readBoundedForm(request: Request, limit = MAX_FORM_BYTES): Promise<URLSearchParams | undefined> {
  const type = request.headers.get('content-type') ?? ''
  const urlencoded = type.startsWith('application/x-www-form-urlencoded')
  if (!urlencoded && !type.startsWith('multipart/form-data')) return undefined
  const body = await readBoundedBody(request, limit)
  if (urlencoded) return new URLSearchParams(new TextDecoder().decode(body))
  let form: FormData
  try {
    // Parsing what is already in memory (and within the limit) is bounded by it.
    form = await new Response(body, { headers: { 'content-type': type } }).formData()
  } catch (error) {
    throw new InvalidRequestError('The form is malformed', { cause: error })
  }
  const params = new URLSearchParams()
  for (const [key, value] of form) if (typeof value === 'string') params.append(key, value)
  return params
}
