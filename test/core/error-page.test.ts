// The built-in error page: every failed auth request answers with its error's own status, words
// chosen by the error's code, and nothing taken from the request (its query string, or Auth0's
// error_description, which also arrives in a URL anyone can craft).
import { describe, expect, it } from 'vitest'
import { Auth0LinkKitError } from '../../core/index.js'
import { errorResponse } from '../../core/responses.js'
import { escapeHtml } from '../../core/safety.js'
import type { TestBrowser } from '../support/browser.js'
import { signedInBrowser } from '../support/flows.js'
import { APP_ORIGIN, createTestAuth, useMockedTenant } from '../support/tenant.js'

const tenant = useMockedTenant()

/** Text an attacker would like to see on the app's own page; it must never appear. */
const SPOOF = 'Your account is locked <b>call +1-555-0199</b> now'

const withSpoof = (url: URL | string, names = ['error_description', 'description', 'message']): URL => {
  const changed = new URL(url, APP_ORIGIN)
  for (const name of names) changed.searchParams.set(name, SPOOF)
  return changed
}

/** Starts a link and lets the emulator answer it; resolves with the callback URL, not yet visited. */
async function pendingCallback(browser: TestBrowser, start = '/auth/link?connection=github&returnTo=/'): Promise<URL> {
  const started = await browser.send(start)
  expect(started.status).toBe(302)
  const answered = await browser.send(new URL(started.headers.get('location')!))
  expect(answered.status).toBe(302)
  return new URL(answered.headers.get('location')!)
}

async function expectErrorPage(response: Response, expected: { status: number; code: string; title: string }): Promise<string> {
  expect(response.status).toBe(expected.status)
  expect(response.headers.get('location')).toBeNull()
  expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
  expect(response.headers.get('cache-control')).toBe('no-store')
  expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'")
  const html = await response.text()
  expect(html).toContain(`<h1>${expected.title}</h1>`)
  expect(html).toContain(`<code>${expected.code}</code>`)
  expect(html).not.toContain('call +1-555-0199')
  expect(html).not.toContain(escapeHtml(SPOOF))
  return html
}

interface Case {
  name: string
  status: number
  code: string
  title: string
  /** Sends the failing request with `headers` added; each call sets up its own attempt. */
  send(headers: Record<string, string>): Promise<Response>
}

const cases: Case[] = [
  {
    name: 'a replayed callback',
    status: 400,
    code: 'missing_transaction',
    title: 'That sign-in link expired or was already used',
    async send(headers) {
      const auth = createTestAuth(tenant.emulator)
      const browser = await signedInBrowser(auth, tenant.emulator)
      const callback = await pendingCallback(browser)
      expect((await browser.send(callback)).status).toBe(302)
      return browser.send(withSpoof(callback), { headers })
    },
  },
  {
    name: 'a callback with the wrong state',
    status: 400,
    code: 'missing_transaction',
    title: 'That sign-in link expired or was already used',
    async send(headers) {
      const auth = createTestAuth(tenant.emulator)
      const browser = await signedInBrowser(auth, tenant.emulator)
      const callback = withSpoof(await pendingCallback(browser))
      callback.searchParams.set('state', 'B'.repeat(43))
      return browser.send(callback, { headers })
    },
  },
  {
    name: 'a link started from another site',
    status: 403,
    code: 'cross_site_request',
    title: 'That request did not come from this app',
    async send(headers) {
      const auth = createTestAuth(tenant.emulator)
      const browser = await signedInBrowser(auth, tenant.emulator)
      return browser.send(withSpoof('/auth/link'), {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/x-www-form-urlencoded',
          'sec-fetch-site': 'cross-site',
          origin: 'https://evil.example',
        },
        body: new URLSearchParams({ connection: 'github', description: SPOOF }).toString(),
      })
    },
  },
  {
    name: 'a link with a 10 KB connection',
    status: 400,
    code: 'invalid_request',
    title: 'That request was not valid',
    async send(headers) {
      const auth = createTestAuth(tenant.emulator)
      const browser = await signedInBrowser(auth, tenant.emulator)
      return browser.send(withSpoof(`/auth/link?connection=${'a'.repeat(10 * 1024)}`), { headers })
    },
  },
  {
    name: 'a token endpoint that answers 500',
    status: 502,
    code: 'token_exchange_failed',
    title: 'Auth0 could not finish signing you in',
    async send(headers) {
      const auth = createTestAuth(tenant.emulator)
      const browser = await signedInBrowser(auth, tenant.emulator)
      const callback = await pendingCallback(browser)
      tenant.emulator.fail({ endpoint: 'token', status: 500, body: JSON.stringify({ error: 'server_error', error_description: SPOOF }) })
      return browser.send(withSpoof(callback), { headers })
    },
  },
  {
    name: 'a token endpoint slower than httpTimeout',
    status: 504,
    code: 'timeout',
    title: 'Auth0 took too long to answer',
    async send(headers) {
      // emulator.fetch honours the AbortSignal as a real fetch does, so the timeout is observable.
      const auth = createTestAuth(tenant.emulator, { fetch: tenant.emulator.fetch, httpTimeout: 300 })
      const browser = await signedInBrowser(auth, tenant.emulator)
      const callback = await pendingCallback(browser)
      tenant.emulator.fail({ endpoint: 'token', delayMs: 10_000 })
      return browser.send(withSpoof(callback), { headers })
    },
  },
]

describe('the built-in error page', () => {
  for (const failure of cases) {
    it(`answers ${failure.name} with ${failure.status} and the ${failure.code} text, no redirect, nothing from the query`, async () => {
      const html = await expectErrorPage(await failure.send({}), failure)
      expect(html).toContain(`(HTTP ${failure.status})`)
    })

    it(`answers ${failure.name} as JSON with ${failure.status} { error: ${failure.code}, message } when asked`, async () => {
      const response = await failure.send({ accept: 'application/json' })
      expect(response.status).toBe(failure.status)
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8')
      expect(response.headers.get('cache-control')).toBe('no-store')
      const body = (await response.json()) as Record<string, unknown>
      expect(body).toEqual({ error: failure.code, message: expect.any(String) })
      expect(JSON.stringify(body)).not.toContain('+1-555-0199')
    })
  }

  it('keeps error_description out of a callback whose transaction is valid (authorization_error)', async () => {
    const auth = createTestAuth(tenant.emulator)
    const browser = await signedInBrowser(auth, tenant.emulator)
    const sessionBefore = browser.cookies.get('__session')
    const callback = await pendingCallback(browser)
    // Auth0's way of saying no, with text of the sender's choosing: the state is this browser's own.
    const crafted = new URL(callback.pathname, APP_ORIGIN)
    crafted.searchParams.set('state', callback.searchParams.get('state')!)
    crafted.searchParams.set('error', 'access_denied')
    crafted.searchParams.set('error_description', SPOOF)
    const html = await expectErrorPage(await browser.send(crafted), {
      status: 400,
      code: 'authorization_error',
      title: 'Auth0 did not complete that request',
    })
    expect(html).not.toContain('access_denied')
    expect(browser.cookies.get('__session')).toBe(sessionBefore)
  })

  it('answers the same callback as JSON with the OAuth error code but not its description', async () => {
    const auth = createTestAuth(tenant.emulator)
    const browser = await signedInBrowser(auth, tenant.emulator)
    const callback = await pendingCallback(browser)
    const crafted = new URL(callback.pathname, APP_ORIGIN)
    crafted.searchParams.set('state', callback.searchParams.get('state')!)
    crafted.searchParams.set('error', 'access_denied')
    crafted.searchParams.set('error_description', SPOOF)
    const response = await browser.send(crafted, { headers: { accept: 'application/json' } })
    expect(response.status).toBe(400)
    const body = (await response.json()) as Record<string, unknown>
    expect(body).toEqual({ error: 'authorization_error', message: expect.any(String), auth0_error: 'access_denied' })
    expect(JSON.stringify(body)).not.toContain('+1-555-0199')
  })

  it('drops an OAuth error that is not a registered-looking code from the JSON', async () => {
    const auth = createTestAuth(tenant.emulator)
    const browser = await signedInBrowser(auth, tenant.emulator)
    const callback = await pendingCallback(browser)
    const crafted = new URL(callback.pathname, APP_ORIGIN)
    crafted.searchParams.set('state', callback.searchParams.get('state')!)
    crafted.searchParams.set('error', 'Call_Us_Now')
    const response = await browser.send(crafted, { headers: { accept: 'application/json' } })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ error: 'authorization_error', message: expect.any(String) })
  })

  it('answers an untyped error with 500 and generic words, never its message', async () => {
    const response = errorResponse(new Error('db password is hunter2'), new Request(`${APP_ORIGIN}/auth/callback`))
    const html = await expectErrorPage(response, { status: 500, code: 'internal_error', title: 'Something went wrong' })
    expect(html).not.toContain('hunter2')
    const asJson = errorResponse(
      new Error('db password is hunter2'),
      new Request(`${APP_ORIGIN}/auth/callback`, { headers: { accept: 'application/json' } }),
    )
    expect(asJson.status).toBe(500)
    expect(await asJson.text()).not.toContain('hunter2')
  })

  it('gives a typed error with a code outside the table generic words, its own status and its code, escaped', async () => {
    // A subclass from outside the package (or an older version of it) with a code we do not know.
    class TeapotError extends Auth0LinkKitError {
      override readonly code = 'tea<pot>' as Auth0LinkKitError['code']
      override readonly status = 418
      override readonly name = 'TeapotError'
    }
    const response = errorResponse(new TeapotError('short and stout'), new Request(`${APP_ORIGIN}/auth/login`))
    expect(response.status).toBe(418)
    const html = await response.text()
    expect(html).toContain('<h1>Something went wrong</h1>')
    expect(html).toContain('<code>tea&lt;pot&gt;</code>')
    expect(html).not.toContain('short and stout')
  })
})
