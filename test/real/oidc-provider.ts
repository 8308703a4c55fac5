// panva's certified OpenID provider (oidc-provider 8) on a loopback port, with its own keys, and a
// browser that signs in through its development interactions (login form, then consent form).
// The emulator is our own reading of the specs; this provider is someone else's.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, type JWK } from 'jose'
import Provider, { type ClientMetadata, type Configuration } from 'oidc-provider'
import type { Auth } from '../../core/index.js'
import { BrowserBase, setCookieName } from '../support/browser.js'

export const API_RESOURCE = 'https://api.example.test/'

export interface RunningProvider {
  /** `http://127.0.0.1:<port>/`, the issuer and what the app configures as its domain. */
  readonly issuer: string
  readonly provider: Provider
  /** Requests the provider answered, by path, oldest first. */
  readonly requests: Array<{ method: string; path: string; dpop: boolean }>
  stop(): Promise<void>
}

export interface ProviderSettings {
  clients: ClientMetadata[]
  /** DPoP with a server nonce on every token request (RFC 9449 §8). */
  dpopNonce?: boolean
  /** Seconds an access token lives, per client; default 600. */
  accessTokenTtl?: (clientId: string) => number
}

/**
 * Starts oidc-provider on 127.0.0.1, port 0, with a fresh RS256 signing key, PAR and DPoP on,
 * JWT access tokens for {@link API_RESOURCE} (so a test can read `cnf.jkt`), and refresh tokens.
 */
export async function startProvider(settings: ProviderSettings): Promise<RunningProvider> {
  const server: Server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const issuer = `http://127.0.0.1:${port}/`
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const signingKey: JWK = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'test-signing-key' }

  const configuration: Configuration = {
    clients: settings.clients,
    jwks: { keys: [signingKey] },
    cookies: { keys: ['a-cookie-signing-key-for-the-test-provider'] },
    pkce: { required: () => true },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    claims: { openid: ['sub'], email: ['email'], profile: ['name'] },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, email: `${sub}@example.test`, name: `User ${sub}` }),
    }),
    features: {
      devInteractions: { enabled: true },
      pushedAuthorizationRequests: { enabled: true },
      dPoP: {
        enabled: true,
        ...(settings.dpopNonce ? { nonceSecret: Buffer.from(crypto.getRandomValues(new Uint8Array(32))), requireNonce: () => true } : {}),
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: 'read:things', accessTokenFormat: 'jwt', audience: API_RESOURCE }),
      },
    },
    ttl: {
      AccessToken: (_ctx, _token, client) => settings.accessTokenTtl?.(client?.clientId ?? '') ?? 600,
      AuthorizationCode: 60,
      IdToken: 600,
      RefreshToken: 3600,
      Grant: 3600,
      Interaction: 600,
      Session: 3600,
    },
  }
  const provider = new Provider(issuer, configuration)
  const requests: RunningProvider['requests'] = []
  const callback = provider.callback()
  server.on('request', (request, response) => {
    requests.push({ method: request.method ?? '', path: (request.url ?? '').split('?')[0] ?? '', dpop: 'dpop' in request.headers })
    callback(request, response)
  })
  return {
    issuer,
    provider,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * A browser for an app (its handlers, in process) and a real provider (over HTTP), each origin
 * with its own cookies. `signIn` answers the provider's login and consent forms.
 */
export class ProviderBrowser extends BrowserBase {
  readonly #auth: Auth<unknown>
  readonly #providerOrigin: string
  readonly providerCookies = new Map<string, string>()

  constructor(auth: Auth<unknown>, appOrigin: string, issuer: string) {
    super(appOrigin)
    this.#auth = auth
    this.#providerOrigin = new URL(issuer).origin
  }

  protected async transport(request: Request, toApp: boolean): Promise<Response> {
    if (toApp) return (await this.#auth.handler(request)) ?? new Response('app page', { status: 200 })
    if (new URL(request.url).origin !== this.#providerOrigin) throw new Error(`unexpected request to ${request.url}`)
    const headers = new Headers(request.headers)
    headers.delete('sec-fetch-site')
    if (this.providerCookies.size > 0)
      headers.set('cookie', [...this.providerCookies].map(([name, value]) => `${name}=${value}`).join('; '))
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text()
    const response = await fetch(request.url, { method: request.method, headers, body, redirect: 'manual' })
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';')
      const name = setCookieName(pair)
      const value = pair.slice(pair.indexOf('=') + 1).trim()
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(cookie) || value === '') this.providerCookies.delete(name)
      else this.providerCookies.set(name, value)
    }
    return response
  }

  /**
   * Goes to `start` on the app and through the provider's forms (any login is accepted as the
   * account id; consent grants what was asked) until the browser is back on the app.
   */
  async signIn(start: string, login: string): Promise<URL> {
    let { url, response } = await this.navigate(start)
    // Two forms at most (login, consent); a third would be a loop.
    for (let form = 0; form < 3 && url.origin === this.#providerOrigin; form++) {
      const page = await response.text()
      const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1]
      if (!action) throw new Error(`no form on ${url.href}: ${page.slice(0, 300)}`)
      const fields = new URLSearchParams()
      for (const match of page.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) {
        fields.set(match[1] ?? '', match[2] ?? '')
      }
      if (fields.get('prompt') === 'login') {
        fields.set('login', login)
        fields.set('password', 'any')
      }
      ;({ url, response } = await this.navigateForm(new URL(action, url), fields))
    }
    if (url.origin === this.#providerOrigin) throw new Error(`still at the provider: ${url.href}`)
    return url
  }

  async navigateForm(url: URL, fields: URLSearchParams) {
    const response = await this.send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: fields.toString(),
    })
    const location = response.headers.get('location')
    if (response.status >= 300 && response.status < 400 && location) return this.navigate(new URL(location, url))
    return { url, response }
  }
}
