import { expect } from 'vitest'
import type { AuthOptions } from '../../core/index.js'
import type { TestBrowser } from './browser.js'

/** Every connected-accounts route on, as the demo runs it. */
export const CONNECTED_ACCOUNTS: Partial<AuthOptions> = { connectedAccounts: { enabled: true, connectionTokenRoute: true } }

export const CALENDAR_SCOPE = 'https://www.googleapis.com/auth/calendar.readonly'
export const CONNECT_GOOGLE = `/auth/connect?connection=google-oauth2&scopes=openid&scopes=${encodeURIComponent(CALENDAR_SCOPE)}&returnTo=/calendar`

/**
 * Starts a connect through its handler and lets the emulator's connect page answer; resolves
 * with the callback URL (`connect_code` + `state`) the browser was sent back to, not yet visited.
 */
export async function connectCallbackFor(browser: TestBrowser, start: string = CONNECT_GOOGLE): Promise<URL> {
  const started = await browser.send(start)
  expect(started.status).toBe(302)
  const answered = await browser.send(new URL(started.headers.get('location')!))
  expect(answered.status).toBe(302)
  const callback = new URL(answered.headers.get('location')!)
  expect(callback.searchParams.has('connect_code')).toBe(true)
  return callback
}
