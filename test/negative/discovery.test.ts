import { describe, expect, it } from 'vitest'
import { TestBrowser } from '../support/browser.js'
import { APP_ORIGIN, useMockedTenant } from '../support/tenant.js'
import { expectSafeFailure, SIGNED_OUT } from './expect-safe-failure.js'
import { browserWithCookiesOf, callbackFor, LINK_GITHUB, recordingAuth, signedIn } from './scenario.js'

const tenant = useMockedTenant()

/** Alice signed in through one app instance, and a fresh instance (nothing cached) sharing the secret. */
async function freshInstanceForSignedInUser() {
  const { emulator } = tenant
  const first = recordingAuth(emulator)
  const { browser: original, before } = await signedIn(first.auth, emulator)
  const fresh = recordingAuth(emulator)
  const browser = browserWithCookiesOf(original, fresh.auth, emulator)
  const hitsBefore = { ...emulator.hits }
  return { ...fresh, emulator, browser, before, hitsBefore }
}

describe('discovery', () => {
  it('answers discovery_failed (502) while the tenant is down, and does not cache the failure', async () => {
    const { auth, lastError, emulator, browser, before, hitsBefore } = await freshInstanceForSignedInUser()
    emulator.fail({ endpoint: 'discovery', status: 503 })
    const response = await browser.send(LINK_GITHUB)
    await expectSafeFailure({ response, error: lastError(), code: 'discovery_failed', status: 502, browser, auth, before })
    expect((await browser.send(LINK_GITHUB)).status).toBe(302)
    expect(emulator.hits.discovery - hitsBefore.discovery).toBe(2)
  })

  it('answers discovery_failed (502) when the tenant cannot be reached at all', async () => {
    const { auth, lastError, emulator, browser, before } = await freshInstanceForSignedInUser()
    emulator.fail({ endpoint: 'discovery', network: true })
    const response = await browser.send(LINK_GITHUB)
    await expectSafeFailure({ response, error: lastError(), code: 'discovery_failed', status: 502, browser, auth, before })
  })

  it.each([
    ['not JSON', 'this is not json'],
    ['an HTML page', '<html>maintenance</html>'],
    ['another issuer', JSON.stringify({ issuer: 'https://evil.example/', authorization_endpoint: 'https://evil.example/authorize' })],
    ['a JSON array', '[]'],
  ])('answers discovery_failed (502) for a malformed document: %s', async (_, body) => {
    const { auth, lastError, emulator, browser, before } = await freshInstanceForSignedInUser()
    emulator.fail({ endpoint: 'discovery', status: 200, body })
    const response = await browser.send(LINK_GITHUB)
    await expectSafeFailure({ response, error: lastError(), code: 'discovery_failed', status: 502, browser, auth, before })
  })

  it('answers timeout (504) when discovery is slower than httpTimeout', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator, { fetch: emulator.fetch, httpTimeout: 200 })
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    emulator.fail({ endpoint: 'discovery', delayMs: 60_000 })
    const response = await browser.send('/auth/login')
    await expectSafeFailure({ response, error: lastError(), code: 'timeout', status: 504, browser, auth, before: SIGNED_OUT })
  })

  it('shares one slow discovery fetch between concurrent first requests', async () => {
    const { emulator } = tenant
    const { auth } = recordingAuth(emulator)
    emulator.fail({ endpoint: 'discovery', delayMs: 50 })
    const browsers = Array.from({ length: 8 }, () => new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN }))
    const responses = await Promise.all(browsers.map((browser) => browser.send('/auth/login')))
    expect(responses.map((response) => response.status)).toEqual(Array(8).fill(302))
    expect(emulator.hits.discovery).toBe(1)
  })
})

describe('the key set (JWKS)', () => {
  it('answers discovery_failed (502) while the key set is down, and fetches it again on the next callback', async () => {
    const { auth, lastError, emulator, browser, before, hitsBefore } = await freshInstanceForSignedInUser()
    const callback = await callbackFor(browser, LINK_GITHUB)
    emulator.fail({ endpoint: 'jwks', status: 503 })
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'discovery_failed', status: 502, browser, auth, before })
    const retried = await browser.navigate('/auth/link?connection=google-oauth2&returnTo=/done')
    expect(retried.url.pathname).toBe('/done')
    expect(emulator.hits.jwks - hitsBefore.jwks).toBe(2)
  })

  it.each([
    ['not JSON', 'nope', 'discovery_failed'],
    ['keys that are not a list', JSON.stringify({ keys: 'none' }), 'discovery_failed'],
    // An empty set is well formed; it only lacks the key, so the token is what fails.
    ['no keys at all', JSON.stringify({ keys: [] }), 'id_token_invalid'],
  ])('refuses the ID token when the key set is malformed: %s (%s)', async (_, body, code) => {
    const { auth, lastError, emulator, browser, before } = await freshInstanceForSignedInUser()
    const callback = await callbackFor(browser, LINK_GITHUB)
    emulator.fail({ endpoint: 'jwks', status: 200, body, times: 2 })
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code, status: 502, browser, auth, before })
  })

  it('shares one slow key set fetch between concurrent first callbacks', async () => {
    const { emulator } = tenant
    const { auth } = recordingAuth(emulator)
    const browsers = Array.from({ length: 5 }, () => new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN }))
    const callbacks = await Promise.all(browsers.map((browser) => callbackFor(browser, '/auth/login?returnTo=/home')))
    emulator.fail({ endpoint: 'jwks', delayMs: 50 })
    const responses = await Promise.all(browsers.map((browser, i) => browser.send(callbacks[i]!)))
    expect(responses.map((response) => response.headers.get('location'))).toEqual(Array(5).fill(`${APP_ORIGIN}/home`))
    expect(emulator.hits.jwks).toBe(1)
  })
})
