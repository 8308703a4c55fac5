import { describe, expect, it } from 'vitest'
import { TestBrowser } from '../support/browser.js'
import { APP_ORIGIN, useMockedTenant } from '../support/tenant.js'
import { recordingAuth, signedIn } from './scenario.js'

const tenant = useMockedTenant()

const transactionCookies = (browser: TestBrowser) => [...browser.cookies.keys()].filter((name) => name.startsWith('__a0_tx.'))
const MAX_COOKIE_HEADER = 8 * 1024

// test/core/cookies.test.ts covers 20 abandoned link starts; these cover the other flows and limits.
describe('cookie pile-up', () => {
  it('keeps at most 5 transaction cookies after 20 abandoned logins while signed out', async () => {
    const { emulator } = tenant
    const { auth } = recordingAuth(emulator)
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    for (let i = 0; i < 20; i++) {
      expect((await browser.send(`/auth/login?returnTo=/page-${i}`)).status).toBe(302)
      expect(transactionCookies(browser).length).toBeLessThanOrEqual(5)
    }
    expect(transactionCookies(browser)).toHaveLength(5)
    expect(browser.cookieHeader().length).toBeLessThan(MAX_COOKIE_HEADER)
  })

  it('keeps at most 5 after 20 abandoned link and unlink starts mixed, the session kept, the header under 8 KB', async () => {
    const { emulator } = tenant
    const { auth } = recordingAuth(emulator)
    const { browser, before } = await signedIn(auth, emulator)
    // Only a linked identity can be unlinked; a management-api link leaves the session as it was.
    await browser.navigate('/auth/link?connection=github')
    for (let i = 0; i < 20; i++) {
      const flow = i % 2 === 0 ? 'link' : 'unlink'
      expect((await browser.send(`/auth/${flow}?connection=github&returnTo=/page-${i}`)).status).toBe(302)
      expect(transactionCookies(browser).length).toBeLessThanOrEqual(5)
      expect(browser.cookieHeader().length).toBeLessThan(MAX_COOKIE_HEADER)
    }
    expect(browser.cookies.get('__session')).toBe(before.cookies.get('__session'))
    // The newest flow still completes after the pile-up was trimmed.
    const { url } = await browser.navigate('/auth/link?connection=github&returnTo=/linked')
    expect(url.pathname).toBe('/linked')
  })

  it('evicts the oldest transaction, so its callback then fails as missing_transaction', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator)
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    const first = await browser.send('/auth/login')
    const firstAuthorize = new URL(first.headers.get('location')!)
    for (let i = 0; i < 5; i++) await browser.send('/auth/login')
    const callback = new URL((await browser.send(firstAuthorize)).headers.get('location')!)
    const response = await browser.send(callback)
    expect(response.status).toBe(400)
    expect(lastError()).toMatchObject({ code: 'missing_transaction' })
  })

  it.each([
    ['/auth/login', { 'sec-purpose': 'prefetch' }],
    ['/auth/link?connection=github', { 'sec-purpose': 'prefetch' }],
    ['/auth/link?connection=github', { 'sec-purpose': 'prefetch;prerender' }],
    ['/auth/link?connection=github', { purpose: 'prefetch' }],
    ['/auth/unlink?connection=github', { 'sec-purpose': 'prefetch' }],
    ['/auth/link?connection=github', { 'x-purpose': 'preview' }],
  ])('a prefetch of %s (%j) sets no cookie and starts nothing', async (path, headers) => {
    const { emulator } = tenant
    const { auth } = recordingAuth(emulator)
    const { browser } = await signedIn(auth, emulator)
    const authorizeHits = emulator.hits.authorize
    const response = await browser.send(path, { headers })
    expect(response.status).toBe(204)
    expect(response.headers.getSetCookie()).toEqual([])
    expect(response.headers.get('location')).toBeNull()
    expect(emulator.hits.authorize).toBe(authorizeHits)
  })
})
