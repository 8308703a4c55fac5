// DPoP that goes wrong: a tenant that keeps challenging, a wrong key, unusable key pairs.
import { exportJWK, generateKeyPair } from 'jose'
import { describe, expect, it } from 'vitest'
import { type AuthOptions, ConfigurationError } from '../../core/index.js'
import { createAuth0Emulator } from '../../testing/index.js'
import { TestBrowser } from '../support/browser.js'
import { APP_ORIGIN, createTestAuth, useMockedTenant } from '../support/tenant.js'
import { expectSafeFailure, SIGNED_OUT, snapshotSession } from './expect-safe-failure.js'
import { browserWithCookiesOf, callbackFor, LINK_GITHUB, recordingAuth } from './scenario.js'

const dpop = await generateKeyPair('ES256')
const otherKey = await generateKeyPair('ES256')
const tenant = useMockedTenant({ dpopNonce: true })

function signedOut(auth: ReturnType<typeof recordingAuth>['auth']) {
  return new TestBrowser({ auth, emulator: tenant.emulator, appOrigin: APP_ORIGIN })
}

describe('DPoP failures', () => {
  it('answers a nonce challenge once, then gives up on a tenant that keeps challenging (token_exchange_failed, 502)', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator, { dpop })
    const browser = signedOut(auth)
    const callback = await callbackFor(browser, '/auth/login')
    emulator.fail({ endpoint: 'token', dpopNonce: true, times: Infinity })
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'token_exchange_failed', status: 502, browser, auth, before: SIGNED_OUT })
    expect((lastError() as { error?: string }).error).toBe('use_dpop_nonce')
    expect(emulator.hits.token).toBe(2)
  })

  it('signs in when the tenant rotates its nonce once (positive control)', async () => {
    const { emulator } = tenant
    const { auth, errors } = recordingAuth(emulator, { dpop })
    const browser = signedOut(auth)
    const callback = await callbackFor(browser, '/auth/login')
    emulator.fail({ endpoint: 'token', dpopNonce: true })
    expect((await browser.send(callback)).status).toBe(302)
    expect(errors).toEqual([])
    expect(emulator.hits.token).toBe(2)
  })

  it('gives up on a PAR endpoint that keeps challenging (pushed_authorization_failed, 502), storing nothing', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator, { dpop, pushedAuthorizationRequests: true })
    const browser = signedOut(auth)
    emulator.fail({ endpoint: 'par', dpopNonce: true, times: Infinity })
    const response = await browser.send('/auth/login')
    await expectSafeFailure({
      response,
      error: lastError(),
      code: 'pushed_authorization_failed',
      status: 502,
      browser,
      auth,
      before: SIGNED_OUT,
    })
    expect(response.headers.getSetCookie()).toEqual([])
    expect(emulator.hits.par).toBe(2)
  })

  it('keeps the session when a refresh is sent with a key the refresh token is not bound to', async () => {
    const emulator = await createAuth0Emulator({ accessTokenTtl: 5 })
    const first = recordingAuth(emulator, { dpop, fetch: emulator.fetch })
    const browser = new TestBrowser({ auth: first.auth, emulator, appOrigin: APP_ORIGIN })
    await browser.navigate('/auth/login')
    // Another instance with the same secret but its own DPoP key reads the same cookie.
    const second = recordingAuth(emulator, { dpop: otherKey, fetch: emulator.fetch })
    const other = browserWithCookiesOf(browser, second.auth, emulator)
    const before = await snapshotSession(second.auth, other)
    const response = await other.send('/auth/access-token', { headers: { accept: 'application/json' } })
    await expectSafeFailure({
      response,
      error: second.lastError(),
      code: 'token_exchange_failed',
      status: 502,
      browser: other,
      auth: second.auth,
      before,
    })
    expect((second.lastError() as { error?: string }).error).toBe('invalid_dpop_proof')
  })

  it('refuses a link whose code, bound to one key by PAR, is redeemed with another (invalid_grant), keeping the session', async () => {
    const { emulator } = tenant
    const first = recordingAuth(emulator, { dpop, pushedAuthorizationRequests: true })
    const browser = signedOut(first.auth)
    await browser.navigate('/auth/login')
    const callback = await callbackFor(browser, LINK_GITHUB)
    const second = recordingAuth(emulator, { dpop: otherKey, pushedAuthorizationRequests: true })
    const other = browserWithCookiesOf(browser, second.auth, emulator)
    const before = await snapshotSession(second.auth, other)
    const response = await other.send(callback)
    await expectSafeFailure({
      response,
      error: second.lastError(),
      code: 'token_exchange_failed',
      status: 502,
      browser: other,
      auth: second.auth,
      before,
    })
    expect((second.lastError() as { error?: string }).error).toBe('invalid_grant')
  })

  const unusable: Array<[string, () => Promise<unknown>]> = [
    [
      'JWKs instead of CryptoKeys',
      async () => {
        const pair = await generateKeyPair('ES256', { extractable: true })
        return { privateKey: await exportJWK(pair.privateKey), publicKey: await exportJWK(pair.publicKey) }
      },
    ],
    ['the halves swapped', async () => ({ privateKey: dpop.publicKey, publicKey: dpop.privateKey })],
    [
      'a non-extractable public key',
      async () => ({
        privateKey: dpop.privateKey,
        publicKey: await crypto.subtle.importKey('jwk', await exportJWK(dpop.publicKey), { name: 'ECDSA', namedCurve: 'P-256' }, false, [
          'verify',
        ]),
      }),
    ],
    ['halves of two algorithms', async () => ({ privateKey: dpop.privateKey, publicKey: (await generateKeyPair('RS256')).publicKey })],
    [
      'an HMAC key',
      async () => {
        const key = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
        return { privateKey: key, publicKey: key }
      },
    ],
    ['a string', async () => 'es256'],
  ]
  it.each(unusable)('refuses %s as dpop at construction with a ConfigurationError', async (_, make) => {
    const value = (await make()) as AuthOptions['dpop']
    let error: unknown
    try {
      createTestAuth(tenant.emulator, { dpop: value })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as ConfigurationError).option).toBe('dpop')
  })
})
