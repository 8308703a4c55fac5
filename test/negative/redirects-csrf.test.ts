import { describe, expect, it } from 'vitest'
import { TestBrowser } from '../support/browser.js'
import { APP_ORIGIN, useMockedTenant } from '../support/tenant.js'
import { expectSafeFailure } from './expect-safe-failure.js'
import { recordingAuth, signedIn } from './scenario.js'

const tenant = useMockedTenant()

/** Redirect targets an attacker would put in `returnTo`; each must end on the app's `/`. */
const OFF_SITE_TARGETS = [
  'https://evil.example/phish',
  'http://evil.example',
  '//evil.example',
  '///evil.example',
  '/\\evil.example',
  '\\/evil.example',
  'javascript:alert(document.cookie)',
  'JAVASCRIPT:alert(1)',
  'java\tscript:alert(1)',
  '%2F%2Fevil.example',
  '/%2F%2Fevil.example',
  '/%5Cevil.example',
  '/%2F/evil.example',
  '%2f%2fevil.example',
  'https%3A%2F%2Fevil.example',
  '/%252F%252Fevil.example',
  'https://localhost:3000@evil.example/',
  'http://localhost:3000.evil.example/',
  '/x\r\nSet-Cookie: injected=1',
  '/x%0d%0aSet-Cookie:%20injected=1',
  '/x%E2%80%A8Location: https://evil.example',
]

/** Every Location the app (not Auth0) answered with during the navigation. */
function appLocations(browser: TestBrowser): string[] {
  return browser.visits
    .filter((visit) => visit.url.origin === APP_ORIGIN)
    .map((visit) => visit.response.headers.get('location'))
    .filter((location): location is string => location !== null)
}

function expectStaysOnSite(browser: TestBrowser, landed: URL) {
  expect(landed.origin).toBe(APP_ORIGIN)
  for (const location of appLocations(browser)) {
    expect(location).not.toMatch(/[\r\n]/)
    const target = new URL(location, APP_ORIGIN)
    expect([APP_ORIGIN, tenant.emulator.origin]).toContain(target.origin)
  }
  expect(browser.cookies.has('injected')).toBe(false)
}

describe('returnTo never leads off-site', () => {
  it.each(OFF_SITE_TARGETS)('after login: %j', async (returnTo) => {
    const { emulator } = tenant
    const { auth } = recordingAuth(emulator)
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    const { url } = await browser.navigate(`/auth/login?returnTo=${encodeURIComponent(returnTo)}`)
    expectStaysOnSite(browser, url)
    // A decoded path may legitimately keep odd characters, but never as a host.
    expect(url.pathname.startsWith('//')).toBe(false)
    expect((await auth.getUser(browser.request('/')))?.sub).toBe('auth0|alice')
  })

  it.each(OFF_SITE_TARGETS.slice(0, 8))('after link: %j', async (returnTo) => {
    const { emulator } = tenant
    const { auth } = recordingAuth(emulator)
    const { browser } = await signedIn(auth, emulator)
    const { url } = await browser.navigate(`/auth/link?connection=github&returnTo=${encodeURIComponent(returnTo)}`)
    expectStaysOnSite(browser, url)
    expect(url.pathname).toBe('/')
  })

  it.each(OFF_SITE_TARGETS)('after logout: %j', async (returnTo) => {
    const { emulator } = tenant
    const { auth } = recordingAuth(emulator)
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    const response = await browser.send(`/auth/logout?returnTo=${encodeURIComponent(returnTo)}`)
    expect(response.status).toBe(302)
    const location = new URL(response.headers.get('location')!)
    expect(location.origin).toBe(emulator.origin)
    const back = new URL(location.searchParams.get('post_logout_redirect_uri')!)
    expect(back.origin).toBe(APP_ORIGIN)
    expect(back.pathname.startsWith('//')).toBe(false)
  })

  it('keeps a same-origin returnTo on logout', async () => {
    const { emulator } = tenant
    const { auth } = recordingAuth(emulator)
    const { browser } = await signedIn(auth, emulator)
    const response = await browser.send('/auth/logout?returnTo=%2Fbye%3Fa%3D1')
    const location = new URL(response.headers.get('location')!)
    expect(location.searchParams.get('post_logout_redirect_uri')).toBe(`${APP_ORIGIN}/bye?a=1`)
  })
})

describe('header injection', () => {
  it.each(['github\r\nSet-Cookie: injected=1', 'github%0d%0aLocation:%20https://evil.example', 'git hub', '../github', ''])(
    'refuses the connection %j with invalid_request (400)',
    async (connection) => {
      const { emulator } = tenant
      const { auth, lastError } = recordingAuth(emulator)
      const { browser, before } = await signedIn(auth, emulator)
      const response = await browser.send(`/auth/link?connection=${encodeURIComponent(connection)}`)
      await expectSafeFailure({ response, error: lastError(), code: 'invalid_request', status: 400, browser, auth, before })
      expect(response.headers.getSetCookie()).toEqual([])
      expect(response.headers.get('location')).toBeNull()
    },
  )
})

describe('cross-site starts of link and unlink are refused (403)', () => {
  const crossSite: Array<[string, Record<string, string>]> = [
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site (a sibling subdomain)', { 'sec-fetch-site': 'same-site' }],
    ['a foreign Origin', { 'sec-fetch-site': '', origin: 'https://evil.example' }],
    ['a foreign Origin on another port', { 'sec-fetch-site': '', origin: 'http://localhost:3001' }],
    ['Origin: null (sandboxed frame)', { 'sec-fetch-site': '', origin: 'null' }],
  ]
  for (const flow of ['link', 'unlink']) {
    it.each(crossSite)(`${flow} by GET with %s`, async (_, headers) => {
      const { emulator } = tenant
      const { auth, lastError } = recordingAuth(emulator)
      const { browser, before } = await signedIn(auth, emulator)
      const response = await browser.send(`/auth/${flow}?connection=github`, { headers })
      await expectSafeFailure({ response, error: lastError(), code: 'cross_site_request', status: 403, browser, auth, before })
      expect(response.headers.getSetCookie()).toEqual([])
    })

    it(`${flow} by a POSTed form from another site`, async () => {
      const { emulator } = tenant
      const { auth, lastError } = recordingAuth(emulator)
      const { browser, before } = await signedIn(auth, emulator)
      const response = await browser.send(`/auth/${flow}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
        body: 'connection=github',
      })
      await expectSafeFailure({ response, error: lastError(), code: 'cross_site_request', status: 403, browser, auth, before })
    })
  }

  it('still starts a link from the app itself (same-origin Origin and Sec-Fetch-Site)', async () => {
    const { emulator } = tenant
    const { auth } = recordingAuth(emulator)
    const { browser } = await signedIn(auth, emulator)
    const response = await browser.send('/auth/link?connection=github', {
      headers: { origin: APP_ORIGIN, 'sec-fetch-site': 'same-origin' },
    })
    expect(response.status).toBe(302)
  })
})
