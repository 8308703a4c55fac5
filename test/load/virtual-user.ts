/**
 * One simulated browser over real HTTP: a cookie jar for the app origin and navigation that
 * follows redirects between the app and the tenant. Unlike the runtime harness's browser it
 * keeps no history, so ten thousand requests cost no test-side memory.
 */
export class VirtualUser {
  readonly cookies = new Map<string, string>()
  requests = 0

  constructor(
    readonly appOrigin: string,
    readonly tenantOrigin: string,
    /** Added to every `/authorize` URL: the user typing their address on the tenant's login page. */
    readonly loginHint: string,
  ) {}

  #store(response: Response): void {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = cookie.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute))
      if (expired) this.cookies.delete(name)
      else this.cookies.set(name, pair.slice(eq + 1).trim())
    }
  }

  async send(url: URL, siteOfChain: 'same-origin' | 'cross-site'): Promise<Response> {
    const headers = new Headers({ accept: 'application/json', 'sec-fetch-site': siteOfChain })
    const toApp = url.origin === this.appOrigin
    if (toApp && this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '))
    this.requests++
    const response = await fetch(url, { headers, redirect: 'manual' })
    if (toApp) this.#store(response)
    return response
  }

  /** Follows redirects like a browser; resolves with the last URL and its response (body unread). */
  async navigate(path: string): Promise<{ url: URL; response: Response }> {
    let url = new URL(path, this.appOrigin)
    let site: 'same-origin' | 'cross-site' = 'same-origin'
    let response = await this.send(url, site)
    for (let hops = 0; response.status >= 300 && response.status < 400; hops++) {
      if (hops > 10) throw new Error(`too many redirects at ${url.href}`)
      await response.body?.cancel()
      const next = new URL(response.headers.get('location')!, url)
      if (next.origin !== url.origin) site = 'cross-site'
      if (next.origin === this.tenantOrigin && next.pathname === '/authorize') next.searchParams.set('login_hint', this.loginHint)
      url = next
      response = await this.send(url, site)
    }
    return { url, response }
  }
}
