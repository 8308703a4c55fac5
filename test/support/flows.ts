import { expect } from 'vitest'
import type { Auth } from '../../core/index.js'
import type { Auth0Emulator } from '../../testing/index.js'
import { TestBrowser } from './browser.js'
import { APP_ORIGIN } from './tenant.js'

/** A browser that has signed in through the handlers and holds a session cookie. */
export async function signedInBrowser(auth: Auth<unknown>, emulator: Auth0Emulator): Promise<TestBrowser> {
  const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
  const { url, response } = await browser.navigate('/auth/login?returnTo=/home')
  expect(response.status).toBe(200)
  expect(url.pathname).toBe('/home')
  return browser
}

/** Store options for a programmatic call made by `browser`, with a fresh response to collect cookies. */
export function storeOptionsOf(browser: TestBrowser, url: string = '/') {
  const response = new Response(null)
  return { request: browser.request(url), response }
}

/** Applies what a programmatic call wrote to the response to the browser's jar. */
export function keep(browser: TestBrowser, storeOptions: { response: Response }) {
  browser.store(storeOptions.response)
}
