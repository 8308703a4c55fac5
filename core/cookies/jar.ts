/**
 * @module Cookie chunking: a value split over numbered cookies under the browsers' 4096-byte limit, and
 * put back together on read.
 */

import type { StoreConfig, StoreOptions } from '../stores.js'
import { appOrigin, isLoopback } from '../urls.js'
import type { CookieOptions } from './cookie-options.js'
import { COOKIE_NAME, parseCookieHeader, serializeCookie } from './header.js'

/** Browsers cap a cookie at 4096 bytes including name and attributes; this leaves room for both. */
export const CHUNK_SIZE = 3500

/**
 * What all of the kit's cookies together may add to one browser's `Cookie` header. Node answers
 * 431 past 16 KB and nginx's default buffer is 8 KB; one app's auth must never get near either.
 */
export const KIT_COOKIE_BUDGET = 8 * 1024

/** A chunk suffix is digits only: `Number(' 1')` and `Number('1e0')` are 1 too. */
const CHUNK_INDEX = /^\d+$/

/**
 * The `__Host-` form of a default cookie name (`__session` → `__Host-session`). Browsers accept
 * a `__Host-` cookie only Secure, with `Path=/` and without `Domain`, so a sibling subdomain or a
 * plain-http page cannot plant or overwrite one (cookie tossing).
 *
 * @see [RFC 6265bis §4.1.3.2 - The "__Host-" Prefix](https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#section-4.1.3.2)
 */
export function hostPrefixed(name: string): string {
  return `__Host-${name.replace(/^_+/, '')}`
}

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
 * `name.0`, `name.1`, … and deleting the chunks a shorter value no longer needs. The chunked
 * methods take the base name and apply {@link CookieJar.name}; `get`/`set`/`delete` take the
 * cookie's full name.
 */
export class CookieJar {
  readonly #cookies: Map<string, string>
  readonly #headers: Headers
  readonly #secure: boolean
  readonly #options: CookieOptions
  readonly #hostPrefix: boolean

  /**
   * `hostPrefix`: the names given to this jar are defaults that take the `__Host-` prefix
   * whenever the cookie can carry it (Secure, no `Domain`); see {@link name}.
   */
  constructor(config: StoreConfig, storeOptions: StoreOptions, options: CookieOptions, hostPrefix = false) {
    this.#cookies = requestCookies(storeOptions.request)
    this.#headers = storeOptions.response.headers
    this.#options = options
    const origin = appOrigin(config, storeOptions.request)
    // Plain-http localhost is the one place a browser would drop a Secure cookie we need.
    this.#secure = options.secure ?? !(origin.protocol === 'http:' && isLoopback(origin))
    this.#hostPrefix = hostPrefix && this.#secure && !options.domain
  }

  /** The name a cookie called `base` has in this jar: `__Host-` prefixed when it can be. */
  name(base: string): string {
    return this.#hostPrefix ? hostPrefixed(base) : base
  }

  /** Bytes `base`'s cookies (the whole value or its chunks) add to the request's `Cookie` header. */
  chunkedBytes(base: string): number {
    const name = this.name(base)
    let bytes = 0
    for (const [existing, value] of this.#cookies) {
      if (existing === name || isChunkOf(existing, name)) bytes += cookieBytes(existing, value)
    }
    return bytes
  }

  names(): IterableIterator<string> {
    return this.#cookies.keys()
  }

  get(name: string): string | undefined {
    return this.#cookies.get(name)
  }

  /**
   * Joins `name.0`, `name.1`, … (`name` being `base`, prefixed when it can be) in order or,
   * when there is no `name.0`, reads `name`. We never
   * leave both behind (each write deletes the other form), so when both arrive one was planted:
   * an unchunked `name` from elsewhere must not win over the chunk set we wrote, wherever it
   * sits in the header.
   */
  getChunked(base: string): string | undefined {
    const name = this.name(base)
    let value = ''
    // Bounded by the header: every chunk read is a distinct cookie of the request.
    for (let i = 0; i <= this.#cookies.size; i++) {
      const chunk = this.#cookies.get(`${name}.${i}`)
      if (chunk === undefined) return i === 0 ? this.#cookies.get(name) : value
      value += chunk
    }
    return undefined
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

  /** Expires `name`; a name no cookie of ours could have is left alone rather than thrown on. */
  delete(name: string): void {
    if (COOKIE_NAME.test(name)) this.set(name, '', 0)
  }

  setChunked(base: string, value: string, maxAge: number): void {
    const name = this.name(base)
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

  deleteChunked(base: string): void {
    const name = this.name(base)
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
      return cookieName === name || isChunkOf(cookieName, name)
    }
    if (!written.some(ours)) return
    this.#headers.delete('set-cookie')
    for (const cookie of written) if (!ours(cookie)) this.#headers.append('set-cookie', cookie)
  }

  #deleteChunksFrom(name: string, first: number): void {
    for (const existing of this.#cookies.keys()) {
      if (isChunkOf(existing, name) && Number(existing.slice(name.length + 1)) >= first) this.delete(existing)
    }
  }
}

/** `cookieName` is `name.<digits>`. */
function isChunkOf(cookieName: string, name: string): boolean {
  return cookieName.length > name.length + 1 && cookieName.startsWith(`${name}.`) && CHUNK_INDEX.test(cookieName.slice(name.length + 1))
}

/** What one cookie adds to a `Cookie` header: `name=value` and the `; ` separating it. */
export function cookieBytes(name: string, value: string): number {
  // Names are tokens and values cookie-octets (both ASCII), so characters are bytes.
  return name.length + 1 + value.length + 2
}
