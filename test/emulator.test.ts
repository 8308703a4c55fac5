import type { JSONWebKeySet, JWTPayload } from 'jose'
import { base64url, createLocalJWKSet, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose'
import { setupServer } from 'msw/node'
import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Auth0Emulator } from '../testing/index.js'
import { auth0Handlers, createAuth0Emulator } from '../testing/index.js'
import { exchangeCode, tokenRequest } from './support/token-endpoint.js'

const CALLBACK = 'https://app.example/auth/callback'
const LINK_SCOPE = 'openid link_account offline_access'

interface TokenResponse {
  access_token: string
  id_token?: string
  refresh_token?: string
  token_type: string
  expires_in: number
  scope: string
}

interface Authorization {
  code: string
  verifier: string
  nonce: string
  state: string
}

const random = () => base64url.encode(crypto.getRandomValues(new Uint8Array(32)))

async function s256(verifier: string): Promise<string> {
  return base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))))
}

async function authorizeRequest(emulator: Auth0Emulator, params: Record<string, string> = {}) {
  const verifier = random()
  const nonce = random()
  const state = random()
  const url = new URL('/authorize', emulator.origin)
  const query = {
    client_id: emulator.clientId,
    redirect_uri: CALLBACK,
    response_type: 'code',
    scope: 'openid profile email offline_access',
    code_challenge: await s256(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...params,
  }
  for (const [key, value] of Object.entries(query)) if (value !== '') url.searchParams.set(key, value)
  return { url, verifier, nonce, state }
}

/** Runs /authorize in 'auto' interaction and reads the callback it redirects to. */
async function authorize(emulator: Auth0Emulator, params: Record<string, string> = {}) {
  const { url, ...request } = await authorizeRequest(emulator, params)
  const response = await emulator.handle(new Request(url))
  expect(response.status).toBe(302)
  const callback = new URL(response.headers.get('location') ?? '')
  return { callback, ...request }
}

async function authorizeCode(emulator: Auth0Emulator, params: Record<string, string> = {}): Promise<Authorization> {
  const { callback, ...request } = await authorize(emulator, params)
  const code = callback.searchParams.get('code')
  if (!code) throw new Error(`no code in ${callback.href}`)
  expect(callback.searchParams.get('state')).toBe(request.state)
  return { code, ...request }
}

const exchange = (emulator: Auth0Emulator, code: string, verifier: string, redirectUri = CALLBACK) =>
  exchangeCode(emulator, code, verifier, redirectUri)

async function signIn(emulator: Auth0Emulator, params: Record<string, string> = {}) {
  const authorization = await authorizeCode(emulator, params)
  const response = await exchange(emulator, authorization.code, authorization.verifier)
  expect(response.status).toBe(200)
  return { ...authorization, tokens: (await response.json()) as TokenResponse }
}

async function verifyIdToken(emulator: Auth0Emulator, idToken: string): Promise<JWTPayload> {
  const jwks = (await (await emulator.fetch(`${emulator.origin}/.well-known/jwks.json`)).json()) as JSONWebKeySet
  const { payload } = await jwtVerify(idToken, createLocalJWKSet(jwks), { issuer: emulator.issuer, audience: emulator.clientId })
  return payload
}

const accountChange = async (emulator: Auth0Emulator, scope: string, connection: string, idTokenHint: string) =>
  authorize(emulator, { scope, requested_connection: connection, id_token_hint: idTokenHint })

const connectionsOf = (emulator: Auth0Emulator, userId: string) =>
  emulator.getUser(userId)?.identities.map((identity) => identity.connection)

let emulator: Auth0Emulator
beforeEach(async () => {
  emulator = await createAuth0Emulator()
})

describe('discovery and keys', () => {
  it('publishes Auth0-shaped discovery metadata', async () => {
    const response = await emulator.fetch(`${emulator.origin}/.well-known/openid-configuration`)
    expect(response.status).toBe(200)
    const metadata = (await response.json()) as Record<string, unknown>
    expect(emulator.issuer).toBe('https://tenant.auth0.test/')
    expect(emulator.domain).toBe('tenant.auth0.test')
    expect(metadata).toMatchObject({
      issuer: 'https://tenant.auth0.test/',
      authorization_endpoint: 'https://tenant.auth0.test/authorize',
      token_endpoint: 'https://tenant.auth0.test/oauth/token',
      jwks_uri: 'https://tenant.auth0.test/.well-known/jwks.json',
      userinfo_endpoint: 'https://tenant.auth0.test/userinfo',
      end_session_endpoint: 'https://tenant.auth0.test/oidc/logout',
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      backchannel_logout_supported: true,
    })
    expect(emulator.hits.discovery).toBe(1)
  })

  it('publishes one RS256 signing key with a kid', async () => {
    const { keys } = (await (await emulator.fetch(`${emulator.origin}/.well-known/jwks.json`)).json()) as JSONWebKeySet
    expect(keys).toHaveLength(1)
    expect(keys[0]).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256', kid: expect.any(String) })
    expect(keys[0]).not.toHaveProperty('d')
  })

  it('answers unknown paths with a 404 JSON error', async () => {
    const response = await emulator.handle(new Request(`${emulator.origin}/nope`))
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ error: 'not_found' })
  })

  it('rejects requests for other origins from emulator.fetch like a network failure', async () => {
    await expect(emulator.fetch('https://elsewhere.test/.well-known/openid-configuration')).rejects.toThrow(TypeError)
  })
})

describe('sign-in with the authorization code flow', () => {
  it('issues an ID token that verifies against the JWKS and carries the nonce and session id', async () => {
    const { tokens, nonce } = await signIn(emulator)
    const claims = await verifyIdToken(emulator, tokens.id_token ?? '')
    expect(claims).toMatchObject({
      sub: 'auth0|alice',
      email: 'alice@example.com',
      email_verified: true,
      nonce,
      sid: emulator.lastSid('auth0|alice'),
      updated_at: expect.any(String),
      auth_time: expect.any(Number),
    })
    expect(decodeProtectedHeader(tokens.id_token ?? '')).toMatchObject({ alg: 'RS256', kid: expect.any(String) })
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 86400, scope: 'openid profile email offline_access' })
    expect(tokens.refresh_token).toEqual(expect.any(String))
  })

  it('issues an access token for the requested audience and the userinfo endpoint', async () => {
    const { tokens } = await signIn(emulator, { audience: 'https://api.example/' })
    expect(decodeJwt(tokens.access_token)).toMatchObject({
      iss: emulator.issuer,
      sub: 'auth0|alice',
      azp: emulator.clientId,
      aud: ['https://api.example/', `${emulator.origin}/userinfo`],
    })
    const userinfo = await emulator.fetch(`${emulator.origin}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } })
    expect(await userinfo.json()).toMatchObject({ sub: 'auth0|alice', email: 'alice@example.com' })
    expect((await emulator.fetch(`${emulator.origin}/userinfo`)).status).toBe(401)
  })

  it('gives no refresh token without offline_access', async () => {
    const { tokens } = await signIn(emulator, { scope: 'openid profile' })
    expect(tokens.refresh_token).toBeUndefined()
  })

  it('signs in the login_hint user, by email or user_id, else the signInAs user', async () => {
    expect(decodeJwt((await signIn(emulator, { login_hint: 'bob@example.com' })).tokens.id_token ?? '').sub).toBe('auth0|bob')
    emulator.signInAs('auth0|bob')
    expect(decodeJwt((await signIn(emulator)).tokens.id_token ?? '').sub).toBe('auth0|bob')
    expect(decodeJwt((await signIn(emulator, { login_hint: 'auth0|alice' })).tokens.id_token ?? '').sub).toBe('auth0|alice')
    expect(() => emulator.signInAs('auth0|nobody')).toThrow(TypeError)
  })

  it('refuses a wrong PKCE code_verifier with invalid_grant', async () => {
    const { code } = await authorizeCode(emulator)
    const response = await exchange(emulator, code, random())
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' })
  })

  it('accepts a code only once', async () => {
    const { code, verifier } = await authorizeCode(emulator)
    expect((await exchange(emulator, code, verifier)).status).toBe(200)
    const replay = await exchange(emulator, code, verifier)
    expect(replay.status).toBe(400)
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' })
  })

  it('refuses a code redeemed with a different redirect_uri', async () => {
    const { code, verifier } = await authorizeCode(emulator)
    const response = await exchange(emulator, code, verifier, 'https://app.example/other')
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' })
  })

  it('authenticates the client with client_secret_basic and refuses a wrong secret with 401', async () => {
    const { code, verifier } = await authorizeCode(emulator)
    const form = { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: CALLBACK }
    const wrong = new Request(`${emulator.origin}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${btoa(`${emulator.clientId}:nope`)}` },
      body: new URLSearchParams(form),
    })
    const refused = await emulator.handle(wrong)
    expect(refused.status).toBe(401)
    expect(await refused.json()).toMatchObject({ error: 'invalid_client' })
    const { code: code2, verifier: verifier2 } = await authorizeCode(emulator)
    const basic = tokenRequest(emulator, { ...form, code: code2, code_verifier: verifier2 }, 'basic')
    expect((await emulator.handle(basic)).status).toBe(200)
  })

  it('refreshes tokens with the same refresh token, without a nonce', async () => {
    const { tokens } = await signIn(emulator)
    const response = await emulator.handle(
      tokenRequest(emulator, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token ?? '' }),
    )
    expect(response.status).toBe(200)
    const refreshed = (await response.json()) as TokenResponse
    const claims = await verifyIdToken(emulator, refreshed.id_token ?? '')
    expect(claims.sub).toBe('auth0|alice')
    expect(claims.nonce).toBeUndefined()
    expect(refreshed.refresh_token).toBeUndefined()
    const unknown = await emulator.handle(tokenRequest(emulator, { grant_type: 'refresh_token', refresh_token: 'nope' }))
    expect(await unknown.json()).toMatchObject({ error: 'invalid_grant' })
  })

  it('shows an error page, never a redirect, for an unknown client or a bad redirect_uri', async () => {
    const invalid: Array<Record<string, string>> = [
      { client_id: 'someone-else' },
      { redirect_uri: 'javascript:alert(1)' },
      { redirect_uri: '/relative' },
    ]
    for (const params of invalid) {
      const { url } = await authorizeRequest(emulator, params)
      const response = await emulator.handle(new Request(url))
      expect(response.status).toBe(400)
      expect(response.headers.get('location')).toBeNull()
      expect(response.headers.get('content-type')).toContain('text/html')
    }
  })

  it('redirects with invalid_request when PKCE is missing', async () => {
    const { callback, state } = await authorize(emulator, { code_challenge: '' })
    expect(callback.searchParams.get('error')).toBe('invalid_request')
    expect(callback.searchParams.get('state')).toBe(state)
    expect(callback.searchParams.get('code')).toBeNull()
  })
})

describe('account linking without an Action (as a real tenant)', () => {
  it('treats link_account and unlink_account as an ordinary login: nothing is linked or refused', async () => {
    const { tokens } = await signIn(emulator)
    const link = await accountChange(emulator, LINK_SCOPE, 'github', tokens.id_token ?? '')
    expect(link.callback.searchParams.get('code')).toEqual(expect.any(String))
    const unlink = await accountChange(emulator, 'openid unlink_account', 'Username-Password-Authentication', 'not-a-token')
    expect(unlink.callback.searchParams.get('code')).toEqual(expect.any(String))
    expect(connectionsOf(emulator, 'auth0|alice')).toEqual(['Username-Password-Authentication'])
  })
})

describe('signing in through a connection', () => {
  it('signs in as a new user with a provider account nobody owns, then as that user again', async () => {
    const { tokens } = await signIn(emulator, { connection: 'github', prompt: 'login', max_age: '0' })
    const claims = await verifyIdToken(emulator, tokens.id_token ?? '')
    expect(claims.sub).toBe('github|5550001')
    expect(claims.auth_time).toEqual(expect.any(Number))
    expect(emulator.getUser('github|5550001')?.identities).toEqual([
      { connection: 'github', provider: 'github', user_id: '5550001', isSocial: true },
    ])
    const again = await signIn(emulator, { connection: 'github', login_hint: '5550001' })
    expect(decodeJwt(again.tokens.id_token ?? '').sub).toBe('github|5550001')
  })

  it('yields the primary user when the identity is a linked secondary', async () => {
    const { tokens } = await signIn(emulator, { connection: 'github', login_hint: 'github|5550002' })
    expect(decodeJwt(tokens.id_token ?? '').sub).toBe('auth0|bob')
  })

  it('refuses a login_hint that names no account of the connection', async () => {
    const { callback } = await authorize(emulator, { connection: 'github', login_hint: 'nobody@example.com' })
    expect(callback.searchParams.get('error')).toBe('access_denied')
  })

  it('signs in the per-connection default account', async () => {
    const chosen = await createAuth0Emulator({ connectionDefaults: { github: '5550002' } })
    const { tokens } = await signIn(chosen, { connection: 'github' })
    expect(decodeJwt(tokens.id_token ?? '').sub).toBe('auth0|bob')
  })
})

describe('callback and logout URLs', () => {
  it('shows the Callback URL mismatch page, never a redirect, for a redirect_uri not in an exact list', async () => {
    const strict = await createAuth0Emulator({ callbacks: [CALLBACK] })
    const { url } = await authorizeRequest(strict, { redirect_uri: 'https://evil.example/cb' })
    const response = await strict.handle(new Request(url))
    expect(response.status).toBe(400)
    expect(response.headers.get('location')).toBeNull()
    expect(await response.text()).toContain('Callback URL mismatch')
    expect((await authorize(strict)).callback.searchParams.get('code')).toEqual(expect.any(String))
  })

  it('refuses a returnTo not in the Allowed Logout URLs with an error page', async () => {
    const strict = await createAuth0Emulator({ allowedLogoutUrls: ['https://app.example/'] })
    const refused = await strict.handle(
      new Request(`${strict.origin}/v2/logout?client_id=${strict.clientId}&returnTo=https://evil.example/`),
    )
    expect(refused.status).toBe(400)
    expect(refused.headers.get('location')).toBeNull()
    const allowed = await strict.handle(
      new Request(`${strict.origin}/v2/logout?client_id=${strict.clientId}&returnTo=https://app.example/`),
    )
    expect(allowed.headers.get('location')).toBe('https://app.example/')
  })
})

describe("'page' interaction", () => {
  let pages: Auth0Emulator
  beforeEach(async () => {
    pages = await createAuth0Emulator({
      interaction: 'page',
      users: [
        { user_id: 'auth0|alice', email: 'alice@example.com', name: 'Alice' },
        { user_id: 'auth0|mallory', email: 'mallory@example.com', name: '<script>alert("x")</script>' },
      ],
    })
  })

  const decision = (pendingId: string, fields: Record<string, string>) =>
    pages.handle(
      new Request(`${pages.origin}/authorize/decision`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ pending: pendingId, ...fields }),
      }),
    )

  async function page(params: Record<string, string> = {}) {
    const { url, ...request } = await authorizeRequest(pages, params)
    const response = await pages.handle(new Request(url))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/html')
    const html = await response.text()
    const pendingId = /name="pending" value="([^"]+)"/.exec(html)?.[1] ?? ''
    return { html, pendingId, ...request }
  }

  it('renders a sign-in page with every user, escaped', async () => {
    const { html } = await page()
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;')
    expect(html).not.toContain('<script>')
    expect(html).toContain('mallory@example.com')
    expect(html).toContain('action="/authorize/decision"')
  })

  it('redirects with a code for the chosen user once the form is posted, and only once', async () => {
    const { pendingId, state, verifier } = await page()
    const response = await decision(pendingId, { decision: 'approve', user_id: 'auth0|mallory' })
    expect(response.status).toBe(302)
    const callback = new URL(response.headers.get('location') ?? '')
    expect(callback.searchParams.get('state')).toBe(state)
    const tokens = (await (await exchange(pages, callback.searchParams.get('code') ?? '', verifier)).json()) as TokenResponse
    expect(decodeJwt(tokens.id_token ?? '').sub).toBe('auth0|mallory')
    expect((await decision(pendingId, { decision: 'approve', user_id: 'auth0|mallory' })).status).toBe(400)
  })

  it('lets the tester choose which GitHub account to sign in as, saying who owns each', async () => {
    const provider = await createAuth0Emulator({ interaction: 'page' })
    const { url, verifier } = await authorizeRequest(provider, { connection: 'github' })
    const html = await (await provider.handle(new Request(url))).text()
    expect(html).toContain('Sign in with GitHub')
    expect(html).toContain('linked to Bob Example (auth0|bob)')
    expect(html).toContain('not used with this tenant yet')
    const pendingId = /name="pending" value="([^"]+)"/.exec(html)?.[1] ?? ''
    const chosen = await provider.handle(
      new Request(`${provider.origin}/authorize/decision`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ pending: pendingId, decision: 'approve', account: '5550002' }),
      }),
    )
    const code = new URL(chosen.headers.get('location') ?? '').searchParams.get('code') ?? ''
    const tokens = (await (await exchange(provider, code, verifier)).json()) as TokenResponse
    expect(decodeJwt(tokens.id_token ?? '').sub).toBe('auth0|bob')
  })
})

describe('management API', () => {
  const managementToken = async () => {
    const response = await emulator.handle(
      tokenRequest(emulator, { grant_type: 'client_credentials', audience: `${emulator.origin}/api/v2/` }),
    )
    return ((await response.json()) as TokenResponse).access_token
  }
  const getUser = (userId: string, token?: string) =>
    emulator.fetch(
      `${emulator.origin}/api/v2/users/${encodeURIComponent(userId)}`,
      token ? { headers: { authorization: `Bearer ${token}` } } : {},
    )

  it('returns the user record with identities to a client-credentials token', async () => {
    const response = await getUser('auth0|alice', await managementToken())
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      user_id: 'auth0|alice',
      email: 'alice@example.com',
      identities: [{ connection: 'Username-Password-Authentication', provider: 'auth0', user_id: 'alice', isSocial: false }],
    })
  })

  it('answers 401 without a token or with a user access token, and 404 for an unknown user', async () => {
    expect((await getUser('auth0|alice')).status).toBe(401)
    expect((await getUser('auth0|alice', (await signIn(emulator)).tokens.access_token)).status).toBe(401)
    expect((await getUser('auth0|nobody', await managementToken())).status).toBe(404)
  })

  it('refuses client credentials for another audience', async () => {
    const response = await emulator.handle(tokenRequest(emulator, { grant_type: 'client_credentials', audience: 'https://api.example/' }))
    expect(response.status).toBe(403)
  })
})

describe('logout', () => {
  it('redirects to an absolute post_logout_redirect_uri with the state', async () => {
    const url = new URL('/oidc/logout', emulator.origin)
    url.search = new URLSearchParams({
      client_id: emulator.clientId,
      post_logout_redirect_uri: 'https://app.example/',
      state: 's1',
    }).toString()
    const response = await emulator.handle(new Request(url))
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('https://app.example/?state=s1')
  })

  it('shows a signed-out page without a usable return URL, and /v2/logout honours returnTo', async () => {
    const page = await emulator.handle(new Request(`${emulator.origin}/oidc/logout?post_logout_redirect_uri=javascript:x`))
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Signed out')
    const v2 = await emulator.handle(new Request(`${emulator.origin}/v2/logout?returnTo=${encodeURIComponent('https://app.example/bye')}`))
    expect(v2.headers.get('location')).toBe('https://app.example/bye')
    expect(emulator.hits.logout).toBe(2)
  })

  it('signs back-channel logout tokens for a real session, and broken ones on request', async () => {
    await signIn(emulator)
    const sid = emulator.lastSid('auth0|alice')
    const token = await emulator.createLogoutToken({ sub: 'auth0|alice', sid }, { jti: 'fixed', iat: undefined })
    const claims = await verifyIdToken(emulator, token)
    expect(claims).toMatchObject({
      sub: 'auth0|alice',
      sid,
      jti: 'fixed',
      events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
    })
    expect(claims.iat).toBeUndefined()
    expect(decodeProtectedHeader(token)).toMatchObject({ typ: 'logout+jwt' })
    expect(decodeProtectedHeader(await emulator.createLogoutToken({ sid }, {}, { alg: 'none' })).alg).toBe('none')
    await expect(verifyIdToken(emulator, await emulator.createLogoutToken({ sid }, {}, { key: 'foreign' }))).rejects.toThrow()
  })
})

describe('failure injection', () => {
  const discovery = () => emulator.fetch(`${emulator.origin}/.well-known/openid-configuration`)

  it('answers with the injected status exactly `times` times, counting every hit', async () => {
    emulator.fail({ endpoint: 'discovery', status: 503, times: 2 })
    expect((await discovery()).status).toBe(503)
    expect((await discovery()).status).toBe(503)
    expect((await discovery()).status).toBe(200)
    expect(emulator.hits.discovery).toBe(3)
  })

  it('serves an injected body with a JSON content type', async () => {
    emulator.fail({ endpoint: 'jwks', status: 200, body: 'not json' })
    const response = await emulator.fetch(`${emulator.origin}/.well-known/jwks.json`)
    expect(response.headers.get('content-type')).toBe('application/json')
    await expect(response.json()).rejects.toThrow(SyntaxError)
  })

  it('keeps failing with times: Infinity until clearFailures', async () => {
    emulator.fail({ endpoint: 'discovery', status: 500, times: Infinity })
    for (let i = 0; i < 5; i++) expect((await discovery()).status).toBe(500)
    emulator.clearFailures()
    expect((await discovery()).status).toBe(200)
    expect(() => emulator.fail({ endpoint: 'discovery', status: 500, times: 0 })).toThrow(RangeError)
  })

  it('delays a response once, and rejects with the abort reason when the caller gives up', async () => {
    emulator.fail({ endpoint: 'discovery', delayMs: 80 })
    const started = Date.now()
    expect((await discovery()).status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(70)
    const quick = Date.now()
    await discovery()
    expect(Date.now() - quick).toBeLessThan(70)

    emulator.fail({ endpoint: 'token', delayMs: 5_000 })
    const request = emulator.fetch(`${emulator.origin}/oauth/token`, { method: 'POST', signal: AbortSignal.timeout(20) })
    await expect(request).rejects.toMatchObject({ name: 'TimeoutError' })
    const controller = new AbortController()
    emulator.fail({ endpoint: 'jwks', delayMs: 5_000 })
    const handled = emulator.handle(new Request(`${emulator.origin}/.well-known/jwks.json`, { signal: controller.signal }))
    controller.abort()
    await expect(handled).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('fails like the network once: fetch rejects with TypeError, handle returns Response.error()', async () => {
    emulator.fail({ endpoint: 'jwks', network: true, times: 2 })
    await expect(emulator.fetch(`${emulator.origin}/.well-known/jwks.json`)).rejects.toThrow(new TypeError('fetch failed'))
    expect((await emulator.handle(new Request(`${emulator.origin}/.well-known/jwks.json`))).type).toBe('error')
    expect((await emulator.fetch(`${emulator.origin}/.well-known/jwks.json`)).status).toBe(200)
  })

  it('redirects /authorize back with the injected error and the state', async () => {
    emulator.fail({ endpoint: 'authorize', error: 'access_denied', errorDescription: 'Blocked by a rule' })
    const { callback, state } = await authorize(emulator)
    expect(Object.fromEntries(callback.searchParams)).toEqual({ error: 'access_denied', error_description: 'Blocked by a rule', state })
    expect((await authorize(emulator)).callback.searchParams.get('code')).toEqual(expect.any(String))
  })

  describe('ID token tampering, once each', () => {
    async function tamperedThenClean() {
      const tampered = (await signIn(emulator)).tokens.id_token ?? ''
      const clean = (await signIn(emulator)).tokens.id_token ?? ''
      await expect(verifyIdToken(emulator, clean)).resolves.toMatchObject({ sub: 'auth0|alice' })
      return tampered
    }

    it('merges claims over the ID token and removes undefined ones', async () => {
      emulator.fail({ endpoint: 'token', idToken: { claims: { nonce: 'someone-else', aud: ['x', emulator.clientId], sid: undefined } } })
      const claims = await verifyIdToken(emulator, await tamperedThenClean())
      expect(claims).toMatchObject({ nonce: 'someone-else', aud: ['x', emulator.clientId] })
      expect(claims.sid).toBeUndefined()
    })

    it('flips bytes of the signature', async () => {
      emulator.fail({ endpoint: 'token', idToken: { signature: 'bad' } })
      await expect(verifyIdToken(emulator, await tamperedThenClean())).rejects.toThrow(/signature/)
    })

    it('sends an unsigned token with alg none', async () => {
      emulator.fail({ endpoint: 'token', idToken: { alg: 'none' } })
      const token = await tamperedThenClean()
      expect(decodeProtectedHeader(token).alg).toBe('none')
      expect(token.endsWith('.')).toBe(true)
      expect(decodeJwt(token).sub).toBe('auth0|alice')
    })

    it('signs with HS256 using the client secret', async () => {
      emulator.fail({ endpoint: 'token', idToken: { alg: 'HS256' } })
      const token = await tamperedThenClean()
      await expect(jwtVerify(token, new TextEncoder().encode(emulator.clientSecret))).resolves.toBeTruthy()
      await expect(verifyIdToken(emulator, token)).rejects.toThrow()
    })

    it('signs with a key whose kid is not in the JWKS', async () => {
      emulator.fail({ endpoint: 'token', idToken: { kid: 'unknown' } })
      const token = await tamperedThenClean()
      const { keys } = (await (await emulator.fetch(`${emulator.origin}/.well-known/jwks.json`)).json()) as JSONWebKeySet
      expect(keys.map((k) => k.kid)).not.toContain(decodeProtectedHeader(token).kid)
      await expect(verifyIdToken(emulator, token)).rejects.toThrow()
    })

    it('is not used up by token requests that issue no ID token', async () => {
      emulator.fail({ endpoint: 'token', idToken: { alg: 'none' } })
      await emulator.handle(tokenRequest(emulator, { grant_type: 'client_credentials', audience: `${emulator.origin}/api/v2/` }))
      expect(decodeProtectedHeader((await signIn(emulator)).tokens.id_token ?? '').alg).toBe('none')
    })
  })
})

describe('interoperability with oauth4webapi', () => {
  async function discover(tenant: Auth0Emulator) {
    const issuer = new URL(tenant.issuer)
    return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { [oauth.customFetch]: tenant.fetch }))
  }

  it('completes a code exchange and a refresh that oauth4webapi validates', async () => {
    const as = await discover(emulator)
    const client = { client_id: emulator.clientId }
    const auth = oauth.ClientSecretBasic(emulator.clientSecret)
    const { callback, state, nonce, verifier } = await authorize(emulator)
    const params = oauth.validateAuthResponse(as, client, callback, state)
    const response = await oauth.authorizationCodeGrantRequest(as, client, auth, params, CALLBACK, verifier, {
      [oauth.customFetch]: emulator.fetch,
    })
    const result = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, requireIdToken: true })
    expect(oauth.getValidatedIdTokenClaims(result)?.sub).toBe('auth0|alice')
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, auth, result.refresh_token ?? '', { [oauth.customFetch]: emulator.fetch }),
    )
    expect(refreshed.access_token).toEqual(expect.any(String))
  })

  it('makes oauth4webapi reject an ID token with the wrong nonce', async () => {
    const as = await discover(emulator)
    const client = { client_id: emulator.clientId }
    emulator.fail({ endpoint: 'token', idToken: { claims: { nonce: 'someone-else' } } })
    const { callback, state, nonce, verifier } = await authorize(emulator)
    const params = oauth.validateAuthResponse(as, client, callback, state)
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.ClientSecretPost(emulator.clientSecret),
      params,
      CALLBACK,
      verifier,
      { [oauth.customFetch]: emulator.fetch },
    )
    await expect(oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce })).rejects.toThrow(/nonce/)
  })

  it('authenticates private_key_jwt clients with a configured public key, once per assertion', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256')
    const tenant = await createAuth0Emulator({ clientAssertionKey: { ...(await exportJWK(publicKey)), alg: 'RS256' } })
    const grant = async (target: Auth0Emulator, key: CryptoKey) => {
      const as = await discover(target)
      return oauth.clientCredentialsGrantRequest(
        as,
        { client_id: target.clientId },
        oauth.PrivateKeyJwt(key),
        new URLSearchParams({ audience: `${target.origin}/api/v2/` }),
        { [oauth.customFetch]: target.fetch },
      )
    }
    expect((await grant(tenant, privateKey)).status).toBe(200)
    expect((await grant(tenant, (await generateKeyPair('RS256')).privateKey)).status).toBe(401)
    expect((await grant(emulator, privateKey)).status).toBe(401)

    const assertion = await new SignJWT({ jti: 'once' })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(tenant.clientId)
      .setSubject(tenant.clientId)
      .setAudience(tenant.issuer)
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(privateKey)
    const replay = () =>
      tenant.handle(
        new Request(`${tenant.origin}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            audience: `${tenant.origin}/api/v2/`,
            client_id: tenant.clientId,
            client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            client_assertion: assertion,
          }),
        }),
      )
    expect((await replay()).status).toBe(200)
    expect(await (await replay()).json()).toMatchObject({ error: 'invalid_client' })
  })
})

describe('MSW handlers', () => {
  let shared: Auth0Emulator
  const server = setupServer()
  beforeAll(async () => {
    shared = await createAuth0Emulator({ origin: 'https://msw-tenant.auth0.test' })
    server.use(...auth0Handlers(shared))
    server.listen({ onUnhandledRequest: 'error' })
  })
  afterAll(() => server.close())

  it('routes the global fetch for the tenant origin to the emulator', async () => {
    const response = await fetch(`${shared.origin}/.well-known/openid-configuration`)
    expect(await response.json()).toMatchObject({ issuer: 'https://msw-tenant.auth0.test/' })
    expect(shared.hits.discovery).toBe(1)
    const token = await fetch(`${shared.origin}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        audience: `${shared.origin}/api/v2/`,
        client_id: shared.clientId,
        client_secret: shared.clientSecret,
      }),
    })
    expect(token.status).toBe(200)
  })

  it('turns an injected network failure into a rejected fetch', async () => {
    shared.fail({ endpoint: 'discovery', network: true })
    await expect(fetch(`${shared.origin}/.well-known/openid-configuration`)).rejects.toThrow(TypeError)
    expect((await fetch(`${shared.origin}/.well-known/openid-configuration`)).status).toBe(200)
  })
})
