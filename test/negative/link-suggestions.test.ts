import { describe, expect, it } from 'vitest'
import { defaultMergeMetadata, type LinkedUserMetadata } from '../../core/metadata-merge.js'
import { BOB_GOOGLE, DUPLICATE_USERS, managementCall, OTHER_GOOGLE } from '../support/duplicates.js'
import { storeOptionsOf } from '../support/flows.js'
import { useMockedTenant } from '../support/tenant.js'
import { expectSafeFailure } from './expect-safe-failure.js'
import { recordingAuth, signedIn } from './scenario.js'

/** Another app of the tenant, allowed to delete users (the kit's own grant is not). */
const DELETER = { client_id: 'deleter', client_secret: 'deleter-secret-that-is-long-enough' }

const tenant = useMockedTenant({
  users: DUPLICATE_USERS,
  defaultUser: 'auth0|bob',
  clients: [{ ...DELETER, name: 'Deleter', app_type: 'non_interactive', managementScopes: ['delete:users'] }],
})

/**
 * A user's record at Auth0 without what a mere sign-in changes (`last_login`, counters): what
 * "nothing changed at Auth0" compares. Signing into an account is not changing it.
 */
function recordOf(userId: string) {
  const user = tenant.emulator.getUser(userId)
  if (!user) return undefined
  const { last_login: _lastLogin, logins_count: _count, ...kept } = user as typeof user & { logins_count?: number }
  return kept
}

/** Bob's record at Auth0 and the Google account's. */
function auth0State() {
  return { bob: recordOf('auth0|bob'), google: recordOf(BOB_GOOGLE) }
}

const DECLINE_FORM = { 'content-type': 'application/x-www-form-urlencoded' }

describe('link suggestions: bad input and failure', () => {
  for (const status of [403, 500, 503]) {
    it(`answers users-by-email ${status} with a typed 502, the session intact and nothing changed at Auth0`, async () => {
      const { auth, lastError } = recordingAuth(tenant.emulator, { suggestions: { enabled: true } })
      const { browser, before } = await signedIn(auth, tenant.emulator)
      const state = auth0State()
      tenant.emulator.fail({
        endpoint: 'management',
        status,
        body: JSON.stringify({ statusCode: status, error: 'Error', message: 'Insufficient scope, expected any of: read:users' }),
      })
      const response = await browser.send('/auth/link-suggestions')
      await expectSafeFailure({ response, error: lastError(), code: 'management_api_error', status: 502, browser, auth, before })
      expect(auth0State()).toEqual(state)
    })
  }

  it('refuses a decline for a user id that was never suggested with 400, changing nothing', async () => {
    const { auth, lastError } = recordingAuth(tenant.emulator, { suggestions: { enabled: true } })
    const { browser, before } = await signedIn(auth, tenant.emulator)
    const state = auth0State()
    for (const userId of ['auth0|carol', 'github|…2468', BOB_GOOGLE, '']) {
      const response = await browser.send('/auth/link-suggestions/decline', {
        method: 'POST',
        headers: DECLINE_FORM,
        body: new URLSearchParams({ userId }),
      })
      await expectSafeFailure({ response, error: lastError(), code: 'invalid_request', status: 400, browser, auth, before })
    }
    expect(auth0State()).toEqual(state)
  })

  it('refuses cross-site requests to both routes with 403', async () => {
    const { auth, lastError } = recordingAuth(tenant.emulator, { suggestions: { enabled: true } })
    const { browser, before } = await signedIn(auth, tenant.emulator)
    const [suggestion] = await auth.client.getLinkSuggestions(storeOptionsOf(browser))
    const state = auth0State()
    const attempts: Array<[string, RequestInit]> = [
      ['/auth/link-suggestions', { headers: { 'sec-fetch-site': 'cross-site' } }],
      ['/auth/link-suggestions', { headers: { 'sec-fetch-site': 'same-site' } }],
      ['/auth/link-suggestions', { headers: { origin: 'https://evil.example' } }],
      [
        '/auth/link-suggestions/decline',
        {
          method: 'POST',
          headers: { ...DECLINE_FORM, 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
          body: new URLSearchParams({ userId: suggestion!.userId }),
        },
      ],
    ]
    for (const [path, init] of attempts) {
      const response = await browser.send(path, init)
      await expectSafeFailure({ response, error: lastError(), code: 'cross_site_request', status: 403, browser, auth, before })
    }
    // A POST that says nothing about where it came from (no Fetch Metadata, no Origin) is not trusted either.
    const bare = new Request('http://localhost:3000/auth/link-suggestions/decline', {
      method: 'POST',
      headers: { ...DECLINE_FORM, cookie: browser.cookieHeader() },
      body: new URLSearchParams({ userId: suggestion!.userId }),
    })
    const response = (await auth.handler(bare))!
    browser.store(response)
    await expectSafeFailure({ response, error: lastError(), code: 'cross_site_request', status: 403, browser, auth, before })
    expect(auth0State()).toEqual(state)
  })

  it('answers a signed-out request with 401 and no session', async () => {
    const { auth } = recordingAuth(tenant.emulator, { suggestions: { enabled: true } })
    const response = (await auth.handler(
      new Request('http://localhost:3000/auth/link-suggestions', {
        headers: { 'sec-fetch-site': 'same-origin', accept: 'application/json' },
      }),
    ))!
    expect(response.status).toBe(401)
    expect((await response.json()).error).toBe('missing_session')
  })
})

describe('linking a suggestion: bad input and failure', () => {
  async function suggestionOf(auth: Parameters<typeof signedIn>[0], browser: Awaited<ReturnType<typeof signedIn>>['browser']) {
    const [suggestion] = await auth.client.getLinkSuggestions(storeOptionsOf(browser))
    expect(suggestion).toBeDefined()
    return suggestion!.userId
  }

  it('refuses a sign-in as another Google account than the suggested one, linking nothing', async () => {
    const { auth, lastError } = recordingAuth(tenant.emulator, { suggestions: { enabled: true } })
    const { browser, before } = await signedIn(auth, tenant.emulator)
    const suggestion = await suggestionOf(auth, browser)
    const state = { ...auth0State(), other: recordOf(OTHER_GOOGLE) }
    const started = await browser.send('/auth/link', {
      method: 'POST',
      headers: DECLINE_FORM,
      body: new URLSearchParams({ suggestion }),
    })
    const authorize = new URL(started.headers.get('location')!)
    // At Google's account chooser the user picks another account.
    authorize.searchParams.set('login_hint', 'someone.else@example.com')
    const answered = await browser.send(authorize)
    const response = await browser.send(new URL(answered.headers.get('location')!), { headers: { 'sec-fetch-site': 'cross-site' } })
    await expectSafeFailure({ response, error: lastError(), code: 'suggestion_mismatch', status: 403, browser, auth, before })
    expect({ ...auth0State(), other: recordOf(OTHER_GOOGLE) }).toEqual(state)
  })

  it('refuses a suggestion that was linked elsewhere since it was shown, before any sign-in', async () => {
    const { auth, lastError } = recordingAuth(tenant.emulator, { suggestions: { enabled: true } })
    const { browser, before } = await signedIn(auth, tenant.emulator)
    const suggestion = await suggestionOf(auth, browser)
    const [provider, userId] = BOB_GOOGLE.split('|') as [string, string]
    expect((await managementCall(tenant.emulator, 'POST', 'users/auth0%7Ccarol/identities', { provider, user_id: userId })).status).toBe(
      201,
    )
    const state = { bob: recordOf('auth0|bob'), carol: recordOf('auth0|carol') }
    const authorizeCalls = tenant.emulator.hits.authorize
    const response = await browser.send('/auth/link', { method: 'POST', headers: DECLINE_FORM, body: new URLSearchParams({ suggestion }) })
    await expectSafeFailure({ response, error: lastError(), code: 'suggestion_unavailable', status: 409, browser, auth, before })
    expect(tenant.emulator.hits.authorize).toBe(authorizeCalls)
    expect({ bob: recordOf('auth0|bob'), carol: recordOf('auth0|carol') }).toEqual(state)
  })

  it('refuses a suggestion whose user was deleted since it was shown, before any sign-in', async () => {
    const { auth, lastError } = recordingAuth(tenant.emulator, { suggestions: { enabled: true } })
    const { browser, before } = await signedIn(auth, tenant.emulator)
    const suggestion = await suggestionOf(auth, browser)
    const deleter = {
      origin: tenant.emulator.origin,
      clientId: DELETER.client_id,
      clientSecret: DELETER.client_secret,
      fetch: tenant.emulator.fetch,
    }
    expect((await managementCall(deleter, 'DELETE', `users/${encodeURIComponent(BOB_GOOGLE)}`)).status).toBe(204)
    const state = auth0State()
    expect(state.google).toBeUndefined()
    const authorizeCalls = tenant.emulator.hits.authorize
    const response = await browser.send('/auth/link', { method: 'POST', headers: DECLINE_FORM, body: new URLSearchParams({ suggestion }) })
    await expectSafeFailure({ response, error: lastError(), code: 'suggestion_unavailable', status: 409, browser, auth, before })
    expect(tenant.emulator.hits.authorize).toBe(authorizeCalls)
    expect(auth0State()).toEqual(state)
  })

  it('refuses a suggestion id that was never one, and a malformed primary, with no redirect', async () => {
    const { auth, lastError } = recordingAuth(tenant.emulator, { suggestions: { enabled: true } })
    const { browser, before } = await signedIn(auth, tenant.emulator)
    const suggestion = await suggestionOf(auth, browser)
    for (const [form, code, status] of [
      [{ suggestion: 'google-oauth2|…9999' }, 'suggestion_unavailable', 409],
      [{ suggestion: BOB_GOOGLE }, 'suggestion_unavailable', 409],
      [{ suggestion: '' }, 'invalid_request', 400],
      [{ suggestion, primary: 'both' }, 'invalid_request', 400],
    ] as const) {
      const response = await browser.send('/auth/link', { method: 'POST', headers: DECLINE_FORM, body: new URLSearchParams(form) })
      await expectSafeFailure({ response, error: lastError(), code, status, browser, auth, before })
    }
  })

  for (const [what, merge] of [
    [
      'Auth0 refuses the merge PATCH',
      (primary: LinkedUserMetadata, secondary: LinkedUserMetadata) => {
        // The policy runs after both users were read: the next Management API call is the PATCH.
        tenant.emulator.fail({ endpoint: 'management', status: 503 })
        return defaultMergeMetadata(primary, secondary)
      },
    ],
    [
      'the mergeMetadata hook throws',
      () => {
        throw new Error('the app could not decide')
      },
    ],
  ] as const) {
    it(`links nothing, with a clear error, when ${what}`, async () => {
      const { auth, lastError } = recordingAuth(tenant.emulator, { suggestions: { enabled: true }, mergeMetadata: merge })
      const { browser, before } = await signedIn(auth, tenant.emulator)
      const suggestion = await suggestionOf(auth, browser)
      const state = auth0State()
      const started = await browser.send('/auth/link', { method: 'POST', headers: DECLINE_FORM, body: new URLSearchParams({ suggestion }) })
      const answered = await browser.send(new URL(started.headers.get('location')!))
      const response = await browser.send(new URL(answered.headers.get('location')!), { headers: { 'sec-fetch-site': 'cross-site' } })
      await expectSafeFailure({ response, error: lastError(), code: 'metadata_merge_failed', status: 502, browser, auth, before })
      expect(auth0State()).toEqual(state)
    })
  }
})
