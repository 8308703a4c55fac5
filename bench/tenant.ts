import { createHash } from 'node:crypto'
import { base64url, calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose'
import { type Auth0Emulator, createAuth0Emulator } from '../testing/index.js'

interface SigningKey {
  kid: string
  privateKey: CryptoKey
  jwk: Record<string, unknown>
}

interface PreparedExchange {
  redirectUri: string
  codeChallenge: string
  body: string
}

/** The claim the kit's post-login Action confirms a link or unlink with (core/flows/link-complete.ts). */
const LINKING_CLAIM = 'https://auth0-link-kit.dev/linking'

const USER = { sub: 'auth0|alice', name: 'Alice Example', nickname: 'alice', email: 'alice@example.com', email_verified: true }
const PICTURE = 'https://s.gravatar.com/avatar/c160f8cc69a4f0bf2b0362752353d060?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2Fal.png'

interface TokenRequest {
  form: URLSearchParams
  authorization: string | null
}

/**
 * The token request's form and `Authorization` header. Both libraries call fetch through
 * oauth4webapi with a `URLSearchParams` body and a plain headers object, which are read as they
 * are; a `Request` is built only for anything else. (Like the synchronous SHA-256 of the PKCE
 * check, this keeps the tenant's own cost per exchange small and the same for both libraries.)
 */
async function tokenRequest(input: RequestInfo | URL, init: RequestInit | undefined): Promise<TokenRequest> {
  const body = init?.body
  const headers = init?.headers
  if (body instanceof URLSearchParams && headers !== undefined && !(input instanceof Request)) {
    const authorization =
      headers instanceof Headers
        ? headers.get('authorization')
        : Array.isArray(headers)
          ? (headers.find(([name]) => name.toLowerCase() === 'authorization')?.[1] ?? null)
          : (Object.entries(headers).find(([name]) => name.toLowerCase() === 'authorization')?.[1] ?? null)
    return { form: body, authorization }
  }
  const request = new Request(input, init)
  return { form: new URLSearchParams(await request.text()), authorization: request.headers.get('authorization') }
}

function randomToken(bytes: number): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(bytes)))
}

/**
 * The Auth0 both libraries talk to during the benchmark: the project's emulator (discovery and
 * JWKS, served through its `fetch`), with the token endpoint's signing moved out of the timed
 * region. The emulator signs two RS256 tokens per code exchange (≈ 2 ms here) and remembers every
 * authorize request and refresh token; a real tenant does that work on Auth0's machines, and here
 * it would add the same fixed cost to both libraries and grow the heap the memory test watches.
 *
 * So {@link BenchTenant.authorize} answers a library's `/authorize` URL (untimed) with a code and
 * signs that callback's ID token (RS256, the library's `nonce`) with a tenant key published in the
 * JWKS next to the emulator's; the token endpoint then replays it, after checking what Auth0
 * checks: client credentials, a code used once, the same `redirect_uri`, and the PKCE verifier
 * against the library's own challenge. The access token is a signed JWT and the refresh token has
 * Auth0's length, so the session cookie has a realistic size.
 */
export class BenchTenant {
  readonly emulator: Auth0Emulator
  readonly #prepared = new Map<string, PreparedExchange>()
  /** Refresh token → the answer to its one refresh, signed ahead (untimed) like the code exchanges'. */
  readonly #refreshes = new Map<string, string>()
  /** Every refresh token issued: the My Account API token and Token Vault answer only these. */
  readonly #issuedRefreshTokens = new Set<string>()
  /** The My Account API token handed out (opaque to the library, as Auth0's is to an app). */
  readonly #myAccountToken = randomToken(48)
  readonly #tokenEndpoint: string
  readonly #jwksUri: string
  readonly #key: SigningKey
  readonly #accessToken: string

  private constructor(emulator: Auth0Emulator, key: SigningKey, accessToken: string) {
    this.emulator = emulator
    this.#tokenEndpoint = `${emulator.origin}/oauth/token`
    this.#jwksUri = `${emulator.origin}/.well-known/jwks.json`
    this.#key = key
    this.#accessToken = accessToken
  }

  static async create(): Promise<BenchTenant> {
    const emulator = await createAuth0Emulator()
    const { privateKey, publicKey } = await generateKeyPair('RS256')
    const jwk = await exportJWK(publicKey)
    const kid = await calculateJwkThumbprint(jwk)
    const now = Math.floor(Date.now() / 1000)
    const accessToken = await new SignJWT({
      scope: 'openid profile email offline_access',
      azp: emulator.clientId,
      permissions: ['read:profile', 'read:linked-accounts'],
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid })
      .setIssuer(emulator.issuer)
      .setSubject(USER.sub)
      .setAudience([`${emulator.origin}/userinfo`])
      .setIssuedAt(now)
      .setExpirationTime(now + 86_400)
      .sign(privateKey)
    return new BenchTenant(emulator, { kid, privateKey, jwk: { ...jwk, kid, use: 'sig', alg: 'RS256' } }, accessToken)
  }

  /** Pass as `fetch` (ours) or `customFetch` (auth0-server-js). */
  readonly fetch: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    if (url === this.#tokenEndpoint) return this.#replayToken(await tokenRequest(input, init))
    if (url === `${this.emulator.origin}/me/v1/connected-accounts/connect`) return this.#connectRequest(init)
    const response = await this.emulator.fetch(input, init)
    if (url !== this.#jwksUri || !response.ok) return response
    // Auth0 publishes its next key beside the current one; ours is that second key.
    const jwks = (await response.json()) as { keys: unknown[] }
    return Response.json({ keys: [...jwks.keys, this.#key.jwk] })
  }

  /**
   * What the browser's trip to `/authorize` produces: the callback URL with `code` and `state`.
   * Untimed: the ID token for this exchange is signed here, carrying the library's `nonce`.
   */
  async authorize(authorizeUrl: URL, options: { accessTokenLifetime?: number } = {}): Promise<URL> {
    const params = authorizeUrl.searchParams
    const redirectUri = params.get('redirect_uri')
    const codeChallenge = params.get('code_challenge')
    if (!redirectUri || !codeChallenge || params.get('code_challenge_method') !== 'S256') {
      throw new Error(`not a PKCE authorize URL: ${authorizeUrl.href}`)
    }
    const nonce = params.get('nonce')
    // A link or unlink (scope link_account / unlink_account): the confirmation the kit's post-login
    // Action (tenant/actions/account-linking.js) puts in the ID token once it has applied it.
    const scopes = (params.get('scope') ?? '').split(' ')
    const op = scopes.includes('link_account') ? 'link' : scopes.includes('unlink_account') ? 'unlink' : undefined
    const connection = params.get('requested_connection')
    const linking = op && connection ? { [LINKING_CLAIM]: { op, connection, provider: connection, user_id: '1234567' } } : {}
    const idToken = await this.#idToken(nonce, linking)
    const refreshToken = randomToken(32)
    this.#issuedRefreshTokens.add(refreshToken)
    const expiresIn = options.accessTokenLifetime ?? 86_400
    const body = JSON.stringify({
      access_token: this.#accessToken,
      id_token: idToken,
      refresh_token: refreshToken,
      scope: params.get('scope') ?? 'openid',
      expires_in: expiresIn,
      token_type: 'Bearer',
    })
    // A session born expired is one a refresh is measured on: sign that refresh's answer now.
    if (expiresIn === 0) {
      this.#refreshes.set(
        refreshToken,
        JSON.stringify({
          access_token: this.#accessToken,
          id_token: await this.#idToken(null),
          refresh_token: randomToken(32),
          scope: params.get('scope') ?? 'openid',
          expires_in: 86_400,
          token_type: 'Bearer',
        }),
      )
    }
    const code = randomToken(24)
    this.#prepared.set(code, { redirectUri, codeChallenge, body })
    const callback = new URL(redirectUri)
    callback.searchParams.set('code', code)
    const state = params.get('state')
    if (state) callback.searchParams.set('state', state)
    return callback
  }

  #idToken(nonce: string | null, extra: Record<string, unknown> = {}): Promise<string> {
    const { emulator } = this
    const now = Math.floor(Date.now() / 1000)
    return new SignJWT({
      ...USER,
      picture: PICTURE,
      updated_at: '2026-01-01T00:00:00.000Z',
      sid: randomToken(16),
      auth_time: now,
      ...(nonce ? { nonce } : {}),
      ...extra,
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.#key.kid })
      .setIssuer(emulator.issuer)
      .setAudience(emulator.clientId)
      .setIssuedAt(now)
      .setExpirationTime(now + 36_000)
      .sign(this.#key.privateKey)
  }

  /** `POST /me/v1/connected-accounts/connect`: a ticket, after checking the bearer is the My Account API token. */
  async #connectRequest(init: RequestInit | undefined): Promise<Response> {
    const headers = new Headers(init?.headers)
    if (headers.get('authorization') !== `Bearer ${this.#myAccountToken}`) return new Response(null, { status: 401 })
    const body = JSON.parse(String(init?.body)) as { state?: string }
    if (!body.state) return new Response(null, { status: 400 })
    return Response.json(
      {
        auth_session: randomToken(24),
        connect_uri: `${this.emulator.origin}/connected-accounts/connect`,
        connect_params: { ticket: randomToken(24) },
        expires_in: 300,
      },
      { status: 201 },
    )
  }

  async #replayToken({ form, authorization: basic }: TokenRequest): Promise<Response> {
    const { emulator } = this
    const [id, secret] = basic
      ? atob(basic.replace(/^basic\s+/i, ''))
          .split(':')
          .map((part) => decodeURIComponent(part.replace(/\+/g, ' ')))
      : [form.get('client_id'), form.get('client_secret')]
    if (id !== emulator.clientId || secret !== emulator.clientSecret) return oauthError(401, 'invalid_client')
    // The My Account API token through Auth0's multi-resource refresh, and Token Vault's exchange:
    // canned answers for tokens this tenant issued, as cheap as a replayed code exchange.
    if (form.get('grant_type') === 'refresh_token' && form.get('audience') === `${emulator.origin}/me/`) {
      if (!this.#issuedRefreshTokens.has(form.get('refresh_token') ?? '')) return oauthError(403, 'invalid_grant')
      return Response.json({
        access_token: this.#myAccountToken,
        scope: form.get('scope') ?? '',
        expires_in: 600,
        token_type: 'Bearer',
      })
    }
    if (form.get('grant_type') === TOKEN_VAULT_GRANT) {
      if (!this.#issuedRefreshTokens.has(form.get('subject_token') ?? '')) return oauthError(403, 'invalid_grant')
      return Response.json({
        access_token: PROVIDER_TOKEN,
        issued_token_type: 'http://auth0.com/oauth/token-type/federated-connection-access-token',
        scope: 'openid https://www.googleapis.com/auth/calendar.readonly',
        expires_in: 3600,
        token_type: 'Bearer',
      })
    }
    if (form.get('grant_type') === 'refresh_token') {
      const refreshToken = form.get('refresh_token') ?? ''
      const answer = this.#refreshes.get(refreshToken)
      this.#refreshes.delete(refreshToken)
      if (!answer) return oauthError(403, 'invalid_grant')
      return new Response(answer, { headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } })
    }
    if (form.get('grant_type') !== 'authorization_code') return oauthError(400, 'unsupported_grant_type')
    const code = form.get('code') ?? ''
    const prepared = this.#prepared.get(code)
    this.#prepared.delete(code)
    if (!prepared || form.get('redirect_uri') !== prepared.redirectUri) return oauthError(400, 'invalid_grant')
    const verifier = form.get('code_verifier')
    if (!verifier || createHash('sha256').update(verifier).digest('base64url') !== prepared.codeChallenge) {
      return oauthError(400, 'invalid_grant')
    }
    return new Response(prepared.body, { headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } })
  }
}

const TOKEN_VAULT_GRANT = 'urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token'
const PROVIDER_TOKEN = `ya29.${'p'.repeat(180)}`

function oauthError(status: number, error: string): Response {
  return new Response(JSON.stringify({ error }), { status, headers: { 'content-type': 'application/json' } })
}
