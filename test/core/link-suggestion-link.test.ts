import { describe, expect, it } from 'vitest'
import type { LinkHookContext } from '../../core/index.js'
import { signedIn } from '../negative/scenario.js'
import { TestBrowser } from '../support/browser.js'
import { BOB_GOOGLE, DUPLICATE_USERS } from '../support/duplicates.js'
import { storeOptionsOf } from '../support/flows.js'
import { APP_ORIGIN, createTestAuth, useMockedTenant } from '../support/tenant.js'

const tenant = useMockedTenant({ users: DUPLICATE_USERS, defaultUser: 'auth0|bob' })
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

describe('linking a suggestion', () => {
  it("signs into exactly the suggested account, merges Bob's settings, links it, and the suggestion is gone", async () => {
    const linked: LinkHookContext[] = []
    const auth = createTestAuth(tenant.emulator, { suggestions: { enabled: true }, onLink: (context) => void linked.push(context) })
    const { browser } = await signedIn(auth, tenant.emulator)
    const [suggestion] = await auth.client.getLinkSuggestions(storeOptionsOf(browser))
    const started = await browser.send('/auth/link', {
      method: 'POST',
      headers: FORM,
      body: new URLSearchParams({ suggestion: suggestion!.userId, returnTo: '/account' }),
    })
    expect(started.status).toBe(302)
    const authorize = new URL(started.headers.get('location')!)
    expect(authorize.searchParams.get('connection')).toBe('google-oauth2')
    expect(authorize.searchParams.get('login_hint')).toBe('bob@example.com')
    expect(authorize.searchParams.get('prompt')).toBe('login')
    expect(authorize.searchParams.get('max_age')).toBe('0')
    // The real id is in no URL: only in the encrypted transaction cookie.
    expect(authorize.href).not.toContain('109876543210987654321')

    const { url } = await browser.navigate(authorize)
    expect(url.pathname).toBe('/account')
    const bob = tenant.emulator.getUser('auth0|bob')
    expect(bob?.identities.map((identity) => `${identity.provider}|${identity.user_id}`)).toEqual(['auth0|bob', BOB_GOOGLE])
    // Bob's keys stay, the Google account's missing ones are added, its app_metadata (roles) is not.
    expect(bob?.user_metadata).toEqual({ theme: 'light', locale: 'de' })
    expect(bob?.app_metadata).toEqual({ plan: 'pro', link_kit: { note: 'kept' } })
    expect(tenant.emulator.getUser(BOB_GOOGLE)).toBeUndefined()
    expect(linked.map(({ primary, secondary }) => [primary.sub, secondary.sub])).toEqual([['auth0|bob', BOB_GOOGLE]])
    expect((await auth.getSession(browser.request('/')))?.user.sub).toBe('auth0|bob')
    expect(await auth.client.getLinkSuggestions(storeOptionsOf(browser))).toEqual([])
  })

  it("with primary: 'other' makes the suggested account the primary and the session its", async () => {
    const linked: LinkHookContext[] = []
    const auth = createTestAuth(tenant.emulator, { suggestions: { enabled: true }, onLink: (context) => void linked.push(context) })
    const { browser } = await signedIn(auth, tenant.emulator)
    const [suggestion] = await auth.client.getLinkSuggestions(storeOptionsOf(browser))
    const { url } = await browser.navigate('/auth/link', {
      method: 'POST',
      headers: FORM,
      body: new URLSearchParams({ suggestion: suggestion!.userId, primary: 'other', returnTo: '/account' }),
    })
    expect(url.pathname).toBe('/account')
    const google = tenant.emulator.getUser(BOB_GOOGLE)
    expect(google?.identities.map((identity) => `${identity.provider}|${identity.user_id}`)).toEqual([BOB_GOOGLE, 'auth0|bob'])
    expect(tenant.emulator.getUser('auth0|bob')).toBeUndefined()
    const session = await auth.getSession(browser.request('/'))
    expect(session?.user.sub).toBe(BOB_GOOGLE)
    expect(linked.map(({ primary, secondary }) => [primary.sub, secondary.sub])).toEqual([[BOB_GOOGLE, 'auth0|bob']])
  })

  it('sends no PATCH when the merge has nothing to add, and none at all with mergeMetadata: false', async () => {
    const auth = createTestAuth(tenant.emulator, { suggestions: { enabled: true }, mergeMetadata: false })
    const { browser } = await signedIn(auth, tenant.emulator)
    const [suggestion] = await auth.client.getLinkSuggestions(storeOptionsOf(browser))
    await browser.navigate('/auth/link', { method: 'POST', headers: FORM, body: new URLSearchParams({ suggestion: suggestion!.userId }) })
    const bob = tenant.emulator.getUser('auth0|bob')
    expect(bob?.identities).toHaveLength(2)
    expect(bob?.user_metadata).toEqual({ theme: 'light' })
  })

  it('signed out, signs in first and then goes on into the suggested link', async () => {
    const auth = createTestAuth(tenant.emulator, { suggestions: { enabled: true } })
    const browser = new TestBrowser({ auth, emulator: tenant.emulator, appOrigin: APP_ORIGIN })
    const { url } = await browser.navigate('/auth/link', {
      method: 'POST',
      headers: FORM,
      body: new URLSearchParams({ suggestion: 'google-oauth2|…4321', returnTo: '/account' }),
    })
    expect(url.pathname).toBe('/account')
    expect(tenant.emulator.getUser('auth0|bob')?.identities).toHaveLength(2)
    expect(tenant.emulator.getUser(BOB_GOOGLE)).toBeUndefined()
  })
})
