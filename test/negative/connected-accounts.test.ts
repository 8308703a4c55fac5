// Connected Accounts and Token Vault under attack and failure: every case asserts the typed
// error, a safe answer with the right status, and the session the browser had, unchanged.

import { describe, expect, it } from 'vitest'
import type { Auth, AuthOptions } from '../../core/index.js'
import type { Auth0Emulator } from '../../testing/index.js'
import { createAuth0Emulator } from '../../testing/index.js'
import { TestBrowser } from '../support/browser.js'
import { CONNECT_GOOGLE, CONNECTED_ACCOUNTS, connectCallbackFor } from '../support/connected-accounts.js'
import { APP_ORIGIN, useMockedTenant } from '../support/tenant.js'
import { expectSafeFailure, SIGNED_OUT, snapshotSession } from './expect-safe-failure.js'
import { browserWithCookiesOf, callbackFor, LINK_GITHUB, recordingAuth, signedIn } from './scenario.js'

const tenant = useMockedTenant()
const JSON_ACCEPT = { accept: 'application/json' }
const TEN_KB = 'a'.repeat(10 * 1024)

async function setup(overrides: Partial<AuthOptions> = {}, emulator: Auth0Emulator = tenant.emulator) {
  const recording = recordingAuth(emulator, { ...CONNECTED_ACCOUNTS, ...overrides })
  const { browser, before } = await signedIn(recording.auth, emulator)
  return { ...recording, emulator, browser, before }
}

/** A signed-in browser with a connect started and approved, its callback not yet visited. */
async function pendingConnect() {
  const context = await setup()
  const callback = await connectCallbackFor(context.browser)
  // Starting the connect stored a My Account API token in the session; that is the "before".
  return { ...context, callback, before: await snapshotSession(context.auth, context.browser) }
}

/** A browser whose session already holds a My Account API token with `read` (one list done). */
async function listedOnce(overrides: Partial<AuthOptions> = {}) {
  const context = await setup(overrides)
  expect((await context.browser.send('/auth/connected-accounts')).status).toBe(200)
  return { ...context, before: await snapshotSession(context.auth, context.browser) }
}

async function connectedOnce(overrides: Partial<AuthOptions> = {}, emulator?: Auth0Emulator) {
  const context = await setup(overrides, emulator)
  await context.browser.navigate(CONNECT_GOOGLE)
  expect(context.emulator.connectedAccounts('auth0|alice')).toHaveLength(1)
  return { ...context, before: await snapshotSession(context.auth, context.browser) }
}

function withParams(url: URL, change: (params: URLSearchParams) => void): URL {
  const changed = new URL(url)
  change(changed.searchParams)
  return changed
}

const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body: new URLSearchParams(fields),
})

describe('the connect callback', () => {
  it('refuses a replayed connect_code once the transaction is used (missing_transaction)', async () => {
    const { auth, lastError, browser, callback, emulator } = await pendingConnect()
    expect((await browser.send(callback)).status).toBe(302)
    const afterFirst = await snapshotSession(auth, browser)
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'missing_transaction', status: 400, browser, auth, before: afterFirst })
    expect(emulator.connectedAccounts('auth0|alice')).toHaveLength(1)
  })

  it("refuses another browser's connect_code with this browser's state: the My Account API sees another auth_session", async () => {
    const { auth, lastError, browser, before, callback, emulator } = await pendingConnect()
    const other = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    await other.navigate('/auth/login')
    const foreign = await connectCallbackFor(other)
    const response = await browser.send(
      withParams(callback, (params) => params.set('connect_code', foreign.searchParams.get('connect_code')!)),
    )
    await expectSafeFailure({ response, error: lastError(), code: 'my_account_api_error', status: 502, browser, auth, before })
    expect((lastError() as { upstreamStatus?: number }).upstreamStatus).toBe(400)
    expect(emulator.connectedAccounts('auth0|alice')).toEqual([])
  })

  it("refuses one tab's connect_code with another tab's state (auth_session mismatch)", async () => {
    const { auth, lastError, browser, callback, emulator } = await pendingConnect()
    const otherTab = await connectCallbackFor(browser, '/auth/connect?connection=github&returnTo=/')
    const before = await snapshotSession(auth, browser)
    const crossed = withParams(callback, (params) => params.set('state', otherTab.searchParams.get('state')!))
    const response = await browser.send(crossed)
    await expectSafeFailure({ response, error: lastError(), code: 'my_account_api_error', status: 502, browser, auth, before })
    expect(emulator.connectedAccounts('auth0|alice')).toEqual([])
  })

  it('refuses a callback without state (invalid_callback) or with a state that names nothing (missing_transaction)', async () => {
    const { auth, lastError, browser, before, callback } = await pendingConnect()
    let response = await browser.send(withParams(callback, (params) => params.delete('state')))
    await expectSafeFailure({ response, error: lastError(), code: 'invalid_callback', status: 400, browser, auth, before })
    response = await browser.send(withParams(callback, (params) => params.set('state', 'A'.repeat(43))))
    await expectSafeFailure({ response, error: lastError(), code: 'missing_transaction', status: 400, browser, auth, before })
  })

  it('refuses a callback with both code and connect_code, and leaves the transaction for the real one', async () => {
    const { auth, lastError, browser, before, callback, emulator } = await pendingConnect()
    const response = await browser.send(withParams(callback, (params) => params.set('code', 'forged')))
    await expectSafeFailure({ response, error: lastError(), code: 'invalid_callback', status: 400, browser, auth, before })
    expect((await browser.send(callback)).status).toBe(302)
    expect(emulator.connectedAccounts('auth0|alice')).toHaveLength(1)
  })

  it('refuses a connect_code on a link callback (invalid_callback)', async () => {
    const { auth, lastError, browser, before } = await setup()
    const link = await callbackFor(browser, LINK_GITHUB)
    const swapped = withParams(link, (params) => {
      params.set('connect_code', params.get('code')!)
      params.delete('code')
    })
    const response = await browser.send(swapped)
    await expectSafeFailure({ response, error: lastError(), code: 'invalid_callback', status: 400, browser, auth, before })
  })

  it('refuses a connect the user cancelled or whose ticket expired (authorization_error)', async () => {
    const { auth, lastError, browser, emulator } = await setup()
    const cases = [
      {
        fail: { endpoint: 'connect', error: 'access_denied', errorDescription: 'Call +1 555 0100 now' },
        description: 'Call +1 555 0100 now',
      },
      { fail: { endpoint: 'connect', expiredTicket: true }, description: undefined },
    ] as const
    for (const { fail, description } of cases) {
      const started = await browser.send(CONNECT_GOOGLE)
      expect(started.status).toBe(302)
      const before = await snapshotSession(auth, browser)
      emulator.fail(fail)
      const { response } = await browser.navigate(started.headers.get('location')!)
      await expectSafeFailure({
        response,
        error: lastError(),
        code: 'authorization_error',
        status: 400,
        browser,
        auth,
        before,
        ...(description ? { auth0Description: description } : {}),
      })
    }
    expect(emulator.connectedAccounts('auth0|alice')).toEqual([])
  })
})

describe('starting a connect', () => {
  it('refuses a cross-site start (cross_site_request) and starts nothing for a prefetch', async () => {
    const { auth, lastError, browser, before, emulator } = await setup()
    const response = await browser.send(CONNECT_GOOGLE, { headers: { 'sec-fetch-site': 'cross-site' } })
    await expectSafeFailure({ response, error: lastError(), code: 'cross_site_request', status: 403, browser, auth, before })
    const posted = await browser.send('/auth/connect', form({ connection: 'google-oauth2' }, { origin: 'https://evil.example' }))
    await expectSafeFailure({ response: posted, error: lastError(), code: 'cross_site_request', status: 403, browser, auth, before })
    const prefetch = await browser.send(CONNECT_GOOGLE, { headers: { 'sec-purpose': 'prefetch' } })
    expect(prefetch.status).toBe(204)
    expect(prefetch.headers.getSetCookie()).toEqual([])
    expect(emulator.hits['my-account']).toBe(0)
  })

  it('refuses a 10 KB connection or scopes before any call to Auth0 (invalid_request)', async () => {
    const { auth, lastError, browser, before, emulator } = await setup()
    const tokenRequests = emulator.hits.token
    for (const start of [
      `/auth/connect?connection=${TEN_KB}`,
      `/auth/connect?connection=google-oauth2&scopes=${TEN_KB}`,
      `/auth/connect?connection=google-oauth2&${Array.from({ length: 101 }, (_, i) => `scopes=s${i}`).join('&')}`,
    ]) {
      const response = await browser.send(start)
      await expectSafeFailure({ response, error: lastError(), code: 'invalid_request', status: 400, browser, auth, before })
    }
    const posted = await browser.send('/auth/connect', form({ connection: 'google-oauth2', scopes: TEN_KB }))
    await expectSafeFailure({ response: posted, error: lastError(), code: 'invalid_request', status: 400, browser, auth, before })
    expect(emulator.hits.token).toBe(tokenRequests)
    expect(emulator.hits['my-account']).toBe(0)
  })

  it('refuses a connection the tenant does not offer for Connected Accounts (my_account_api_error)', async () => {
    const { auth, lastError, browser } = await listedOnce()
    // The list left a token with read only; the start adds create, which writes the session once.
    await browser.navigate(CONNECT_GOOGLE)
    const before = await snapshotSession(auth, browser)
    const response = await browser.send('/auth/connect?connection=myspace', { headers: JSON_ACCEPT })
    await expectSafeFailure({ response, error: lastError(), code: 'my_account_api_error', status: 502, browser, auth, before })
  })

  it('refuses when Auth0 asks for MFA before the My Account API token (my_account_api_error, mfa_required)', async () => {
    const { auth, lastError, browser, before, emulator } = await setup()
    emulator.fail({ endpoint: 'token', grant: 'refresh_token', oauthError: 'mfa_required', status: 403 })
    const response = await browser.send(CONNECT_GOOGLE)
    await expectSafeFailure({ response, error: lastError(), code: 'my_account_api_error', status: 502, browser, auth, before })
    expect((lastError() as { error?: string }).error).toBe('mfa_required')
  })
})

describe('the My Account API failing', () => {
  const cases: Array<{ name: string; fail: Parameters<Auth0Emulator['fail']>[0]; code: string; status: number }> = [
    { name: '400', fail: { endpoint: 'my-account', status: 400 }, code: 'my_account_api_error', status: 502 },
    { name: '401 (revoked token)', fail: { endpoint: 'my-account', problem: 'invalid_token' }, code: 'my_account_api_error', status: 502 },
    {
      name: '403 (insufficient scope)',
      fail: { endpoint: 'my-account', problem: 'insufficient_scope' },
      code: 'my_account_api_error',
      status: 502,
    },
    { name: '429', fail: { endpoint: 'my-account', status: 429 }, code: 'my_account_api_error', status: 502 },
    { name: '503', fail: { endpoint: 'my-account', status: 503 }, code: 'my_account_api_error', status: 502 },
    {
      name: 'an HTML body',
      fail: { endpoint: 'my-account', status: 200, body: '<html>maintenance</html>', contentType: 'text/html' },
      code: 'my_account_api_error',
      status: 502,
    },
    { name: 'the network', fail: { endpoint: 'my-account', network: true }, code: 'my_account_api_error', status: 502 },
    { name: 'a timeout', fail: { endpoint: 'my-account', delayMs: 2000 }, code: 'timeout', status: 504 },
  ]
  for (const { name, fail, code, status } of cases) {
    it(`answers ${name} on the list safely (${code})`, async () => {
      const { auth, lastError, browser, before, emulator } = await listedOnce({ httpTimeout: 300 })
      emulator.fail(fail)
      const response = await browser.send('/auth/connected-accounts', { headers: JSON_ACCEPT })
      await expectSafeFailure({ response, error: lastError(), code, status, browser, auth, before })
      if (code === 'my_account_api_error' && 'status' in fail && fail.status !== 200) {
        expect((lastError() as { upstreamStatus?: number }).upstreamStatus).toBe(fail.status)
      }
    })
  }

  it('keeps the rotated refresh token when the API fails after the token refresh, so the session lives on', async () => {
    const emulator = await createAuth0Emulator({ refreshTokenRotation: true })
    const { auth, lastError, browser, before } = await setup({ fetch: emulator.fetch }, emulator)
    emulator.fail({ endpoint: 'my-account', status: 503 })
    const response = await browser.send('/auth/connected-accounts', { headers: JSON_ACCEPT })
    expect(response.status).toBe(502)
    expect((lastError() as { code?: string }).code).toBe('my_account_api_error')
    // The refresh rotated the token before the API failed: the new one is written, the old one is retired.
    const after = await auth.getSession(browser.request('/'))
    expect(after?.user.sub).toBe(before.sub)
    expect(after?.refreshToken).toBeDefined()
    expect(before.tokens).not.toContain(after?.refreshToken)
    expect((await browser.send('/auth/connected-accounts')).status).toBe(200)
  })

  it('answers a signed-out list 401 (missing_session) and asks Auth0 nothing', async () => {
    const recording = recordingAuth(tenant.emulator, CONNECTED_ACCOUNTS)
    const browser = new TestBrowser({ auth: recording.auth, emulator: tenant.emulator, appOrigin: APP_ORIGIN })
    const response = await browser.send('/auth/connected-accounts', { headers: JSON_ACCEPT })
    await expectSafeFailure({
      response,
      error: recording.lastError(),
      code: 'missing_session',
      status: 401,
      browser,
      auth: recording.auth,
      before: SIGNED_OUT,
    })
    expect(tenant.emulator.hits['my-account']).toBe(0)
  })
})

describe('disconnecting', () => {
  async function readyToDelete() {
    const context = await connectedOnce()
    // One disconnect by connection name that finds nothing leaves a token with read and delete.
    expect((await context.browser.send('/auth/disconnect', form({ connection: 'github' }))).status).toBe(302)
    return { ...context, before: await snapshotSession(context.auth, context.browser) }
  }

  it("refuses another user's account id: the API answers 404 and nothing is deleted (my_account_api_error)", async () => {
    const { emulator } = tenant
    const bob = await setup()
    emulator.signInAs('auth0|bob')
    const bobBrowser = new TestBrowser({ auth: bob.auth, emulator, appOrigin: APP_ORIGIN })
    await bobBrowser.navigate('/auth/login')
    await bobBrowser.navigate(CONNECT_GOOGLE)
    const [bobsAccount] = emulator.connectedAccounts('auth0|bob')
    emulator.signInAs('auth0|alice')
    const { auth, lastError, browser, before } = await readyToDelete()
    const response = await browser.send('/auth/disconnect', form({ id: bobsAccount!.id }, JSON_ACCEPT))
    await expectSafeFailure({ response, error: lastError(), code: 'my_account_api_error', status: 502, browser, auth, before })
    expect((lastError() as { upstreamStatus?: number }).upstreamStatus).toBe(404)
    expect(emulator.connectedAccounts('auth0|bob')).toHaveLength(1)
    expect(emulator.connectedAccounts('auth0|alice')).toHaveLength(1)
  })

  it('never sends a malformed id to the API (invalid_request)', async () => {
    const { auth, lastError, browser, before, emulator } = await readyToDelete()
    const calls = emulator.hits['my-account']
    for (const id of ['../../users/auth0|bob', 'cac_abc/../x', `cac_${TEN_KB}`]) {
      const response = await browser.send('/auth/disconnect', form({ id }))
      await expectSafeFailure({ response, error: lastError(), code: 'invalid_request', status: 400, browser, auth, before })
    }
    const nothing = await browser.send('/auth/disconnect', form({ returnTo: '/' }))
    await expectSafeFailure({ response: nothing, error: lastError(), code: 'invalid_request', status: 400, browser, auth, before })
    expect(emulator.hits['my-account']).toBe(calls)
  })

  it('refuses a cross-site disconnect (cross_site_request) and a GET (405)', async () => {
    const { auth, lastError, browser, before, emulator } = await readyToDelete()
    const [account] = emulator.connectedAccounts('auth0|alice')
    const response = await browser.send('/auth/disconnect', form({ id: account!.id }, { 'sec-fetch-site': 'cross-site' }))
    await expectSafeFailure({ response, error: lastError(), code: 'cross_site_request', status: 403, browser, auth, before })
    expect((await browser.send(`/auth/disconnect?id=${account!.id}`)).status).toBe(405)
    expect(emulator.connectedAccounts('auth0|alice')).toHaveLength(1)
  })
})

describe('the Token Vault exchange', () => {
  it('answers a connection that is not connected (connection_token_error, auth0_error)', async () => {
    const { auth, lastError, browser, before } = await setup()
    const response = await browser.send('/auth/connection-token?connection=github', { headers: JSON_ACCEPT })
    await expectSafeFailure({ response, error: lastError(), code: 'connection_token_error', status: 502, browser, auth, before })
    expect(((await response.json()) as { auth0_error?: string }).auth0_error).toBe('federated_connection_refresh_token_not_found')
    expect((lastError() as { upstreamStatus?: number }).upstreamStatus).toBe(401)
  })

  it('answers invalid_grant (connection_token_error)', async () => {
    const { auth, lastError, browser, before, emulator } = await connectedOnce()
    emulator.fail({ endpoint: 'token', grant: 'token-vault', oauthError: 'invalid_grant', status: 403 })
    const response = await browser.send('/auth/connection-token?connection=google-oauth2', { headers: JSON_ACCEPT })
    await expectSafeFailure({ response, error: lastError(), code: 'connection_token_error', status: 502, browser, auth, before })
    expect((lastError() as { error?: string }).error).toBe('invalid_grant')
  })

  it('refuses a 10 KB connection and a cross-site request before any exchange', async () => {
    const { auth, lastError, browser, before, emulator } = await connectedOnce()
    const tokenRequests = emulator.hits.token
    const long = await browser.send(`/auth/connection-token?connection=${TEN_KB}`, { headers: JSON_ACCEPT })
    await expectSafeFailure({ response: long, error: lastError(), code: 'invalid_request', status: 400, browser, auth, before })
    const cross = await browser.send('/auth/connection-token?connection=google-oauth2', {
      headers: { ...JSON_ACCEPT, 'sec-fetch-site': 'cross-site' },
    })
    await expectSafeFailure({ response: cross, error: lastError(), code: 'cross_site_request', status: 403, browser, auth, before })
    expect(emulator.hits.token).toBe(tokenRequests)
  })

  it('uses the successor of a refresh token this process rotated moments ago, so Auth0 sees no reuse', async () => {
    const emulator = await createAuth0Emulator({ refreshTokenRotation: true })
    const { auth, browser } = await connectedOnce({ fetch: emulator.fetch }, emulator)
    const stale = browserWithCookiesOf(browser, auth as Auth<unknown>, emulator)
    // This browser's list rotates the refresh token (read scope is new); the copy still holds the old one.
    expect((await browser.send('/auth/connected-accounts')).status).toBe(200)
    const response = await stale.send('/auth/connection-token?connection=google-oauth2', { headers: JSON_ACCEPT })
    expect(response.status).toBe(200)
    // Both sessions still work: the grant was not revoked.
    expect((await browser.send('/auth/connection-token?connection=google-oauth2', { headers: JSON_ACCEPT })).status).toBe(200)
    expect((await browser.send('/auth/connected-accounts')).status).toBe(200)
    expect((await stale.send('/auth/connected-accounts')).status).toBe(200)
  })

  it('refuses a refresh token another instance rotated (connection_token_error, invalid_grant)', async () => {
    const emulator = await createAuth0Emulator({ refreshTokenRotation: true })
    const { auth, lastError, browser, before } = await connectedOnce({ fetch: emulator.fetch }, emulator)
    // Another instance (its own memory) refreshes this session's token first.
    const otherInstance = recordingAuth(emulator, { ...CONNECTED_ACCOUNTS, fetch: emulator.fetch })
    const elsewhere = browserWithCookiesOf(browser, otherInstance.auth, emulator)
    expect((await elsewhere.send('/auth/connected-accounts')).status).toBe(200)
    const response = await browser.send('/auth/connection-token?connection=google-oauth2', { headers: JSON_ACCEPT })
    await expectSafeFailure({ response, error: lastError(), code: 'connection_token_error', status: 502, browser, auth, before })
    expect((lastError() as { error?: string }).error).toBe('invalid_grant')
  })
})
