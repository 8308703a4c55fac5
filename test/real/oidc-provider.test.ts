// Our flows against panva's certified OpenID provider (oidc-provider 8) rather than our emulator:
// a misreading of RFC 9126 (PAR), RFC 9449 (DPoP) or RFC 7523 (private_key_jwt) that the emulator
// shares with the code would still fail here.
import { calculateJwkThumbprint, decodeJwt, exportJWK, exportPKCS8, generateKeyPair } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuth } from '../../core/index.js'
import { APP_ORIGIN, SECRET } from '../support/tenant.js'
import { ProviderBrowser, type RunningProvider, startProvider } from './oidc-provider.js'

const CALLBACK = `${APP_ORIGIN}/auth/callback`
const PAR_CLIENT = { client_id: 'par-client', client_secret: 'par-client-secret-that-is-long-enough' }

const assertionKey = await generateKeyPair('PS256', { extractable: true })
const JWT_CLIENT = 'private-key-jwt-client'
const DPOP_CLIENT = { client_id: 'dpop-client', client_secret: 'dpop-client-secret-that-is-long-enough' }
const dpop = await generateKeyPair('ES256')

let op: RunningProvider

beforeAll(async () => {
  op = await startProvider({
    // Every request that carries a DPoP proof must carry the provider's nonce too.
    dpopNonce: true,
    // The DPoP client's access tokens are inside the 10 s renewal leeway at once: getAccessToken refreshes.
    accessTokenTtl: (clientId) => (clientId === DPOP_CLIENT.client_id ? 5 : 600),
    clients: [
      {
        ...DPOP_CLIENT,
        redirect_uris: [CALLBACK],
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'client_secret_post',
        dpop_bound_access_tokens: true,
      },
      {
        ...PAR_CLIENT,
        redirect_uris: [CALLBACK],
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'client_secret_post',
        // The provider refuses any authorization request of this client that was not pushed.
        require_pushed_authorization_requests: true,
      },
      {
        client_id: JWT_CLIENT,
        redirect_uris: [CALLBACK],
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'PS256',
        jwks: { keys: [{ ...(await exportJWK(assertionKey.publicKey)), kid: 'app-assertion-key', use: 'sig', alg: 'PS256' }] },
      },
    ],
  })
})

afterAll(async () => {
  await op?.stop()
})

describe('against oidc-provider', () => {
  it('signs in with PAR: the parameters are pushed, /authorize carries only client_id and request_uri', async () => {
    const auth = createAuth({
      domain: op.issuer,
      clientId: PAR_CLIENT.client_id,
      clientSecret: PAR_CLIENT.client_secret,
      secret: SECRET,
      appBaseUrl: APP_ORIGIN,
      pushedAuthorizationRequests: true,
      authorizationParams: { prompt: 'consent' },
    })
    const browser = new ProviderBrowser(auth, APP_ORIGIN, op.issuer)
    const landed = await browser.signIn('/auth/login?returnTo=/home', 'alice')
    expect(landed.pathname).toBe('/home')
    expect(op.requests.filter((request) => request.path === '/request').map((request) => request.method)).toEqual(['POST'])
    const authorize = browser.visits.find((visit) => visit.url.pathname === '/auth')!
    expect([...authorize.url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri'])
    const session = await auth.getSession(browser.request('/'))
    expect(session?.user.sub).toBe('alice')
    expect(session?.refreshToken).toBeTruthy()
    expect(session?.tokenSets[0]?.accessToken).toBeTruthy()
  })

  it('authenticates with private_key_jwt (a PKCS#8 PEM, PS256) at the PAR and token endpoints', async () => {
    const auth = createAuth({
      domain: op.issuer,
      clientId: JWT_CLIENT,
      clientAssertionSigningKey: await exportPKCS8(assertionKey.privateKey),
      clientAssertionSigningAlg: 'PS256',
      secret: SECRET,
      appBaseUrl: APP_ORIGIN,
      pushedAuthorizationRequests: true,
      authorizationParams: { prompt: 'consent' },
    })
    const browser = new ProviderBrowser(auth, APP_ORIGIN, op.issuer)
    const before = op.requests.length
    expect((await browser.signIn('/auth/login?returnTo=/jwt', 'bob')).pathname).toBe('/jwt')
    const paths = op.requests.slice(before).map((request) => `${request.method} ${request.path}`)
    expect(paths).toContain('POST /request')
    expect(paths).toContain('POST /token')
    const session = await auth.getSession(browser.request('/'))
    expect(session?.user.sub).toBe('bob')
    expect(session?.refreshToken).toBeTruthy()
  })

  it('is refused by the provider with a key it does not hold (token_exchange_failed at the token endpoint)', async () => {
    const stranger = await generateKeyPair('PS256')
    const errors: Error[] = []
    const auth = createAuth({
      domain: op.issuer,
      clientId: JWT_CLIENT,
      clientAssertionSigningKey: stranger.privateKey,
      clientAssertionSigningAlg: 'PS256',
      secret: SECRET,
      appBaseUrl: APP_ORIGIN,
      onError: (error) => {
        errors.push(error)
      },
    })
    const browser = new ProviderBrowser(auth, APP_ORIGIN, op.issuer)
    await browser.signIn('/auth/login', 'carol')
    expect(errors.map((error) => (error as { code?: string }).code)).toEqual(['token_exchange_failed'])
    expect(await auth.getSession(browser.request('/'))).toBeUndefined()
  })

  it('binds tokens with DPoP through the provider’s nonce challenge, on PAR, the code exchange and a refresh', async () => {
    const auth = createAuth({
      domain: op.issuer,
      clientId: DPOP_CLIENT.client_id,
      clientSecret: DPOP_CLIENT.client_secret,
      secret: SECRET,
      appBaseUrl: APP_ORIGIN,
      pushedAuthorizationRequests: true,
      dpop,
      authorizationParams: { prompt: 'consent' },
    })
    const browser = new ProviderBrowser(auth, APP_ORIGIN, op.issuer)
    const before = op.requests.length
    expect((await browser.signIn('/auth/login?returnTo=/dpop', 'dave')).pathname).toBe('/dpop')
    const backChannel = op.requests.slice(before).filter((request) => request.path === '/request' || request.path === '/token')
    // The PAR endpoint challenged the first proof for its nonce and took the second; the token
    // request already carried the nonce the provider sent with the PAR answer.
    expect(backChannel.map((request) => `${request.path} ${request.dpop}`)).toEqual(['/request true', '/request true', '/token true'])

    const thumbprint = await calculateJwkThumbprint(await exportJWK(dpop.publicKey))
    const session = await auth.getSession(browser.request('/'))
    expect(session?.tokenSets[0]?.tokenType).toBe('DPoP')
    expect(decodeJwt(session!.tokenSets[0]!.accessToken).cnf).toEqual({ jkt: thumbprint })

    const refreshes = op.requests.length
    const storeOptions = { request: browser.request('/'), response: new Response() }
    const refreshed = await auth.client.getAccessToken({}, storeOptions)
    const refreshRequests = op.requests.slice(refreshes).filter((request) => request.path === '/token')
    expect(refreshRequests.length).toBeGreaterThan(0)
    expect(refreshRequests.every((request) => request.dpop)).toBe(true)
    expect(refreshed.tokenType).toBe('DPoP')
    expect(refreshed.token).not.toBe(session!.tokenSets[0]!.accessToken)
    expect(decodeJwt(refreshed.token).cnf).toEqual({ jkt: thumbprint })
  })
})
