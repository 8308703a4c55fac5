// DPoP (RFC 9449): proofs on the token, refresh and PAR requests, bound tokens, the nonce retry,
// and proofs for the app's own API calls.
import {
  base64url,
  calculateJwkThumbprint,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  jwtVerify,
} from 'jose'
import { describe, expect, it } from 'vitest'
import { ConfigurationError } from '../../core/index.js'
import { createAuth0Emulator } from '../../testing/index.js'
import { TestBrowser } from '../support/browser.js'
import { signedInBrowser, storeOptionsOf } from '../support/flows.js'
import { APP_ORIGIN, createTestAuth, useMockedTenant } from '../support/tenant.js'

const dpop = await generateKeyPair('ES256')
const jkt = await calculateJwkThumbprint(await exportJWK(dpop.publicKey))
const tenant = useMockedTenant()

/** A fetch that records each call's path and DPoP proof, answered by `answer` (default: MSW). */
function recordingFetch(answer: typeof fetch = (input, init) => globalThis.fetch(input, init)) {
  const calls: Array<{ path: string; proof: string | null }> = []
  const recorded: typeof fetch = async (input, init) => {
    const request = new Request(input, init)
    calls.push({ path: new URL(request.url).pathname, proof: request.headers.get('dpop') })
    return answer(request)
  }
  return { calls, fetch: recorded }
}

describe('DPoP', () => {
  it('sends a proof with the code exchange, and gets a token bound to the key (cnf.jkt, tokenType DPoP)', async () => {
    const { emulator } = tenant
    const recorder = recordingFetch()
    const auth = createTestAuth(emulator, { dpop, fetch: recorder.fetch })
    const browser = await signedInBrowser(auth, emulator)
    const token = recorder.calls.find((call) => call.path === '/oauth/token')!
    expect(decodeProtectedHeader(token.proof!)).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256' } })
    expect(decodeJwt(token.proof!)).toMatchObject({ htm: 'POST', htu: `${emulator.origin}/oauth/token` })
    expect(recorder.calls.filter((call) => call.path !== '/oauth/token').every((call) => call.proof === null)).toBe(true)

    const result = await auth.client.getAccessToken({}, storeOptionsOf(browser))
    expect(result.tokenType).toBe('DPoP')
    expect(decodeJwt(result.token).cnf).toEqual({ jkt })
    expect((await auth.getSession(browser.request('/')))?.tokenSets[0]?.tokenType).toBe('DPoP')
    const route = (await (await browser.send('/auth/access-token')).json()) as { tokenType: string }
    expect(route.tokenType).toBe('DPoP')
  })

  it('refreshes with a proof of the same key, the refresh token being bound to it', async () => {
    const emulator = await createAuth0Emulator({ accessTokenTtl: 5 })
    const recorder = recordingFetch(emulator.fetch)
    const auth = createTestAuth(emulator, { dpop, fetch: recorder.fetch })
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    await browser.navigate('/auth/login')
    const first = await auth.client.getAccessToken({ scope: 'openid' }, storeOptionsOf(browser))
    const refreshes = recorder.calls.filter((call) => call.path === '/oauth/token').slice(1)
    expect(refreshes).toHaveLength(1)
    expect(refreshes[0]!.proof).toBeTruthy()
    expect(first).toMatchObject({ tokenType: 'DPoP', scope: 'openid' })
    expect(decodeJwt(first.token).cnf).toEqual({ jkt })
  })

  it('answers a nonce challenge once and keeps the nonce for the next request', async () => {
    const emulator = await createAuth0Emulator({ dpopNonce: true, accessTokenTtl: 5 })
    const recorder = recordingFetch(emulator.fetch)
    const auth = createTestAuth(emulator, { dpop, fetch: recorder.fetch })
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    expect((await browser.navigate('/auth/login?returnTo=/home')).url.pathname).toBe('/home')
    expect(emulator.hits.token).toBe(2)
    const [challenged, answered] = recorder.calls.filter((call) => call.path === '/oauth/token')
    expect(decodeJwt(challenged!.proof!).nonce).toBeUndefined()
    expect(decodeJwt(answered!.proof!).nonce).toEqual(expect.any(String))
    // The refresh uses the nonce it already has: one request.
    await auth.client.getAccessToken({}, storeOptionsOf(browser))
    expect(emulator.hits.token).toBe(3)
  })

  it('pushes with a proof under PAR, binding the code, and answers the PAR endpoint’s nonce challenge too', async () => {
    const emulator = await createAuth0Emulator({ dpopNonce: true })
    const recorder = recordingFetch(emulator.fetch)
    const auth = createTestAuth(emulator, { dpop, fetch: recorder.fetch, pushedAuthorizationRequests: true })
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    expect((await browser.navigate('/auth/login?returnTo=/home')).url.pathname).toBe('/home')
    expect(recorder.calls.map((call) => call.path)).toEqual([
      '/.well-known/openid-configuration',
      '/oauth/par',
      '/oauth/par',
      '/oauth/token',
      '/.well-known/jwks.json',
    ])
    expect(decodeJwt(recorder.calls[2]!.proof!)).toMatchObject({ htu: `${emulator.origin}/oauth/par`, nonce: expect.any(String) })
    expect(emulator.pushedAuthorizationRequests[0]!.get('dpop_jkt')).toBe(jkt)
    expect((await auth.client.getAccessToken({}, storeOptionsOf(browser))).tokenType).toBe('DPoP')
  })

  it('says Bearer without the dpop option', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = await signedInBrowser(auth, emulator)
    const result = await auth.client.getAccessToken({}, storeOptionsOf(browser))
    expect(result.tokenType).toBe('Bearer')
    expect(decodeJwt(result.token).cnf).toBeUndefined()
  })

  it('makes proofs for the app’s own API calls: method, URL without query, token hash, nonce, a fresh jti each', async () => {
    const auth = createTestAuth(tenant.emulator, { dpop })
    const accessToken = 'an-access-token'
    const proof = await auth.client.createDpopProof({
      method: 'get',
      url: 'https://api.example.com/orders?page=2#top',
      accessToken,
      nonce: 'n-1',
    })
    const header = decodeProtectedHeader(proof)
    expect(header).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256' })
    expect(await calculateJwkThumbprint(header.jwk as JWK)).toBe(jkt)
    expect((header.jwk as JWK).d).toBeUndefined()
    const { payload } = await jwtVerify(proof, await importJWK(header.jwk as JWK, 'ES256'), { typ: 'dpop+jwt' })
    const ath = base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken))))
    expect(payload).toMatchObject({ htm: 'GET', htu: 'https://api.example.com/orders', ath, nonce: 'n-1', iat: expect.any(Number) })
    const again = await auth.client.createDpopProof({ method: 'GET', url: 'https://api.example.com/orders' })
    expect(decodeJwt(again).jti).not.toBe(payload.jti)
    expect(decodeJwt(again).ath).toBeUndefined()
  })

  it('refuses to make a proof without the dpop option', async () => {
    const auth = createTestAuth(tenant.emulator)
    await expect(auth.client.createDpopProof({ method: 'GET', url: 'https://api.example.com/' })).rejects.toBeInstanceOf(ConfigurationError)
  })
})
