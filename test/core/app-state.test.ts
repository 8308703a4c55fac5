import { describe, expect, it } from 'vitest'
import { TestBrowser } from '../support/browser.js'
import { storeOptionsOf } from '../support/flows.js'
import { APP_ORIGIN, createTestAuth, useMockedTenant } from '../support/tenant.js'

const tenant = useMockedTenant()

// What the handlers once kept inside appState to continue a signed-out link; now the transaction
// has its own `continuation`, and a caller's appState is never read for it.
const lookalike = {
  returnTo: '/after-login',
  // biome-ignore lint/suspicious/noThenProperty: the old handlers read exactly this key
  then: { flow: 'link', connection: 'github', returnTo: '/stolen' },
  continuation: { flow: 'unlink', connection: 'google-oauth2', returnTo: '/stolen' },
  nested: { list: [1, 'two', { three: null }] },
}

describe("the caller's appState", () => {
  it('round-trips unchanged through completeInteractiveLogin, however it is shaped', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    const start = storeOptionsOf(browser)
    const url = await auth.client.startInteractiveLogin({ appState: lookalike }, start)
    browser.store(start.response)
    const callback = new URL((await browser.send(url)).headers.get('location')!)
    const done = storeOptionsOf(browser, callback.href)
    const { appState } = await auth.client.completeInteractiveLogin(callback, done)
    expect(appState).toEqual(lookalike)
  })

  it('changes nothing about what the callback handler does: no link or unlink starts, returnTo is followed', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    const start = storeOptionsOf(browser)
    const url = await auth.client.startInteractiveLogin({ appState: lookalike }, start)
    browser.store(start.response)
    const authorizeHits = emulator.hits.authorize

    const { url: landed } = await browser.navigate(url)
    expect(landed.pathname).toBe('/after-login')
    expect(emulator.hits.authorize).toBe(authorizeHits + 1)
    expect(browser.visitsTo('/authorize')).toHaveLength(1)
    expect(emulator.getUser('auth0|alice')!.identities.map((identity) => identity.connection)).not.toContain('github')
  })
})
