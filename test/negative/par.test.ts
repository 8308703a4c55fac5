// Pushed authorization requests that fail: each keeps the session (or the signed-out state) as it was.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createAuth0Emulator, type EmulatorFailure } from '../../testing/index.js'
import { TestBrowser } from '../support/browser.js'
import { APP_ORIGIN, useMockedTenant } from '../support/tenant.js'
import { expectSafeFailure, SIGNED_OUT } from './expect-safe-failure.js'
import { LINK_GITHUB, recordingAuth, signedIn } from './scenario.js'

const tenant = useMockedTenant()

afterEach(() => {
  vi.useRealTimers()
})

function transactionCookies(response: Response): string[] {
  return response.headers.getSetCookie().filter((cookie) => cookie.startsWith('__a0_tx.'))
}

describe('pushed authorization request failures', () => {
  it.each<[string, EmulatorFailure, string, number]>([
    [
      '400 invalid_request',
      { endpoint: 'par', status: 400, body: JSON.stringify({ error: 'invalid_request', error_description: 'Invalid organization' }) },
      'pushed_authorization_failed',
      502,
    ],
    [
      '401 invalid_client',
      { endpoint: 'par', status: 401, body: JSON.stringify({ error: 'invalid_client', error_description: 'Unknown client' }) },
      'pushed_authorization_failed',
      502,
    ],
    ['500', { endpoint: 'par', status: 500 }, 'pushed_authorization_failed', 502],
    [
      '503 with an HTML body',
      { endpoint: 'par', status: 503, body: '<h1>down</h1>', contentType: 'text/html' },
      'pushed_authorization_failed',
      502,
    ],
    ['201 without a request_uri', { endpoint: 'par', status: 201, body: '{"expires_in":30}' }, 'pushed_authorization_failed', 502],
    ['a refused connection', { endpoint: 'par', network: true }, 'pushed_authorization_failed', 502],
  ])(
    'answers a PAR endpoint %s on link as pushed_authorization_failed (502), session and transactions untouched',
    async (_, failure, code, status) => {
      const { emulator } = tenant
      const { auth, lastError } = recordingAuth(emulator, { pushedAuthorizationRequests: true })
      const { browser, before } = await signedIn(auth, emulator)
      emulator.fail(failure)
      const response = await browser.send(LINK_GITHUB)
      await expectSafeFailure({ response, error: lastError(), code, status, browser, auth, before, secrets: [emulator.clientSecret] })
      expect(transactionCookies(response), 'a refused push stores no transaction').toEqual([])
      expect(emulator.hits.par).toBe(2)
    },
  )

  it('answers a PAR endpoint 400 on login as pushed_authorization_failed and stays signed out', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator, { pushedAuthorizationRequests: true })
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    emulator.fail({ endpoint: 'par', status: 400, body: JSON.stringify({ error: 'invalid_request', error_description: 'nope' }) })
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
    expect((lastError() as { error?: string }).error).toBe('invalid_request')
  })

  it('gives up on a PAR endpoint that does not answer within httpTimeout (timeout, 504)', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator, { fetch: emulator.fetch, httpTimeout: 500, pushedAuthorizationRequests: true })
    const { browser, before } = await signedIn(auth, emulator)
    emulator.fail({ endpoint: 'par', delayMs: 60_000 })
    const response = await browser.send(LINK_GITHUB)
    await expectSafeFailure({ response, error: lastError(), code: 'timeout', status: 504, browser, auth, before })
  })

  it('answers a tenant without a PAR endpoint with configuration_error (500) and never sends the parameters to /authorize', async () => {
    const emulator = await createAuth0Emulator({ pushedAuthorizationRequests: false })
    const { auth, lastError } = recordingAuth(emulator, { fetch: emulator.fetch, pushedAuthorizationRequests: true })
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    const response = await browser.send('/auth/login')
    await expectSafeFailure({ response, error: lastError(), code: 'configuration_error', status: 500, browser, auth, before: SIGNED_OUT })
    expect(response.headers.get('location')).toBeNull()
    expect(emulator.hits.authorize).toBe(0)
  })

  it('answers a request_uri that expired at Auth0 (error redirect) as authorization_error, keeping the session', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator, { pushedAuthorizationRequests: true })
    const { browser, before } = await signedIn(auth, emulator)
    const started = await browser.send(LINK_GITHUB)
    expect(started.status).toBe(302)
    // The user lingers past the 30 s Auth0 keeps a request_uri (only Date is faked: crypto and I/O run as usual).
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 31_000 })
    const answered = await browser.send(started.headers.get('location')!)
    expect(answered.status).toBe(302)
    const callback = new URL(answered.headers.get('location')!)
    expect(callback.searchParams.get('error')).toBe('invalid_request_uri')
    const response = await browser.send(callback)
    await expectSafeFailure({
      response,
      error: lastError(),
      code: 'authorization_error',
      status: 400,
      browser,
      auth,
      before,
      auth0Description: 'The request_uri has expired',
    })
  })
})
