import { describe, expect, it } from 'vitest'
import type { DeclinedSuggestionStore } from '../../core/suggestions.js'
import { signedIn } from '../negative/scenario.js'
import { BOB_GOOGLE, DUPLICATE_USERS } from '../support/duplicates.js'
import { storeOptionsOf } from '../support/flows.js'
import { createTestAuth, useMockedTenant } from '../support/tenant.js'

const tenant = useMockedTenant({ users: DUPLICATE_USERS, defaultUser: 'auth0|bob' })

function bobAuth(overrides: Parameters<typeof createTestAuth>[1] = {}) {
  return createTestAuth(tenant.emulator, { suggestions: { enabled: true }, ...overrides })
}

describe('getLinkSuggestions', () => {
  it("suggests Bob's verified Google account, masked, and nothing else of it", async () => {
    const auth = bobAuth()
    const { browser } = await signedIn(auth, tenant.emulator)
    const response = await browser.send('/auth/link-suggestions')
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const text = await response.text()
    expect(JSON.parse(text)).toEqual({
      suggestions: [
        { connection: 'google-oauth2', provider: 'google-oauth2', userId: 'google-oauth2|…4321', lastLogin: '2026-11-01T10:00:00.000Z' },
      ],
    })
    // Neither the real id, nor the other account's name or metadata, nor the unverified GitHub account.
    for (const leak of [BOB_GOOGLE, 'Bob G', 'dark', 'admin', 'github']) expect(text).not.toContain(leak)
  })

  it('answers a second page view from the cache, without asking the Management API', async () => {
    const auth = bobAuth()
    const { browser } = await signedIn(auth, tenant.emulator)
    const first = await auth.client.getLinkSuggestions(storeOptionsOf(browser))
    const calls = tenant.emulator.hits.management
    const second = await auth.client.getLinkSuggestions(storeOptionsOf(browser))
    expect(second).toEqual(first)
    expect(tenant.emulator.hits.management).toBe(calls)
  })

  it('suggests nothing, and asks Auth0 nothing, when the session email is unverified', async () => {
    tenant.emulator.signInAs('auth0|carol')
    const auth = bobAuth()
    const { browser } = await signedIn(auth, tenant.emulator)
    const calls = tenant.emulator.hits.management
    expect(await auth.client.getLinkSuggestions(storeOptionsOf(browser))).toEqual([])
    expect(tenant.emulator.hits.management).toBe(calls)
  })

  it('answers a rate-limited Management API (429) with no suggestions, not an error', async () => {
    const auth = bobAuth()
    const { browser } = await signedIn(auth, tenant.emulator)
    tenant.emulator.fail({ endpoint: 'management', status: 429, body: JSON.stringify({ statusCode: 429, error: 'Too Many Requests' }) })
    const response = await browser.send('/auth/link-suggestions')
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ suggestions: [] })
  })

  it('is not routed unless suggestions.enabled', async () => {
    const auth = createTestAuth(tenant.emulator)
    expect(auth.routePaths.has('/auth/link-suggestions')).toBe(false)
    expect(await auth.handler(new Request('http://localhost:3000/auth/link-suggestions'))).toBeNull()
  })
})

describe('declining a suggestion ("Not me")', () => {
  it("remembers it in app_metadata.link_kit.declined, keeps the user's other app_metadata, and does not suggest it again", async () => {
    const auth = bobAuth()
    const { browser } = await signedIn(auth, tenant.emulator)
    const [suggestion] = await auth.client.getLinkSuggestions(storeOptionsOf(browser))
    const declined = await browser.send('/auth/link-suggestions/decline', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ userId: suggestion!.userId, returnTo: '/account' }),
    })
    expect(declined.status).toBe(302)
    expect(declined.headers.get('location')).toBe('http://localhost:3000/account')
    const bob = tenant.emulator.getUser('auth0|bob')
    expect(bob?.app_metadata).toEqual({ plan: 'pro', link_kit: { note: 'kept', declined: [BOB_GOOGLE] } })
    expect(await auth.client.getLinkSuggestions(storeOptionsOf(browser))).toEqual([])
    // A new instance (no cache) reads the decline back from Auth0.
    const fresh = bobAuth()
    expect(await fresh.client.getLinkSuggestions(storeOptionsOf(browser))).toEqual([])
  })

  it('uses the app’s suggestions.store instead of Auth0 when given one', async () => {
    const declines = new Map<string, string[]>()
    const store: DeclinedSuggestionStore = {
      get: async (userId) => declines.get(userId) ?? [],
      add: async (userId, declinedUserId) => {
        declines.set(userId, [...(declines.get(userId) ?? []), declinedUserId])
      },
    }
    const auth = bobAuth({ suggestions: { enabled: true, store } })
    const { browser } = await signedIn(auth, tenant.emulator)
    const [suggestion] = await auth.client.getLinkSuggestions(storeOptionsOf(browser))
    await auth.client.declineLinkSuggestion(suggestion!.userId, storeOptionsOf(browser))
    expect(declines.get('auth0|bob')).toEqual([BOB_GOOGLE])
    expect(tenant.emulator.getUser('auth0|bob')?.app_metadata).toEqual({ plan: 'pro', link_kit: { note: 'kept' } })
    expect(await auth.client.getLinkSuggestions(storeOptionsOf(browser))).toEqual([])
  })
})
