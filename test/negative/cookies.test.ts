import { describe, expect, it } from 'vitest'
import { CHUNK_SIZE } from '../../core/cookies/jar.js'
import type { SessionData } from '../../core/index.js'
import { TestBrowser } from '../support/browser.js'
import { APP_ORIGIN, SECRET, useMockedTenant } from '../support/tenant.js'
import { expectSafeFailure, snapshotSession } from './expect-safe-failure.js'
import { browserWithCookiesOf, callbackFor, LINK_GITHUB, recordingAuth, signedIn } from './scenario.js'

const tenant = useMockedTenant()
const NEW_SECRET = 'a-brand-new-secret-that-is-also-32-characters-long'

/** Random, incompressible filler so a session grows by exactly what we add. */
function filler(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length))
  return Array.from(bytes, (byte) => 'abcdefghijklmnopqrstuvwxyz0123456789'[byte % 36])
    .join('')
    .slice(0, length)
}

/** Past the default size cap (6,000), for the tests of chunking itself. */
const LARGE = { maxCookieSize: 40_000 }

const bigSession = (size: number) => (session: SessionData) => ({ ...session, user: { ...session.user, big: filler(size) } })

/** Signed-out is the safe reading of a bad session cookie: no 500, profile 401, link goes to login. */
async function expectReadAsSignedOut(browser: TestBrowser, auth: { getSession(request: Request): Promise<unknown> }) {
  expect(await auth.getSession(browser.request('/'))).toBeUndefined()
  const profile = await browser.send('/auth/profile')
  expect(profile.status).toBe(401)
  const link = await browser.send(LINK_GITHUB)
  expect(link.status).toBe(302)
  expect(new URL(link.headers.get('location')!).searchParams.get('scope')).not.toContain('link_account')
}

describe('a bad session cookie reads as signed out', () => {
  it.each<[string, (value: string) => string]>([
    [
      'tampered in the ciphertext',
      (value) => {
        const parts = value.split('.')
        const ciphertext = parts[3]!
        const middle = ciphertext.length >> 1
        parts[3] = `${ciphertext.slice(0, middle)}${ciphertext[middle] === 'A' ? 'B' : 'A'}${ciphertext.slice(middle + 1)}`
        return parts.join('.')
      },
    ],
    ['truncated', (value) => value.slice(0, value.length >> 1)],
    ['garbage', () => 'not-a-jwe-at-all'],
    ['empty', () => ''],
    ['five dots', () => '.....'],
    [
      'a JWE header with another kid',
      (value) => `${btoa(JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid: 'x' })).replace(/=+$/, '')}${value.slice(value.indexOf('.'))}`,
    ],
  ])('%s', async (_, corrupt) => {
    const { emulator } = tenant
    const { auth, errors } = recordingAuth(emulator)
    const { browser } = await signedIn(auth, emulator)
    browser.cookies.set('__session', corrupt(browser.cookies.get('__session')!))
    await expectReadAsSignedOut(browser, auth)
    expect(errors).toEqual([])
  })

  it('written with a secret since rotated out', async () => {
    const { emulator } = tenant
    const { auth: old } = recordingAuth(emulator)
    const { browser: original } = await signedIn(old, emulator)
    const { auth } = recordingAuth(emulator, { secret: NEW_SECRET })
    await expectReadAsSignedOut(browserWithCookiesOf(original, auth, emulator), auth)
  })

  it('of a chunked session with a chunk missing (first or middle)', async () => {
    const { emulator } = tenant
    const { auth } = recordingAuth(emulator, { beforeSessionSaved: bigSession(8000), session: LARGE })
    const { browser } = await signedIn(auth, emulator)
    expect(browser.cookies.has('__session.2')).toBe(true)
    for (const missing of ['__session.0', '__session.1']) {
      const copy = browserWithCookiesOf(browser, auth, emulator)
      copy.cookies.delete(missing)
      await expectReadAsSignedOut(copy, auth)
    }
  })

  it('of a chunked session with a chunk from an older session', async () => {
    const { emulator } = tenant
    const { auth } = recordingAuth(emulator, { beforeSessionSaved: bigSession(8000), session: LARGE })
    const { browser } = await signedIn(auth, emulator)
    const older = browser.cookies.get('__session.1')!
    await browser.navigate('/auth/login?returnTo=/again')
    expect(browser.cookies.get('__session.1')).not.toBe(older)
    browser.cookies.set('__session.1', older)
    await expectReadAsSignedOut(browser, auth)
  })
})

describe('transaction cookies', () => {
  it('refuses a callback whose transaction cookie was tampered with (missing_transaction)', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator)
    const { browser, before } = await signedIn(auth, emulator)
    const callback = await callbackFor(browser, LINK_GITHUB)
    const name = `__a0_tx.${callback.searchParams.get('state')}`
    const value = browser.cookies.get(name)!
    browser.cookies.set(name, `${value.slice(0, -10)}AAAAAAAAAA`)
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'missing_transaction', status: 400, browser, auth, before })
  })

  it('refuses a session cookie replayed as a transaction cookie (keys differ by purpose)', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator)
    const { browser, before } = await signedIn(auth, emulator)
    const callback = await callbackFor(browser, LINK_GITHUB)
    browser.cookies.set(`__a0_tx.${callback.searchParams.get('state')}`, `0.${browser.cookies.get('__session')}`)
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'missing_transaction', status: 400, browser, auth, before })
  })
})

describe('secret rotation', () => {
  it('reads a session written with the old first secret and rewrites it with the new one', async () => {
    const { emulator } = tenant
    const { auth: old } = recordingAuth(emulator)
    const { browser: original } = await signedIn(old, emulator)
    const { auth: rotating } = recordingAuth(emulator, { secret: [NEW_SECRET, SECRET] })
    const browser = browserWithCookiesOf(original, rotating, emulator)
    const oldCookie = browser.cookies.get('__session')
    const profile = await browser.send('/auth/profile')
    expect(profile.status).toBe(200)
    expect((await profile.json()).sub).toBe('auth0|alice')
    expect(profile.headers.getSetCookie().some((cookie) => cookie.startsWith('__session='))).toBe(true)
    expect(browser.cookies.get('__session')).not.toBe(oldCookie)
    // The rewritten cookie no longer needs the old secret.
    const { auth: newOnly } = recordingAuth(emulator, { secret: NEW_SECRET })
    expect((await newOnly.getUser(browserWithCookiesOf(browser, newOnly, emulator).request('/')))?.sub).toBe('auth0|alice')
  })

  it('rewrites nothing when the session is already under the current secret', async () => {
    const { emulator } = tenant
    const { auth } = recordingAuth(emulator, { secret: [NEW_SECRET, SECRET] })
    const { browser } = await signedIn(auth, emulator)
    const profile = await browser.send('/auth/profile')
    expect(profile.status).toBe(200)
    expect(profile.headers.getSetCookie()).toEqual([])
  })
})

describe('large sessions', () => {
  it('keeps every chunk of a session too large for one cookie unchanged when a link fails', async () => {
    const { emulator } = tenant
    const { auth, lastError } = recordingAuth(emulator, { beforeSessionSaved: bigSession(6000), session: LARGE })
    const { browser, before } = await signedIn(auth, emulator)
    expect(before.cookies.size).toBeGreaterThan(1)
    const callback = await callbackFor(browser, LINK_GITHUB)
    emulator.fail({ endpoint: 'token', status: 500 })
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'token_exchange_failed', status: 502, browser, auth, before })
  })

  it('never writes a Set-Cookie over the 4096-byte browser limit, even for a 20 KB session', async () => {
    const { emulator } = tenant
    // Past the default size cap (tested below), so the cap is raised for this one.
    const { auth } = recordingAuth(emulator, { beforeSessionSaved: bigSession(20_000), session: { maxCookieSize: 40_000 } })
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    const { url } = await browser.navigate('/auth/login?returnTo=/home')
    expect(url.pathname).toBe('/home')
    const setCookies = browser.visits.flatMap((visit) => visit.response.headers.getSetCookie())
    for (const cookie of setCookies) expect(new TextEncoder().encode(cookie).length).toBeLessThanOrEqual(4096)
    for (const [name, value] of browser.cookies) expect(name.length + value.length).toBeLessThanOrEqual(CHUNK_SIZE + 32)
    expect((await auth.getUser(browser.request('/')))?.big).toHaveLength(20_000)
    // Shrinking back deletes every stale chunk.
    const { auth: small } = recordingAuth(emulator)
    const smallBrowser = browserWithCookiesOf(browser, small, emulator)
    await smallBrowser.navigate('/auth/login')
    expect([...smallBrowser.cookies.keys()].filter((name) => name.startsWith('__session'))).toEqual(['__session'])
    expect((await snapshotSession(small, smallBrowser)).sub).toBe('auth0|alice')
  })

  it('refuses a session over session.maxCookieSize (session_too_large) and keeps the one the user had', async () => {
    const { emulator } = tenant
    const { auth: small } = recordingAuth(emulator)
    const { browser, before } = await signedIn(small, emulator)
    const { auth, lastError } = recordingAuth(emulator, { beforeSessionSaved: bigSession(20_000) })
    const growing = browserWithCookiesOf(browser, auth, emulator)
    // A sign-in again over the session (a management-api link no longer writes the session at all).
    const callback = await callbackFor(growing, '/auth/login?returnTo=/home')
    const response = await growing.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'session_too_large', status: 500, browser: growing, auth, before })
  })
})
