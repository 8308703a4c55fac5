/**
 * One benchmark "browser": the cookies it holds for the app, and requests that carry them.
 * (test/support's TestBrowser is bound to our `Auth`; this one serves both libraries.)
 */
export class BrowserJar {
  readonly cookies = new Map<string, string>()

  /** Applies each `Set-Cookie`: `Max-Age=0` deletes, anything else sets. */
  store(headers: Headers): this {
    for (const cookie of headers.getSetCookie()) {
      const [pair = '', ...attributes] = cookie.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      if (attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute))) this.cookies.delete(name)
      else this.cookies.set(name, pair.slice(eq + 1).trim())
    }
    return this
  }

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  /** The size the browser sends on every request: what a chunked session costs on the wire. */
  cookieBytes(prefix: string): number {
    let bytes = 0
    for (const [name, value] of this.cookies) if (name.startsWith(prefix)) bytes += name.length + 1 + value.length
    return bytes
  }

  request(url: string | URL): Request {
    const headers = new Headers({ 'sec-fetch-site': 'same-origin' })
    if (this.cookies.size > 0) headers.set('cookie', this.cookieHeader())
    return new Request(url, { headers })
  }

  clone(): BrowserJar {
    const copy = new BrowserJar()
    for (const [name, value] of this.cookies) copy.cookies.set(name, value)
    return copy
  }
}
