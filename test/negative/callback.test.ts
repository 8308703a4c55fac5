import { describe, expect, it } from 'vitest'
import { TestBrowser } from '../support/browser.js'
import { APP_ORIGIN, useMockedTenant } from '../support/tenant.js'
import { expectSafeFailure, snapshotSession } from './expect-safe-failure.js'
import { callbackFor, LINK_GITHUB, recordingAuth, signedIn } from './scenario.js'

const tenant = useMockedTenant()

/** A signed-in browser with a link started and answered by Auth0, its callback not yet visited. */
async function pendingLink() {
  const { emulator } = tenant
  const recording = recordingAuth(emulator)
  const { browser, before } = await signedIn(recording.auth, emulator)
  const callback = await callbackFor(browser, LINK_GITHUB)
  return { ...recording, emulator, browser, before, callback }
}

function withParams(url: URL, change: (params: URLSearchParams) => void): URL {
  const changed = new URL(url)
  change(changed.searchParams)
  return changed
}

describe('callback parameters', () => {
  it('refuses a callback without state (invalid_callback)', async () => {
    const { auth, lastError, browser, before, callback } = await pendingLink()
    const response = await browser.send(withParams(callback, (params) => params.delete('state')))
    await expectSafeFailure({ response, error: lastError(), code: 'invalid_callback', status: 400, browser, auth, before })
  })

  it('refuses an unknown state (missing_transaction)', async () => {
    const { auth, lastError, browser, before, callback } = await pendingLink()
    const response = await browser.send(
      withParams(callback, (params) => params.set('state', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')),
    )
    await expectSafeFailure({ response, error: lastError(), code: 'missing_transaction', status: 400, browser, auth, before })
  })

  it('refuses a state that is not even a state value, without touching cookies (missing_transaction)', async () => {
    const { auth, lastError, browser, before, callback } = await pendingLink()
    const response = await browser.send(withParams(callback, (params) => params.set('state', 'x; Path=/\r\nSet-Cookie: a=b')))
    await expectSafeFailure({ response, error: lastError(), code: 'missing_transaction', status: 400, browser, auth, before })
    expect(response.headers.getSetCookie()).toEqual([])
  })

  it('refuses the state of a flow another browser started (missing_transaction)', async () => {
    const { auth, lastError, emulator, browser, before } = await pendingLink()
    const other = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    const foreignCallback = await callbackFor(other, '/auth/login')
    const response = await browser.send(foreignCallback)
    await expectSafeFailure({ response, error: lastError(), code: 'missing_transaction', status: 400, browser, auth, before })
  })

  it("refuses another tab's state paired with this tab's code: PKCE fails at the token endpoint", async () => {
    const { auth, lastError, browser, before, callback } = await pendingLink()
    const otherTab = await callbackFor(browser, '/auth/link?connection=google-oauth2')
    const crossed = withParams(callback, (params) => params.set('state', otherTab.searchParams.get('state')!))
    const response = await browser.send(crossed)
    await expectSafeFailure({ response, error: lastError(), code: 'token_exchange_failed', status: 502, browser, auth, before })
  })

  it('refuses a replayed callback once the transaction is used (missing_transaction)', async () => {
    const { auth, lastError, browser, callback } = await pendingLink()
    expect((await browser.send(callback)).status).toBe(302)
    const afterFirst = await snapshotSession(auth, browser)
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'missing_transaction', status: 400, browser, auth, before: afterFirst })
  })

  it('refuses a callback without code (invalid_callback)', async () => {
    const { auth, lastError, browser, before, callback } = await pendingLink()
    const response = await browser.send(withParams(callback, (params) => params.delete('code')))
    await expectSafeFailure({ response, error: lastError(), code: 'invalid_callback', status: 400, browser, auth, before })
  })

  it('refuses an iss parameter naming another issuer (invalid_callback)', async () => {
    const { auth, lastError, browser, before, callback } = await pendingLink()
    const response = await browser.send(withParams(callback, (params) => params.set('iss', 'https://evil.example/')))
    await expectSafeFailure({ response, error: lastError(), code: 'invalid_callback', status: 400, browser, auth, before })
  })

  it('accepts an iss parameter naming the tenant', async () => {
    const { auth, emulator, browser, callback } = await pendingLink()
    const response = await browser.send(withParams(callback, (params) => params.set('iss', emulator.issuer)))
    expect(response.status).toBe(302)
    expect((await auth.getUser(browser.request('/')))?.sub).toBe('auth0|alice')
  })
})

describe('Auth0 error redirects', () => {
  const description = 'Denied <img src=x onerror="alert(1)"> & \'quoted\' call +1-555-0100'
  for (const error of ['access_denied', 'login_required', 'invalid_request', 'unauthorized']) {
    for (const errorDescription of [description, undefined]) {
      it(`answers ${error} ${errorDescription ? 'without showing its' : 'without an'} error_description (authorization_error)`, async () => {
        const { emulator } = tenant
        const { auth, lastError } = recordingAuth(emulator)
        const { browser, before } = await signedIn(auth, emulator)
        emulator.fail({ endpoint: 'authorize', error, ...(errorDescription ? { errorDescription } : {}) })
        const callback = await callbackFor(browser, LINK_GITHUB)
        if (!errorDescription) callback.searchParams.delete('error_description')
        const response = await browser.send(callback)
        await expectSafeFailure({
          response,
          error: lastError(),
          code: 'authorization_error',
          status: 400,
          browser,
          auth,
          before,
          ...(errorDescription ? { auth0Description: errorDescription } : {}),
        })
        // The error keeps Auth0's words for the app's own logs; the page shows only our text.
        expect(lastError()).toMatchObject({ error, errorDescription })
        const html = await response.text()
        expect(html).toContain('Auth0 did not complete that request')
        expect(html).not.toContain('+1-555-0100')
        expect(html, 'the OAuth error code came from the query too').not.toContain(error)
      })
    }
  }

  it('answers JSON with the OAuth error code and without the description when the client asks for JSON', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator)
    const { browser, before } = await signedIn(auth, emulator)
    emulator.fail({ endpoint: 'authorize', error: 'access_denied', errorDescription: description })
    const callback = await callbackFor(browser, LINK_GITHUB)
    const response = await browser.send(callback, { headers: { accept: 'application/json' } })
    await expectSafeFailure({
      response,
      error: lastError(),
      code: 'authorization_error',
      status: 400,
      browser,
      auth,
      before,
      auth0Description: description,
    })
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    const body = (await response.json()) as Record<string, unknown>
    expect(body).toEqual({ error: 'authorization_error', message: expect.any(String), auth0_error: 'access_denied' })
    expect(String(body.message)).not.toContain('Denied')
  })

  it('leaves out an OAuth error that is not a registered-looking code', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator)
    const { browser, before } = await signedIn(auth, emulator)
    const crafted = 'Your_account_is_locked_call_us_at_once_or_lose_everything_you_own_today'
    emulator.fail({ endpoint: 'authorize', error: crafted })
    const callback = await callbackFor(browser, LINK_GITHUB)
    const response = await browser.send(callback, { headers: { accept: 'application/json' } })
    await expectSafeFailure({
      response,
      error: lastError(),
      code: 'authorization_error',
      status: 400,
      browser,
      auth,
      before,
      secrets: [crafted],
    })
    expect(await response.json()).toEqual({ error: 'authorization_error', message: expect.any(String) })
  })
})
