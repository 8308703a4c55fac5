import type { Auth } from '../../core/index.js'
import type { Auth0Emulator } from '../../testing/index.js'

type AppHandler = (request: Request) => Promise<Response>

/** A response with the URL it answered, as a browser would record it. */
export interface Visit {
  url: URL
  response: Response
}

/**
 * A minimal browser for handler tests: a cookie jar for the app origin (name → value, honouring
 * Max-Age=0 deletions) and navigation that follows redirects between the app (auth handlers,
 * then `app`) and the emulated tenant.
 */
export class TestBrowser {
  readonly cookies = new Map<string, string>()
  readonly visits: Visit[] = []
  readonly #auth: Auth<unknown>
  readonly #emulator: Auth0Emulator
  readonly #app: AppHandler
  readonly #appOrigin: string

  constructor(options: { auth: Auth<unknown>; emulator: Auth0Emulator; appOrigin: string; app?: AppHandler }) {
    this.#auth = options.auth
    this.#emulator = options.emulator
    this.#appOrigin = options.appOrigin
    this.#app = options.app ?? (async () => new Response('app page', { status: 200 }))
  }

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  /** Stores each Set-Cookie: an empty value with Max-Age=0 deletes, anything else sets. */
  store(response: Response): void {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = cookie.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute))
      if (expired) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  /** Builds a same-origin request carrying the jar's cookies. */
  request(url: string | URL, init: RequestInit = {}): Request {
    const target = new URL(url, this.#appOrigin)
    const headers = new Headers(init.headers)
    if (target.origin === this.#appOrigin && this.cookies.size > 0) headers.set('cookie', this.cookieHeader())
    if (!headers.has('sec-fetch-site')) headers.set('sec-fetch-site', 'same-origin')
    return new Request(target, { ...init, headers })
  }

  /** Sends one request (no redirect following) to whichever side owns the URL. */
  async send(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const request = this.request(url, init)
    const target = new URL(request.url)
    let response: Response
    if (target.origin === this.#emulator.origin) {
      response = await this.#emulator.handle(request)
    } else {
      response = (await this.#auth.handler(request)) ?? (await this.#app(request))
      this.store(response)
    }
    this.visits.push({ url: target, response })
    return response
  }

  /** Navigates like a browser: follows up to `maxRedirects` 302s across app and tenant. */
  async navigate(url: string | URL, init: RequestInit = {}, maxRedirects = 10): Promise<Visit> {
    let current = new URL(url, this.#appOrigin)
    let response = await this.send(current, init)
    let crossedSites = false
    for (let hops = 0; response.status >= 300 && response.status < 400; hops++) {
      if (hops >= maxRedirects) throw new Error(`too many redirects, last ${current.href}`)
      const location = response.headers.get('location')
      if (!location) break
      const next = new URL(location, current)
      // Browsers mark a whole redirect chain cross-site once any hop left the origin.
      crossedSites ||= next.origin !== current.origin
      current = next
      response = await this.send(current, { headers: { 'sec-fetch-site': crossedSites ? 'cross-site' : 'same-origin' } })
    }
    return { url: current, response }
  }
}
