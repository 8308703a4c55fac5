import { describe, expect, it } from 'vitest'
import { BOB_GOOGLE, DUPLICATE_USERS } from '../support/duplicates.js'
import { storeOptionsOf } from '../support/flows.js'
import { useMockedTenant } from '../support/tenant.js'
import { expectSafeFailure } from './expect-safe-failure.js'
import { recordingAuth, signedIn } from './scenario.js'

const tenant = useMockedTenant({ users: DUPLICATE_USERS, defaultUser: 'auth0|bob' })

/** Bob's record at Auth0 and the Google account's: what "nothing changed at Auth0" compares. */
function auth0State() {
  return { bob: tenant.emulator.getUser('auth0|bob'), google: tenant.emulator.getUser(BOB_GOOGLE) }
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
      new Request('http://localhost:3000/auth/link-suggestions', { headers: { 'sec-fetch-site': 'same-origin' } }),
    ))!
    expect(response.status).toBe(401)
    expect((await response.json()).error).toBe('missing_session')
  })
})
