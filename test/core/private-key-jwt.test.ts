// private_key_jwt client authentication with the key as a CryptoKey, a PKCS#8 PEM or a JWK.
import { decodeProtectedHeader, exportJWK, exportPKCS8, generateKeyPair } from 'jose'
import { describe, expect, it } from 'vitest'
import { createAuth0Emulator } from '../../testing/index.js'
import { TestBrowser } from '../support/browser.js'
import { signedInBrowser } from '../support/flows.js'
import { APP_ORIGIN, createTestAuth, useMockedTenant } from '../support/tenant.js'

const rsa = await generateKeyPair('RS256', { extractable: true })
const tenant = useMockedTenant({ clientAssertionKey: rsa.publicKey })

/** A fetch that records every form body sent to the tenant (not the Management API's JSON), then lets MSW answer it. */
function recordingFetch() {
  const bodies: URLSearchParams[] = []
  const recorded: typeof fetch = async (input, init) => {
    if (init?.body instanceof URLSearchParams) bodies.push(new URLSearchParams(init.body))
    else if (typeof init?.body === 'string' && !init.body.startsWith('{')) bodies.push(new URLSearchParams(init.body))
    return globalThis.fetch(input, init)
  }
  return { bodies, fetch: recorded }
}

function expectAssertions(bodies: URLSearchParams[], expected: { alg: string; kid?: string }) {
  const authenticated = bodies.filter((body) => body.has('client_assertion'))
  expect(authenticated.length).toBeGreaterThan(0)
  for (const body of bodies) {
    expect(body.has('client_secret')).toBe(false)
    expect(body.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
    const header = decodeProtectedHeader(body.get('client_assertion')!)
    expect(header.alg).toBe(expected.alg)
    expect(header.kid).toBe(expected.kid)
  }
}

describe('private_key_jwt', () => {
  it('signs in, links and reads identities with a CryptoKey, sending assertions instead of the secret', async () => {
    const { emulator } = tenant
    const recorder = recordingFetch()
    const auth = createTestAuth(emulator, {
      clientSecret: undefined,
      clientAssertionSigningKey: rsa.privateKey,
      fetch: recorder.fetch,
      identities: { enabled: true },
    })
    const browser = await signedInBrowser(auth, emulator)
    expect((await browser.navigate('/auth/link?connection=github&returnTo=/settings')).url.pathname).toBe('/settings')
    const identities = await browser.send('/auth/identities')
    expect(identities.status).toBe(200)
    // Code exchange for login and link, and the Management API's client-credentials token.
    expect(recorder.bodies.map((body) => body.get('grant_type'))).toEqual([
      'authorization_code',
      'authorization_code',
      'client_credentials',
    ])
    expectAssertions(recorder.bodies, { alg: 'RS256' })
    // Each assertion is fresh: the emulator refuses a jti it has seen.
    const jtis = recorder.bodies.map((body) => JSON.parse(atob(body.get('client_assertion')!.split('.')[1]!)).jti)
    expect(new Set(jtis).size).toBe(jtis.length)
  })

  it('signs in twice with a PKCS#8 PEM string', async () => {
    const { emulator } = tenant
    const recorder = recordingFetch()
    const pem = await exportPKCS8(rsa.privateKey)
    const auth = createTestAuth(emulator, { clientSecret: undefined, clientAssertionSigningKey: pem, fetch: recorder.fetch })
    await signedInBrowser(auth, emulator)
    await signedInBrowser(auth, emulator)
    expectAssertions(recorder.bodies, { alg: 'RS256' })
    expect(recorder.bodies).toHaveLength(2)
  })

  it('signs in with a private JWK, sending its kid', async () => {
    const { emulator } = tenant
    const recorder = recordingFetch()
    const jwk = { ...(await exportJWK(rsa.privateKey)), kid: 'app-key-1' }
    const auth = createTestAuth(emulator, { clientSecret: undefined, clientAssertionSigningKey: jwk, fetch: recorder.fetch })
    await signedInBrowser(auth, emulator)
    expectAssertions(recorder.bodies, { alg: 'RS256', kid: 'app-key-1' })
  })

  it('signs PS256 and ES256 assertions when clientAssertionSigningAlg says so', async () => {
    for (const alg of ['PS256', 'ES256'] as const) {
      const pair = await generateKeyPair(alg, { extractable: true })
      const emulator = await createAuth0Emulator({ clientAssertionKey: { ...(await exportJWK(pair.publicKey)), alg } })
      const bodies: URLSearchParams[] = []
      const auth = createTestAuth(emulator, {
        clientSecret: undefined,
        clientAssertionSigningKey: await exportPKCS8(pair.privateKey),
        clientAssertionSigningAlg: alg,
        fetch: async (input, init) => {
          if (typeof init?.body === 'string' || init?.body instanceof URLSearchParams) bodies.push(new URLSearchParams(init.body))
          return emulator.fetch(input, init)
        },
      })
      const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
      expect((await browser.navigate('/auth/login?returnTo=/home')).url.pathname).toBe('/home')
      expectAssertions(bodies, { alg })
    }
  })

  it('authenticates pushed authorization requests with the assertion too', async () => {
    const { emulator } = tenant
    const recorder = recordingFetch()
    const auth = createTestAuth(emulator, {
      clientSecret: undefined,
      clientAssertionSigningKey: rsa.privateKey,
      fetch: recorder.fetch,
      pushedAuthorizationRequests: true,
    })
    await signedInBrowser(auth, emulator)
    expect(emulator.hits.par).toBe(1)
    expect(recorder.bodies).toHaveLength(2)
    expectAssertions(recorder.bodies, { alg: 'RS256' })
  })
})
