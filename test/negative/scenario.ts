import { expect } from 'vitest'
import type { Auth, AuthOptions } from '../../core/index.js'
import type { Auth0Emulator } from '../../testing/index.js'
import { TestBrowser } from '../support/browser.js'
import { signedInBrowser } from '../support/flows.js'
import { APP_ORIGIN, createTestAuth } from '../support/tenant.js'
import { type SessionSnapshot, snapshotSession } from './expect-safe-failure.js'

/** An auth instance whose `onError` records every error the handlers turn into a response. */
export function recordingAuth(emulator: Auth0Emulator, overrides: Partial<AuthOptions> = {}) {
  const errors: Error[] = []
  const auth = createTestAuth(emulator, {
    ...overrides,
    onError: (error) => {
      errors.push(error)
    },
  })
  return { auth, errors, lastError: () => errors.at(-1) }
}

/** A signed-in browser plus what its session looked like, the starting point of most cases. */
export async function signedIn(auth: Auth<unknown>, emulator: Auth0Emulator): Promise<{ browser: TestBrowser; before: SessionSnapshot }> {
  const browser = await signedInBrowser(auth, emulator)
  return { browser, before: await snapshotSession(auth, browser) }
}

/** A browser for `auth` that starts with a copy of `other`'s cookies (the same user, another app instance). */
export function browserWithCookiesOf(other: TestBrowser, auth: Auth<unknown>, emulator: Auth0Emulator): TestBrowser {
  const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
  for (const [name, value] of other.cookies) browser.cookies.set(name, value)
  return browser
}

/**
 * Starts a flow through its handler and lets the emulator answer `/authorize`; resolves with
 * the callback URL Auth0 sent the browser back to (not yet visited).
 */
export async function callbackFor(browser: TestBrowser, start: string): Promise<URL> {
  const started = await browser.send(start)
  expect(started.status).toBe(302)
  const authorize = new URL(started.headers.get('location')!)
  const answered = await browser.send(authorize)
  expect(answered.status).toBe(302)
  return new URL(answered.headers.get('location')!)
}

export const LINK_GITHUB = '/auth/link?connection=github&returnTo=/settings'
export const UNLINK_GITHUB = '/auth/unlink?connection=github&returnTo=/settings'
