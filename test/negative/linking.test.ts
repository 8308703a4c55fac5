// Linking and unlinking (DESIGN §15) under attack and failure: every case asserts the typed
// error, a safe answer with the right status, the session the browser had, unchanged, and the
// user's identities at Auth0, unchanged (except where Auth0 already linked before a hook failed).

import { describe, expect, it } from 'vitest'
import type { AuthOptions } from '../../core/index.js'
import type { Auth0Emulator, EmulatorFailure } from '../../testing/index.js'
import { TestBrowser } from '../support/browser.js'
import { APP_ORIGIN, useMockedTenant } from '../support/tenant.js'
import { expectSafeFailure, snapshotSession } from './expect-safe-failure.js'
import { callbackFor, LINK_GITHUB, recordingAuth, signedIn, UNLINK_GITHUB } from './scenario.js'

const tenant = useMockedTenant()

const identitiesOf = (emulator: Auth0Emulator, userId: string) =>
  emulator.getUser(userId)?.identities.map((i) => `${i.provider}|${i.user_id}`)

/**
 * A fetch to the emulator that injects `failure` into the first Management API call with
 * `method` once armed (the failures of one endpoint are otherwise taken in order, whatever the call).
 */
function failingManagementCall(emulator: Auth0Emulator, method: string, failure: EmulatorFailure, armed = true) {
  const trigger = { armed }
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init)
    if (trigger.armed && request.method === method && new URL(request.url).pathname.startsWith('/api/v2/users/')) {
      trigger.armed = false
      emulator.fail(failure)
    }
    return emulator.fetch(request)
  }
  return { fetch, trigger }
}

async function setup(overrides: Partial<AuthOptions> = {}) {
  const { emulator } = tenant
  const recording = recordingAuth(emulator, overrides)
  const { browser, before } = await signedIn(recording.auth, emulator)
  return { ...recording, emulator, browser, before, identities: identitiesOf(emulator, 'auth0|alice') }
}

/** Alice with GitHub linked, then the session snapshot as it is now. */
async function withGithubLinked(overrides: Partial<AuthOptions> = {}) {
  const context = await setup(overrides)
  const { url } = await context.browser.navigate(LINK_GITHUB)
  expect(url.pathname).toBe('/settings')
  const { snapshotSession } = await import('./expect-safe-failure.js')
  return {
    ...context,
    before: await snapshotSession(context.auth, context.browser),
    identities: identitiesOf(context.emulator, 'auth0|alice'),
  }
}

describe('linking with bad input', () => {
  it('refuses a secondary that signed into another provider than the one asked for (user_mismatch)', async () => {
    const { auth, emulator, browser, before, identities, lastError } = await setup()
    const started = await browser.send(LINK_GITHUB)
    const authorize = new URL(started.headers.get('location')!)
    authorize.searchParams.set('connection', 'google-oauth2')
    const answered = await browser.send(authorize)
    const response = await browser.send(answered.headers.get('location')!)
    await expectSafeFailure({ response, error: lastError(), code: 'user_mismatch', status: 403, browser, auth, before })
    expect(identitiesOf(emulator, 'auth0|alice')).toEqual(identities)
  })

  it('refuses a secondary ID token whose auth_time is older than 300 s (+ 30 s clock tolerance) (id_token_invalid)', async () => {
    const { auth, emulator, browser, before, identities, lastError } = await setup()
    const callback = await callbackFor(browser, LINK_GITHUB)
    emulator.fail({ endpoint: 'token', idToken: { claims: { auth_time: Math.floor(Date.now() / 1000) - 400 } } })
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'id_token_invalid', status: 502, browser, auth, before })
    expect(identitiesOf(emulator, 'auth0|alice')).toEqual(identities)
  })

  it('refuses a replayed link callback (missing_transaction) and links nothing twice', async () => {
    const { auth, emulator, browser, lastError } = await setup()
    const callback = await callbackFor(browser, LINK_GITHUB)
    expect((await browser.send(callback)).status).toBe(302)
    const before = await snapshotSession(auth, browser)
    const identities = identitiesOf(emulator, 'auth0|alice')
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'missing_transaction', status: 400, browser, auth, before })
    expect(identitiesOf(emulator, 'auth0|alice')).toEqual(identities)
  })

  it("refuses another browser's link callback (missing_transaction)", async () => {
    const { auth, emulator, browser: victim, before, identities, lastError } = await setup()
    const attacker = await setup()
    const callback = await callbackFor(attacker.browser, LINK_GITHUB)
    const response = await victim.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'missing_transaction', status: 400, browser: victim, auth, before })
    expect(identitiesOf(emulator, 'auth0|alice')).toEqual(identities)
  })

  it('refuses a cross-site link or unlink start (cross_site_request) before any redirect', async () => {
    const { auth, emulator, browser, before, identities, lastError } = await setup()
    const authorizeHits = emulator.hits.authorize
    for (const path of [LINK_GITHUB, UNLINK_GITHUB]) {
      const response = await browser.send(path, { headers: { 'sec-fetch-site': 'cross-site' } })
      await expectSafeFailure({ response, error: lastError(), code: 'cross_site_request', status: 403, browser, auth, before })
    }
    expect(emulator.hits.authorize).toBe(authorizeHits)
    expect(identitiesOf(emulator, 'auth0|alice')).toEqual(identities)
  })

  it('refuses to unlink the primary identity or a connection that is not linked (400) before any redirect', async () => {
    const { auth, emulator, browser, before, identities, lastError } = await setup()
    const authorizeHits = emulator.hits.authorize
    for (const path of ['/auth/unlink?connection=Username-Password-Authentication', UNLINK_GITHUB]) {
      const response = await browser.send(path)
      await expectSafeFailure({ response, error: lastError(), code: 'invalid_request', status: 400, browser, auth, before })
    }
    expect(emulator.hits.authorize).toBe(authorizeHits)
    expect(identitiesOf(emulator, 'auth0|alice')).toEqual(identities)
  })
})

const STATUSES = [400, 401, 403, 429, 500, 503] as const

describe('Management API failures while linking', () => {
  it.each(['GET', 'POST'] as const)('answers each refusal of the %s at link completion with a typed error', async (method) => {
    for (const status of [...STATUSES, 409]) {
      const { emulator } = tenant
      const { auth, browser, before, identities, lastError } = await setup({
        fetch: failingManagementCall(emulator, method, { endpoint: 'management', status }).fetch,
      })
      const callback = await callbackFor(browser, LINK_GITHUB)
      const response = await browser.send(callback)
      const conflict = status === 409 && method === 'POST'
      const code = conflict ? 'identity_already_linked' : 'management_api_error'
      await expectSafeFailure({ response, error: lastError(), code, status: conflict ? 409 : 502, browser, auth, before })
      if (status === 403)
        expect((lastError() as Error).message).toMatch(/needs the (read|update):users permission.*Machine to Machine Applications/)
      expect(identitiesOf(emulator, 'auth0|alice')).toEqual(identities)
    }
  })

  it('answers a Management API that does not answer in time with timeout (504)', async () => {
    const { emulator } = tenant
    const { auth, browser, before, identities, lastError } = await setup({
      httpTimeout: 1000,
      fetch: failingManagementCall(emulator, 'POST', { endpoint: 'management', delayMs: 60_000 }).fetch,
    })
    const callback = await callbackFor(browser, LINK_GITHUB)
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'timeout', status: 504, browser, auth, before })
    expect(identitiesOf(emulator, 'auth0|alice')).toEqual(identities)
  })

  it('names the cause when the client-credentials token is refused', async () => {
    const { auth, emulator, browser, before, identities, lastError } = await setup()
    const callback = await callbackFor(browser, LINK_GITHUB)
    emulator.fail({
      endpoint: 'token',
      grant: 'client_credentials',
      oauthError: 'access_denied',
      errorDescription: 'Client is not authorized to access the API',
      status: 403,
    })
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'management_api_error', status: 502, browser, auth, before })
    expect((lastError() as Error).message).toMatch(/access_denied.*Machine to Machine Applications/)
    expect(identitiesOf(emulator, 'auth0|alice')).toEqual(identities)
  })

  it('says Auth0 already linked when onLink throws (link_hook_failed), and keeps the session', async () => {
    const { auth, emulator, browser, before, lastError } = await setup({
      onLink: () => {
        throw new Error('database down')
      },
    })
    const callback = await callbackFor(browser, LINK_GITHUB)
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'link_hook_failed', status: 500, browser, auth, before })
    expect((lastError() as Error).message).toMatch(/Auth0 already linked the github identity/)
    expect(identitiesOf(emulator, 'auth0|alice')).toContain('github|5550001')
  })
})

describe('Management API failures while unlinking', () => {
  it('answers each refusal of the GET at unlink start with a typed error, before any redirect', async () => {
    for (const status of STATUSES) {
      const { emulator } = tenant
      const failing = failingManagementCall(emulator, 'GET', { endpoint: 'management', status }, false)
      const context = await withGithubLinked({ fetch: failing.fetch })
      failing.trigger.armed = true
      const { auth, browser, before, identities, lastError } = context
      const response = await browser.send(UNLINK_GITHUB)
      await expectSafeFailure({ response, error: lastError(), code: 'management_api_error', status: 502, browser, auth, before })
      expect(identitiesOf(emulator, 'auth0|alice')).toEqual(identities)
    }
  })

  it('answers each refusal of the DELETE at unlink completion with a typed error', async () => {
    for (const status of STATUSES) {
      const { emulator } = tenant
      const failing = failingManagementCall(emulator, 'DELETE', { endpoint: 'management', status }, false)
      const context = await withGithubLinked({ fetch: failing.fetch })
      failing.trigger.armed = true
      const { auth, browser, before, identities, lastError } = context
      const callback = await callbackFor(browser, UNLINK_GITHUB)
      const response = await browser.send(callback)
      await expectSafeFailure({ response, error: lastError(), code: 'management_api_error', status: 502, browser, auth, before })
      expect(identitiesOf(emulator, 'auth0|alice')).toEqual(identities)
    }
  })

  it('refuses an unlink re-authentication that comes back for another user (user_mismatch)', async () => {
    const { auth, emulator, browser, before, identities, lastError } = await withGithubLinked()
    const callback = await callbackFor(browser, UNLINK_GITHUB)
    emulator.fail({ endpoint: 'token', idToken: { claims: { sub: 'auth0|bob' } } })
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'user_mismatch', status: 403, browser, auth, before })
    expect(identitiesOf(emulator, 'auth0|alice')).toEqual(identities)
  })
})

describe('a tenant-action app on a tenant without the Action', () => {
  it('answers link_not_applied (502), naming both fixes, with the session and the user unchanged', async () => {
    const { auth, emulator, browser, before, identities, lastError } = await setup({ linking: { strategy: 'tenant-action' } })
    const callback = await callbackFor(browser, LINK_GITHUB)
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'link_not_applied', status: 502, browser, auth, before })
    const message = (lastError() as Error).message
    expect(message).toContain('tenant/actions/account-linking.js')
    expect(message).toContain("strategy: 'management-api'")
    expect(identitiesOf(emulator, 'auth0|alice')).toEqual(identities)
  })
})

it('keeps signed-out browsers signed out when a link callback fails', async () => {
  const { emulator } = tenant
  const { auth, errors } = recordingAuth(emulator)
  const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
  const response = await browser.send('/auth/callback?state=unknown&code=x')
  expect(response.status).toBe(400)
  expect(errors.at(-1)).toMatchObject({ code: 'missing_transaction' })
})
