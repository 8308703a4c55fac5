/**
 * @module Cookie chunking: a value split over numbered cookies under the browsers' 4096-byte limit, and
 * put back together on read.
 */

import type { StoreConfig, StoreOptions } from '../stores.js'
import { appOrigin, isLoopback } from '../urls.js'
import type { CookieOptions } from './cookie-options.js'
import { parseCookieHeader, serializeCookie } from './header.js'

/** Browsers cap a cookie at 4096 bytes including name and attributes; this leaves room for both. */
export const CHUNK_SIZE = 3500

const parsedCookies = new WeakMap<Request, Map<string, string>>()

/** The request's cookies, parsed once per request however many stores read them. */
export function requestCookies(request: Request): Map<string, string> {
  let cookies = parsedCookies.get(request)
  if (!cookies) {
    cookies = parseCookieHeader(request.headers.get('cookie'))
    parsedCookies.set(request, cookies)
  }
  return cookies
}

/**
 * Reads and writes cookies for one request/response pair, splitting large values into
 * `name.0`, `name.1`, … and deleting the chunks a shorter value no longer needs.
 */
export class CookieJar {
  readonly #cookies: Map<string, string>
  readonly #headers: Headers
  readonly #secure: boolean
  readonly #options: CookieOptions

  constructor(config: StoreConfig, storeOptions: StoreOptions, options: CookieOptions) {
    this.#cookies = requestCookies(storeOptions.request)
    this.#headers = storeOptions.response.headers
    this.#options = options
    const origin = appOrigin(config, storeOptions.request)
    // Plain-http localhost is the one place a browser would drop a Secure cookie we need.
    this.#secure = options.secure ?? !(origin.protocol === 'http:' && isLoopback(origin))
  }

  names(): IterableIterator<string> {
    return this.#cookies.keys()
  }

  get(name: string): string | undefined {
    return this.#cookies.get(name)
  }

  /** Joins `name` or, when it is absent, `name.0`, `name.1`, … in order. */
  getChunked(name: string): string | undefined {
    const whole = this.#cookies.get(name)
    if (whole !== undefined) return whole
    let value = ''
    for (let i = 0; ; i++) {
      const chunk = this.#cookies.get(`${name}.${i}`)
      if (chunk === undefined) return i === 0 ? undefined : value
      value += chunk
    }
  }

  set(name: string, value: string, maxAge: number): void {
    this.#headers.append(
      'set-cookie',
      serializeCookie(name, value, {
        maxAge,
        secure: this.#secure,
        sameSite: this.#options.sameSite ?? 'Lax',
        ...(this.#options.domain ? { domain: this.#options.domain } : {}),
      }),
    )
  }

  delete(name: string): void {
    this.set(name, '', 0)
  }

  setChunked(name: string, value: string, maxAge: number): void {
    this.#dropEarlierWrites(name)
    const count = Math.ceil(value.length / CHUNK_SIZE)
    if (count <= 1) {
      this.set(name, value, maxAge)
    } else {
      for (let i = 0; i < count; i++) this.set(`${name}.${i}`, value.slice(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE), maxAge)
      if (this.#cookies.has(name)) this.delete(name)
    }
    this.#deleteChunksFrom(name, count <= 1 ? 0 : count)
  }

  deleteChunked(name: string): void {
    this.#dropEarlierWrites(name)
    if (this.#cookies.has(name)) this.delete(name)
    this.#deleteChunksFrom(name, 0)
  }

  /**
   * Forgets what this response already set for `name` and its chunks. A second write in one
   * response (a login's session, then the same session with a My Account API token) is computed
   * against the request's cookies like the first; left side by side, a whole `name` from the
   * first write would outlive the chunks of the second and be read back instead of them.
   */
  #dropEarlierWrites(name: string): void {
    const written = this.#headers.getSetCookie()
    const ours = (cookie: string) => {
      const cookieName = cookie.slice(0, cookie.indexOf('=')).trim()
      return cookieName === name || (cookieName.startsWith(`${name}.`) && /^\d+$/.test(cookieName.slice(name.length + 1)))
    }
    if (!written.some(ours)) return
    this.#headers.delete('set-cookie')
    for (const cookie of written) if (!ours(cookie)) this.#headers.append('set-cookie', cookie)
  }

  #deleteChunksFrom(name: string, first: number): void {
    const prefix = `${name}.`
    for (const existing of this.#cookies.keys()) {
      if (!existing.startsWith(prefix)) continue
      const index = Number(existing.slice(prefix.length))
      if (Number.isInteger(index) && index >= first) this.delete(existing)
    }
  }
}
