/**
 * @module URL rules the whole package shares: which hosts are loopback, what a valid `Host` looks
 * like, and the origin an app is served on.
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/** True for `localhost`, `127.0.0.1` and `[::1]` on any port and scheme. */
export function isLoopback(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname)
}

// A host name, IPv4, or bracketed IPv6, with an optional port. Anything else in a Host or
// X-Forwarded-Host header could smuggle a path or credentials into the URLs we build from it.
const HOST = /^[A-Za-z0-9.\-:[\]]+$/

/**
 * True when `host` (a `Host` or `X-Forwarded-Host` value) is a bare `host[:port]`, safe to put
 * into a URL's authority: the one Host check the core and the adapters share.
 *
 * @example
 * ```ts
 * isValidHost('app.example.com:8443') // true
 * isValidHost('evil.example/@app') // false
 * ```
 */
export function isValidHost(host: string): boolean {
  return HOST.test(host)
}

/** Where the app's origin comes from: the configured base URL, else each request. */
export interface AppOriginSettings {
  appBaseUrl: URL | undefined
  /** Honour `X-Forwarded-Proto` / `X-Forwarded-Host`, which any client can send otherwise. */
  trustProxy: boolean
}

/**
 * The origin the app is served on for this request: `appBaseUrl` when configured, else the
 * request's own origin (behind a trusted proxy, the forwarded one).
 */
export function appOrigin(settings: AppOriginSettings, request: Request): URL {
  if (settings.appBaseUrl) return settings.appBaseUrl
  const url = new URL(request.url)
  if (!settings.trustProxy) return new URL(url.origin)
  const proto = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim()
  const host = request.headers.get('x-forwarded-host')?.split(',')[0]?.trim()
  const scheme = proto === 'http' || proto === 'https' ? proto : url.protocol.slice(0, -1)
  // Built afresh, not by setting url.host: that setter keeps the internal port (`:3000`) when the
  // forwarded host has none, which would put the proxy's backend port into every redirect_uri.
  const authority = host && isValidHost(host) ? host : url.host
  return new URL(`${scheme}://${authority}`)
}
