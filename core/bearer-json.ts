/**
 * @module One JSON call with a bearer token to an Auth0 API (the Management API, the My Account
 * API): our fetch and timeout, no redirects followed, a bounded body, and every failure typed by
 * the API's own error class.
 */

import type { Auth0LinkKitError } from './errors.js'
import { isAbort } from './http.js'
import type { Tenant } from './tenant.js'
import type { UpstreamErrorClass } from './upstream-failure.js'

/** A larger answer than any these APIs document is refused before it is parsed. */
const MAX_BODY_CHARS = 1024 * 1024

/** One request to a bearer-token JSON API. */
export interface BearerJsonRequest {
  /** Names the API in messages and timeouts ("The Management API"). */
  what: string
  method: 'GET' | 'POST' | 'DELETE' | 'PATCH'
  url: URL
  token: string
  /** Sent as JSON when given. */
  body?: unknown
  signal: AbortSignal | undefined
  /** The API's error class, for an unreachable API, an unreadable answer and (by default) a refusal. */
  ErrorClass: UpstreamErrorClass
  /**
   * Turns a refusal (any status but 2xx) into the error to throw; `detail` is the API's own
   * explanation, bounded and safe to show. Default: `<what> answered <status>: <detail>`.
   */
  refusal?: (status: number, detail: string | undefined) => Auth0LinkKitError
}

/**
 * The explanation in an Auth0 API error body, bounded: the Management API sends
 * `{ statusCode, error, message }`, the My Account API problem documents (RFC 9457) with
 * `detail` or `title`. Safe to report: these are Auth0's words about the request, never a token.
 */
export function errorDetail(text: string): string | undefined {
  try {
    const body: unknown = JSON.parse(text)
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined
    const { message, detail, title } = body as Record<string, unknown>
    const found = [message, detail, title].find((value): value is string => typeof value === 'string' && value !== '')
    return found?.slice(0, 200)
  } catch {
    return undefined
  }
}

/**
 * Sends one request and resolves the parsed JSON body (`undefined` for a 204 or an empty body).
 *
 * @throws the `ErrorClass` (or what `refusal` returns) when the API refuses, cannot be reached,
 *   or answers with an unreadable, oversized or non-JSON body.
 * @throws {TimeoutError} when the API did not answer within `httpTimeout` or `signal` aborted.
 */
export async function bearerJson(tenant: Tenant, request: BearerJsonRequest): Promise<unknown> {
  const { what, method, url, token, body, ErrorClass } = request
  return tenant.call(what, request.signal, async (options) => {
    let response: Response
    try {
      response = await tenant.http.fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: options.signal,
        redirect: 'manual',
      })
    } catch (error) {
      // callAuth0 turns an abort into TimeoutError
      if (isAbort(error)) throw error
      throw new ErrorClass(`${what} could not be reached`, { cause: error })
    }
    let text: string
    try {
      text = await response.text()
    } catch (error) {
      if (isAbort(error)) throw error
      throw new ErrorClass(`${what} answer could not be read`, { cause: error, upstreamStatus: response.status })
    }
    if (!response.ok) {
      const detail = errorDetail(text)
      if (request.refusal) throw request.refusal(response.status, detail)
      throw new ErrorClass(`${what} answered ${response.status}${detail ? `: ${detail}` : ''}`, { upstreamStatus: response.status })
    }
    if (response.status === 204 || text === '') return undefined
    if (text.length > MAX_BODY_CHARS) throw new ErrorClass(`${what} answer is too large`, { upstreamStatus: response.status })
    try {
      return JSON.parse(text) as unknown
    } catch (error) {
      throw new ErrorClass(`${what} answered with invalid JSON`, { cause: error, upstreamStatus: response.status })
    }
  })
}
