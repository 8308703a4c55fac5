// onCallback: it sees every callback's outcome and may answer it; the session cookie rides along.
import { describe, expect, it } from 'vitest'
import { AuthorizationError, type CallbackContext, MissingTransactionError } from '../../core/index.js'
import { snapshotSession } from '../negative/expect-safe-failure.js'
import { callbackFor, LINK_GITHUB } from '../negative/scenario.js'
import { TestBrowser } from '../support/browser.js'
import { APP_ORIGIN, createTestAuth, useMockedTenant } from '../support/tenant.js'

const tenant = useMockedTenant()

function hooked(answer: (context: CallbackContext) => Response | undefined | Promise<Response | undefined>) {
  const seen: CallbackContext[] = []
  const errors: Error[] = []
  const auth = createTestAuth(tenant.emulator, {
    onCallback: async (context) => {
      seen.push(context)
      return answer(context)
    },
    onError: (error) => {
      errors.push(error)
    },
  })
  const browser = new TestBrowser({ auth, emulator: tenant.emulator, appOrigin: APP_ORIGIN })
  return { auth, browser, seen, errors }
}

describe('onCallback', () => {
  it('replaces the redirect after a login, keeping the session cookie and making the answer no-store', async () => {
    const { auth, browser, seen } = hooked(({ session }) =>
      session
        ? new Response(`welcome ${session.user.sub}`, { status: 200, headers: { 'cache-control': 'public, max-age=600' } })
        : undefined,
    )
    const callback = await callbackFor(browser, '/auth/login?returnTo=/home')
    const response = await browser.send(callback)
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('welcome auth0|alice')
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.getSetCookie().some((cookie) => cookie.startsWith('__session='))).toBe(true)
    expect((await auth.getSession(browser.request('/')))?.user.sub).toBe('auth0|alice')
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({ flow: 'login', appState: { returnTo: '/home' }, error: undefined })
    expect(seen[0]!.request.url).toBe(callback.href)
  })

  it('keeps the built-in redirect when it returns nothing, and is told of link and unlink', async () => {
    const { browser, seen } = hooked(() => undefined)
    expect((await browser.navigate('/auth/login?returnTo=/home')).url.pathname).toBe('/home')
    expect((await browser.navigate(`${LINK_GITHUB}`)).url.pathname).toBe('/settings')
    expect((await browser.navigate('/auth/unlink?connection=github&returnTo=/done')).url.pathname).toBe('/done')
    expect(seen.map(({ flow, error, session }) => [flow, error, session?.user.sub])).toEqual([
      ['login', undefined, 'auth0|alice'],
      ['link', undefined, 'auth0|alice'],
      ['unlink', undefined, 'auth0|alice'],
    ])
  })

  it('is not asked when a signed-out link goes on to Auth0, only when the link comes back', async () => {
    const { browser, seen } = hooked(() => undefined)
    expect((await browser.navigate(LINK_GITHUB)).url.pathname).toBe('/settings')
    expect(seen.map((context) => context.flow)).toEqual(['link'])
  })

  it('answers a failed link in its place: told the error, the flow and appState; onError is not asked and the session stays', async () => {
    const { emulator } = tenant
    const { auth, browser, seen, errors } = hooked(({ error, appState }) =>
      error ? Response.redirect(new URL(`/problem?back=${(appState as { returnTo: string }).returnTo}`, APP_ORIGIN), 303) : undefined,
    )
    await browser.navigate('/auth/login')
    const before = await snapshotSession(auth, browser)
    emulator.fail({ endpoint: 'authorize', error: 'access_denied', errorDescription: 'No.' })
    const callback = await callbackFor(browser, LINK_GITHUB)
    const response = await browser.send(callback)
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe(`${APP_ORIGIN}/problem?back=/settings`)
    expect(response.headers.get('cache-control')).toBe('no-store')
    // The used transaction is deleted; no session cookie is written.
    const cookies = response.headers.getSetCookie()
    expect(cookies.some((cookie) => cookie.startsWith('__a0_tx.') && /Max-Age=0/.test(cookie))).toBe(true)
    expect(cookies.some((cookie) => cookie.startsWith('__session'))).toBe(false)
    expect((await snapshotSession(auth, browser)).cookies).toEqual(before.cookies)
    const failed = seen.at(-1)!
    expect(failed.error).toBeInstanceOf(AuthorizationError)
    expect(failed).toMatchObject({ flow: 'link', session: undefined, appState: { returnTo: '/settings' } })
    expect(errors).toEqual([])
  })

  it('is told a callback without a transaction failed, with no flow', async () => {
    const { browser, seen } = hooked(() => undefined)
    const response = await browser.send(`/auth/callback?code=x&state=${'A'.repeat(43)}`)
    expect(response.status).toBe(400)
    expect(seen[0]!.error).toBeInstanceOf(MissingTransactionError)
    expect(seen[0]!.flow).toBeUndefined()
  })

  it('falls back to the error page and onError when it returns nothing or throws on a failure', async () => {
    for (const answer of [() => undefined, () => Promise.reject(new Error('hook broke'))]) {
      const { browser, errors } = hooked(answer)
      const response = await browser.send(`/auth/callback?code=x&state=${'B'.repeat(43)}`)
      expect(response.status).toBe(400)
      expect(await response.text()).toContain('missing_transaction')
      expect(errors.map((error) => (error as MissingTransactionError).code)).toEqual(['missing_transaction'])
    }
  })

  it('answers 500 when it throws after a successful login, the session being stored by then', async () => {
    const { auth, browser } = hooked(({ error }) => {
      if (!error) throw new Error('hook broke')
      return undefined
    })
    const callback = await callbackFor(browser, '/auth/login')
    const response = await browser.send(callback)
    expect(response.status).toBe(500)
    expect(await response.text()).not.toContain('hook broke')
    expect((await auth.getSession(browser.request('/')))?.user.sub).toBe('auth0|alice')
  })

  it('must be a function', () => {
    expect(() => createTestAuth(tenant.emulator, { onCallback: 'no' as never })).toThrow(
      expect.objectContaining({ code: 'configuration_error', option: 'onCallback' }),
    )
  })
})
