import { describe, expect, it } from 'vitest'
import { CookieCodec } from '../../core/cookies/codec.js'
import { CHUNK_SIZE } from '../../core/cookies/jar.js'
import { createAuth } from '../../core/index.js'
import { flowContextOf } from '../../core/server-client.js'
import { TestBrowser } from '../support/browser.js'
import { signedInBrowser } from '../support/flows.js'
import { APP_ORIGIN, authOptions, createTestAuth, SECRET, useMockedTenant } from '../support/tenant.js'

const tenant = useMockedTenant()
const inOneHour = () => Math.floor(Date.now() / 1000) + 3600

describe('the cookie codec', () => {
  it('decrypts what it encrypted', async () => {
    const codec = new CookieCodec([SECRET], 'session')
    const value = await codec.encrypt({ a: [1, 'b'] }, inOneHour())
    expect(value.split('.')).toHaveLength(5)
    expect(await codec.decrypt(value)).toEqual({ payload: { a: [1, 'b'] }, rotated: false })
  })

  it('treats a tampered, truncated, expired or foreign value as absent', async () => {
    const codec = new CookieCodec([SECRET], 'session')
    const value = await codec.encrypt({ a: 1 }, inOneHour())
    const parts = value.split('.')
    const flipped = parts[3]!.startsWith('A') ? `B${parts[3]!.slice(1)}` : `A${parts[3]!.slice(1)}`
    expect(await codec.decrypt([...parts.slice(0, 3), flipped, parts[4]].join('.'))).toBeUndefined()
    expect(await codec.decrypt(value.slice(0, -5))).toBeUndefined()
    expect(await codec.decrypt('garbage')).toBeUndefined()
    expect(await codec.decrypt(await codec.encrypt({ a: 1 }, Math.floor(Date.now() / 1000) - 1))).toBeUndefined()
    expect(await new CookieCodec(['another-secret-that-is-32-characters-long!'], 'session').decrypt(value)).toBeUndefined()
    // Session and transaction keys differ, so one cookie cannot be replayed as the other.
    expect(await new CookieCodec([SECRET], 'transaction').decrypt(value)).toBeUndefined()
  })

  it('reads cookies of a rotated-out first secret and says so', async () => {
    const old = new CookieCodec([SECRET], 'session')
    const value = await old.encrypt({ a: 1 }, inOneHour())
    const rotated = new CookieCodec(['the-new-secret-which-is-32-characters-long', SECRET], 'session')
    expect(await rotated.decrypt(value)).toEqual({ payload: { a: 1 }, rotated: true })
  })
})

describe('session and transaction cookies', () => {
  it('are HttpOnly, SameSite=Lax and Secure except on plain-http localhost', async () => {
    const { emulator } = tenant
    for (const [appBaseUrl, secure] of [
      ['http://localhost:3000', false],
      ['https://app.example.com', true],
      ['http://app.example.com', true],
    ] as const) {
      const auth = createAuth(authOptions(emulator, { appBaseUrl }))
      const storeOptions = { request: new Request(`${appBaseUrl}/`), response: new Response() }
      await auth.client.startInteractiveLogin({}, storeOptions)
      const [cookie] = storeOptions.response.headers.getSetCookie()
      expect(cookie).toContain('; HttpOnly; SameSite=Lax')
      expect(cookie!.endsWith('; Secure')).toBe(secure)
    }
  })

  it('splits a large session into chunks and reads it back', async () => {
    const { emulator } = tenant
    const big = 'x'.repeat(6000)
    const auth = createTestAuth(emulator, {
      beforeSessionSaved: (session) => ({ ...session, user: { ...session.user, big } }),
      session: { maxCookieSize: 40_000 },
    })
    const browser = await signedInBrowser(auth, emulator)
    expect(browser.cookies.has('__session')).toBe(false)
    expect(browser.cookies.has('__session.0')).toBe(true)
    expect(browser.cookies.has('__session.1')).toBe(true)
    for (const [name, value] of browser.cookies) if (name.startsWith('__session')) expect(value.length).toBeLessThanOrEqual(CHUNK_SIZE)
    expect((await auth.getUser(browser.request('/')))?.big).toBe(big)
  })

  it('deletes stale chunks when the session shrinks back into one cookie', async () => {
    const { emulator } = tenant
    const big = createTestAuth(emulator, {
      beforeSessionSaved: (session) => ({ ...session, user: { ...session.user, big: 'x'.repeat(6000) } }),
      session: { maxCookieSize: 40_000 },
    })
    const browser = await signedInBrowser(big, emulator)
    const small = createTestAuth(emulator)
    const storeOptions = { request: browser.request('/'), response: new Response() }
    const session = await small.getSession(browser.request('/'))
    await flowContextOf(small.client).stateStore.set({ ...session!, user: { sub: session!.user.sub } }, storeOptions)
    browser.store(storeOptions.response)
    expect([...browser.cookies.keys()].filter((name) => name.startsWith('__session'))).toEqual(['__session'])
    expect(await small.getUser(browser.request('/'))).toEqual({ sub: 'auth0|alice' })
  })

  it('keeps only the last of two session writes in one response, even when the second needs chunks', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator, { session: { maxCookieSize: 40_000 } })
    const browser = await signedInBrowser(auth, emulator)
    const session = (await auth.getSession(browser.request('/')))!
    const storeOptions = { request: new Request(`${APP_ORIGIN}/`), response: new Response() }
    const { stateStore } = flowContextOf(auth.client)
    // A signed-out request (as a login callback sees it): first one cookie, then a session that needs two.
    await stateStore.set(session, storeOptions)
    await stateStore.set({ ...session, user: { ...session.user, big: 'x'.repeat(6000) } }, storeOptions)
    const names = storeOptions.response.headers.getSetCookie().map((cookie) => cookie.slice(0, cookie.indexOf('=')))
    expect(names.length).toBeGreaterThan(1)
    expect(names).toEqual(names.map((_, index) => `__session.${index}`))
    const fresh = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    fresh.store(storeOptions.response)
    expect((await auth.getUser(fresh.request('/')))?.big).toBe('x'.repeat(6000))
  })

  it('treats a tampered session cookie as signed out', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = await signedInBrowser(auth, emulator)
    browser.cookies.set('__session', `${browser.cookies.get('__session')!.slice(0, -3)}abc`)
    expect(await auth.getSession(browser.request('/'))).toBeUndefined()
    expect((await browser.send('/auth/profile')).status).toBe(401)
  })

  it('keeps at most five transaction cookies however many flows are abandoned', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = await signedInBrowser(auth, emulator)
    for (let i = 0; i < 20; i++) {
      const response = await browser.send(`/auth/link?connection=github&returnTo=/${i}`)
      expect(response.status).toBe(302)
      const transactions = [...browser.cookies.keys()].filter((name) => name.startsWith('__a0_tx.'))
      expect(transactions.length).toBeLessThanOrEqual(5)
    }
    expect(browser.cookieHeader().length).toBeLessThan(8192)
    // The five kept are the newest: completing the last flow started still works.
    const last = await browser.navigate('/auth/link?connection=google-oauth2&returnTo=/last')
    expect(last.url.pathname).toBe('/last')
  })

  it('starts nothing for a prefetch', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    for (const headers of [{ 'sec-purpose': 'prefetch' }, { purpose: 'prefetch' }] as Record<string, string>[]) {
      const response = await browser.send('/auth/login', { headers })
      expect(response.status).toBe(204)
      expect(response.headers.getSetCookie()).toEqual([])
    }
  })
})
