import type { Auth } from '../../core/index.js'
import type { Auth0Emulator } from '../../testing/index.js'

type AppHandler = (request: Request) => Promise<Response>

/** A response with the URL it answered, as a browser would record it. */
export interface Visit {
  url: URL
  response: Response
}

/** The cookie name of one `Set-Cookie` value. */
export function setCookieName(setCookie: string): string {
  return setCookie.slice(0, setCookie.indexOf('=')).trim()
}

/**
 * What both test browsers share: a cookie jar for the app origin (honouring `Max-Age=0` and past
 * `Expires` deletions), the headers a browser adds, and navigation that follows redirects across
 * the app and the tenant. Subclasses only say how one request travels.
 */
export abstract class BrowserBase {
  readonly cookies = new Map<string, string>()
  readonly visits: Visit[] = []
  readonly appOrigin: string

  constructor(appOrigin: string) {
    this.appOrigin = new URL(appOrigin).origin
  }

  /** Delivers one request; `toApp` says whether it goes to the app (or to the tenant). */
  protected abstract transport(request: Request, toApp: boolean): Promise<Response>

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  /** Stores each Set-Cookie: `Max-Age=0` or a past `Expires` deletes, anything else sets. */
  store(response: Response): void {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = cookie.split(';')
      const name = setCookieName(pair)
      const value = pair.slice(pair.indexOf('=') + 1).trim()
      const expired = attributes.some((attribute) => {
        const [key = '', ...rest] = attribute.split('=')
        const attributeValue = rest.join('=').trim()
        if (/^\s*max-age\s*$/i.test(key)) return Number(attributeValue) <= 0
        if (/^\s*expires\s*$/i.test(key)) return Date.parse(attributeValue) <= Date.now()
        return false
      })
      if (expired) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  /** Builds a request as a browser would: the jar's cookies for the app, `Sec-Fetch-Site`, `Origin`. */
  request(url: string | URL, init: RequestInit = {}): Request {
    const target = new URL(url, this.appOrigin)
    const headers = new Headers(init.headers)
    if (target.origin === this.appOrigin && this.cookies.size > 0) headers.set('cookie', this.cookieHeader())
    if (!headers.has('sec-fetch-site')) headers.set('sec-fetch-site', 'same-origin')
    const method = (init.method ?? 'GET').toUpperCase()
    // Browsers send Origin on every non-GET/HEAD request, naming the page that made it.
    if (method !== 'GET' && method !== 'HEAD' && !headers.has('origin') && headers.get('sec-fetch-site') === 'same-origin') {
      headers.set('origin', target.origin)
    }
    return new Request(target, { ...init, headers })
  }

  /** Sends one request (no redirect following); app responses update the jar. */
  async send(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const request = this.request(url, init)
    const target = new URL(request.url)
    const toApp = target.origin === this.appOrigin
    const response = await this.transport(request, toApp)
    if (toApp) this.store(response)
    this.visits.push({ url: target, response })
    return response
  }

  /** Navigates like a browser: follows up to `maxRedirects` redirects across app and tenant. */
  async navigate(url: string | URL, init: RequestInit = {}, maxRedirects = 10): Promise<Visit> {
    let current = new URL(url, this.appOrigin)
    let response = await this.send(current, init)
    let crossedSites = false
    for (let hops = 0; response.status >= 300 && response.status < 400; hops++) {
      if (hops >= maxRedirects) throw new Error(`too many redirects, last ${current.href}`)
      const location = response.headers.get('location')
      if (!location) break
      await response.body?.cancel()
      const next = new URL(location, current)
      // Browsers mark a whole redirect chain cross-site once any hop left the origin (the tenant
      // and the app are different sites in production, even where both are 127.0.0.1 here).
      crossedSites ||= next.origin !== current.origin
      current = next
      response = await this.send(current, { headers: { 'sec-fetch-site': crossedSites ? 'cross-site' : 'same-origin' } })
    }
    return { url: current, response }
  }

  /** The visits whose URL path is `pathname`, oldest first. */
  visitsTo(pathname: string): Visit[] {
    return this.visits.filter((visit) => visit.url.pathname === pathname)
  }
}

/**
 * A browser for handler tests, all in process: app requests go to the auth handlers (then `app`),
 * tenant requests to the emulator.
 */
export class TestBrowser extends BrowserBase {
  readonly #auth: Auth<unknown>
  readonly #emulator: Auth0Emulator
  readonly #app: AppHandler

  constructor(options: { auth: Auth<unknown>; emulator: Auth0Emulator; appOrigin: string; app?: AppHandler }) {
    super(options.appOrigin)
    this.#auth = options.auth
    this.#emulator = options.emulator
    this.#app = options.app ?? (async () => new Response('app page', { status: 200 }))
  }

  protected async transport(request: Request, toApp: boolean): Promise<Response> {
    if (!toApp && new URL(request.url).origin === this.#emulator.origin) return this.#emulator.handle(request)
    return (await this.#auth.handler(request)) ?? (await this.#app(request))
  }
}
