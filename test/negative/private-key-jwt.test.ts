// Unusable private_key_jwt keys: caught at construction where that can be known synchronously,
// on first use (a PEM or JWK that does not import) otherwise; never a session written.
import { exportJWK, exportPKCS8, generateKeyPair } from 'jose'
import { describe, expect, it } from 'vitest'
import { type AuthOptions, ConfigurationError } from '../../core/index.js'
import { TestBrowser } from '../support/browser.js'
import { APP_ORIGIN, createTestAuth, useMockedTenant } from '../support/tenant.js'
import { expectSafeFailure, SIGNED_OUT } from './expect-safe-failure.js'
import { callbackFor, recordingAuth } from './scenario.js'

const rsa = await generateKeyPair('RS256', { extractable: true })
const ec = await generateKeyPair('ES256', { extractable: true })
const tenant = useMockedTenant({ clientAssertionKey: rsa.publicKey })

const PKCS1 = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----'
const ENCRYPTED = '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG\n-----END ENCRYPTED PRIVATE KEY-----'

describe('unusable private_key_jwt keys', () => {
  const cases: Array<[string, () => Promise<Partial<AuthOptions>>, string]> = [
    ['a public CryptoKey', async () => ({ clientAssertionSigningKey: rsa.publicKey }), 'clientAssertionSigningKey'],
    ['an ECDSA key with the default RS256', async () => ({ clientAssertionSigningKey: ec.privateKey }), 'clientAssertionSigningKey'],
    [
      'an RSA key with ES256',
      async () => ({ clientAssertionSigningKey: rsa.privateKey, clientAssertionSigningAlg: 'ES256' }),
      'clientAssertionSigningKey',
    ],
    [
      'an RS256 key with PS256',
      async () => ({ clientAssertionSigningKey: rsa.privateKey, clientAssertionSigningAlg: 'PS256' }),
      'clientAssertionSigningKey',
    ],
    ['a PKCS#1 PEM', async () => ({ clientAssertionSigningKey: PKCS1 }), 'clientAssertionSigningKey'],
    ['an encrypted PEM', async () => ({ clientAssertionSigningKey: ENCRYPTED }), 'clientAssertionSigningKey'],
    ['a string that is no PEM', async () => ({ clientAssertionSigningKey: 'not a key' }), 'clientAssertionSigningKey'],
    [
      'a public key PEM',
      async () => ({ clientAssertionSigningKey: '-----BEGIN PUBLIC KEY-----\nMIIBIjANBg\n-----END PUBLIC KEY-----' }),
      'clientAssertionSigningKey',
    ],
    ['a public JWK', async () => ({ clientAssertionSigningKey: await exportJWK(rsa.publicKey) }), 'clientAssertionSigningKey'],
    ['an EC JWK with RS256', async () => ({ clientAssertionSigningKey: await exportJWK(ec.privateKey) }), 'clientAssertionSigningKey'],
    [
      'a P-256 JWK with ES384',
      async () => ({ clientAssertionSigningKey: await exportJWK(ec.privateKey), clientAssertionSigningAlg: 'ES384' }),
      'clientAssertionSigningKey',
    ],
    [
      'a JWK whose alg is another',
      async () => ({ clientAssertionSigningKey: { ...(await exportJWK(rsa.privateKey)), alg: 'RS512' } }),
      'clientAssertionSigningKey',
    ],
    ['an object that is no JWK', async () => ({ clientAssertionSigningKey: { key: 'value' } as never }), 'clientAssertionSigningKey'],
    ['a number', async () => ({ clientAssertionSigningKey: 42 as never }), 'clientAssertionSigningKey'],
    ['HS256', async () => ({ clientAssertionSigningKey: rsa.privateKey, clientAssertionSigningAlg: 'HS256' }), 'clientAssertionSigningAlg'],
    [
      'alg none',
      async () => ({ clientAssertionSigningKey: rsa.privateKey, clientAssertionSigningAlg: 'none' }),
      'clientAssertionSigningAlg',
    ],
  ]

  it.each(cases)('refuses %s at construction with a ConfigurationError naming the option', async (_, options, option) => {
    const overrides = { clientSecret: undefined, ...(await options()) }
    let error: unknown
    try {
      createTestAuth(tenant.emulator, overrides)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as ConfigurationError).option).toBe(option)
  })

  it('fails the first use of a PEM that does not import with configuration_error (500), writing no session', async () => {
    const { emulator } = tenant
    // A PKCS#8 envelope around a truncated key: only the import can tell.
    const body = (await exportPKCS8(rsa.privateKey)).split('\n')[1]!
    const pem = `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----`
    const { auth, lastError } = recordingAuth(emulator, { clientSecret: undefined, clientAssertionSigningKey: pem })
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    const callback = await callbackFor(browser, '/auth/login')
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'configuration_error', status: 500, browser, auth, before: SIGNED_OUT })
    expect((lastError() as ConfigurationError).option).toBe('clientAssertionSigningKey')
    expect(emulator.hits.token).toBe(0)
  })

  it('answers a key the tenant does not know (invalid_client) as token_exchange_failed (502)', async () => {
    const { emulator } = tenant
    const other = await generateKeyPair('RS256')
    const { auth, lastError } = recordingAuth(emulator, { clientSecret: undefined, clientAssertionSigningKey: other.privateKey })
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    const callback = await callbackFor(browser, '/auth/login')
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'token_exchange_failed', status: 502, browser, auth, before: SIGNED_OUT })
    expect((lastError() as { error?: string }).error).toBe('invalid_client')
  })
})
