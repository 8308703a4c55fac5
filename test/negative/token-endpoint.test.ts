import { describe, expect, it } from 'vitest'
import type { EmulatorFailure } from '../../testing/index.js'
import { useMockedTenant } from '../support/tenant.js'
import { expectSafeFailure } from './expect-safe-failure.js'
import { callbackFor, LINK_GITHUB, recordingAuth, signedIn } from './scenario.js'

const tenant = useMockedTenant()

describe('token endpoint failures (each keeps the existing session)', () => {
  it.each<[string, EmulatorFailure, string, number]>([
    [
      '400 invalid_grant',
      { endpoint: 'token', status: 400, body: JSON.stringify({ error: 'invalid_grant', error_description: 'Invalid authorization code' }) },
      'token_exchange_failed',
      502,
    ],
    [
      '401 invalid_client',
      { endpoint: 'token', status: 401, body: JSON.stringify({ error: 'invalid_client', error_description: 'Unknown client' }) },
      'token_exchange_failed',
      502,
    ],
    ['500', { endpoint: 'token', status: 500 }, 'token_exchange_failed', 502],
    ['503 with an empty body', { endpoint: 'token', status: 503, body: '' }, 'token_exchange_failed', 502],
    ['200 with invalid JSON', { endpoint: 'token', status: 200, body: '{"access_token": ' }, 'token_exchange_failed', 502],
    [
      '200 with an HTML body',
      { endpoint: 'token', status: 200, body: '<html><body>Proxy error</body></html>', contentType: 'text/html' },
      'token_exchange_failed',
      502,
    ],
    ['a refused connection', { endpoint: 'token', network: true }, 'token_exchange_failed', 502],
  ])('answers %s as %s (%i)', async (_, failure, code, status) => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator)
    const { browser, before } = await signedIn(auth, emulator)
    const callback = await callbackFor(browser, LINK_GITHUB)
    emulator.fail(failure)
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code, status, browser, auth, before, secrets: [emulator.clientSecret] })
    expect(emulator.hits.token).toBe(2)
  })

  it('gives up on a response that never arrives after httpTimeout (timeout, 504)', async () => {
    const { emulator } = tenant
    // emulator.fetch honours the AbortSignal the way a real fetch does, so the timeout is observable.
    const { auth, lastError } = recordingAuth(emulator, { fetch: emulator.fetch, httpTimeout: 1000 })
    const { browser, before } = await signedIn(auth, emulator)
    const callback = await callbackFor(browser, LINK_GITHUB)
    emulator.fail({ endpoint: 'token', delayMs: 60_000 })
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'timeout', status: 504, browser, auth, before })
  })

  it('keeps the token response out of the error page when the token endpoint leaks a secret in its error', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator)
    const { browser, before } = await signedIn(auth, emulator)
    const callback = await callbackFor(browser, LINK_GITHUB)
    const leaked = 'eyJsecret-looking-token-from-a-broken-proxy'
    emulator.fail({ endpoint: 'token', status: 500, body: JSON.stringify({ error: 'server_error', error_description: leaked }) })
    const response = await browser.send(callback)
    await expectSafeFailure({
      response,
      error: lastError(),
      code: 'token_exchange_failed',
      status: 502,
      browser,
      auth,
      before,
      secrets: [leaked],
    })
  })
})
