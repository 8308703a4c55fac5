// Organizations that do not come back as asked: no session is written, an existing one is kept.
import { describe, expect, it } from 'vitest'
import { TestBrowser } from '../support/browser.js'
import { APP_ORIGIN, useMockedTenant } from '../support/tenant.js'
import { expectSafeFailure, SIGNED_OUT, snapshotSession } from './expect-safe-failure.js'
import { callbackFor, LINK_GITHUB, recordingAuth } from './scenario.js'

const ACME = { id: 'org_acme123', name: 'acme', members: ['auth0|alice'] }
const GLOBEX = { id: 'org_globex456', name: 'globex', members: ['auth0|alice'] }

const tenant = useMockedTenant({ organizations: [ACME, GLOBEX] })

function signedOutBrowser(auth: ReturnType<typeof recordingAuth>['auth']) {
  return new TestBrowser({ auth, emulator: tenant.emulator, appOrigin: APP_ORIGIN })
}

describe('organization mismatches', () => {
  it.each<[string, string, Record<string, unknown>]>([
    ['another org_id', ACME.id, { org_id: GLOBEX.id, org_name: GLOBEX.name }],
    ['no org claims at all', ACME.id, { org_id: undefined, org_name: undefined }],
    ['only the right org_name when an id was asked for', ACME.id, { org_id: undefined }],
    ['another org_name when a name was asked for', 'acme', { org_name: 'globex' }],
    ['only the right org_id when a name was asked for', 'acme', { org_name: undefined }],
    ['an org_name that is not a string', 'acme', { org_name: ['acme'] }],
  ])('refuses a login whose ID token has %s (organization_mismatch, 403) and writes no session', async (_, organization, claims) => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator, { organization })
    const browser = signedOutBrowser(auth)
    const callback = await callbackFor(browser, '/auth/login')
    emulator.fail({ endpoint: 'token', idToken: { claims } })
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'organization_mismatch', status: 403, browser, auth, before: SIGNED_OUT })
  })

  it('accepts an org_name that differs only in case (positive control)', async () => {
    const { emulator } = tenant
    const { auth, errors } = recordingAuth(emulator, { organization: 'acme' })
    const browser = signedOutBrowser(auth)
    const callback = await callbackFor(browser, '/auth/login')
    emulator.fail({ endpoint: 'token', idToken: { claims: { org_name: 'ACME' } } })
    expect((await browser.send(callback)).status).toBe(302)
    expect(errors).toEqual([])
    expect((await auth.getSession(browser.request('/')))?.user.sub).toBe('auth0|alice')
  })

  it('refuses a tenant-action link inside an organization whose ID token comes back for another one, keeping the session', async () => {
    const { emulator } = tenant
    // The §5 request stays in the session's organization; a management-api link sign-in asks for none.
    const { auth, lastError } = recordingAuth(emulator, { linking: { strategy: 'tenant-action' } })
    const browser = signedOutBrowser(auth)
    await browser.navigate(`/auth/login?organization=${ACME.id}`)
    const before = await snapshotSession(auth, browser)
    expect(before.sub).toBe('auth0|alice')
    const callback = await callbackFor(browser, LINK_GITHUB)
    emulator.fail({ endpoint: 'token', idToken: { claims: { org_id: GLOBEX.id } } })
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'organization_mismatch', status: 403, browser, auth, before })
    expect((await auth.getSession(browser.request('/')))?.internal.organization).toBe(ACME.id)
  })

  it('refuses an unlink inside an organization whose ID token carries none, keeping the session', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator)
    const browser = signedOutBrowser(auth)
    await browser.navigate(`/auth/login?organization=${GLOBEX.id}`)
    await browser.navigate(LINK_GITHUB)
    const before = await snapshotSession(auth, browser)
    const callback = await callbackFor(browser, '/auth/unlink?connection=github')
    emulator.fail({ endpoint: 'token', idToken: { claims: { org_id: undefined, org_name: undefined } } })
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'organization_mismatch', status: 403, browser, auth, before })
  })

  it('answers /auth/login with an invitation but no organization as invalid_request (400), storing no transaction', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator)
    const browser = signedOutBrowser(auth)
    const response = await browser.send('/auth/login?invitation=abcDEF123')
    await expectSafeFailure({ response, error: lastError(), code: 'invalid_request', status: 400, browser, auth, before: SIGNED_OUT })
    expect(response.headers.getSetCookie()).toEqual([])
    expect(emulator.hits.authorize).toBe(0)
  })

  it.each([
    ['an organization with a space', 'organization=org%20acme'],
    ['an organization with a slash', 'organization=org_acme/../x'],
    ['an invitation with a quote', `organization=${ACME.id}&invitation=a%22b`],
    ['a login_hint with CR/LF', 'login_hint=alice%0D%0ASet-Cookie:%20x=1'],
    ['a 300-character ui_locales', `ui_locales=${'de'.repeat(150)}`],
  ])('answers /auth/login with %s as invalid_request (400)', async (_, query) => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator)
    const browser = signedOutBrowser(auth)
    const response = await browser.send(`/auth/login?${query}`)
    await expectSafeFailure({ response, error: lastError(), code: 'invalid_request', status: 400, browser, auth, before: SIGNED_OUT })
  })

  it('answers a login to an organization the user is not a member of with Auth0’s access_denied (authorization_error)', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator)
    const browser = signedOutBrowser(auth)
    const callback = await callbackFor(browser, `/auth/login?organization=${ACME.id}&login_hint=bob@example.com`)
    expect(callback.searchParams.get('error')).toBe('access_denied')
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'authorization_error', status: 400, browser, auth, before: SIGNED_OUT })
  })
})
