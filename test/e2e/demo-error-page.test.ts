// The demo's failures, over real HTTP against the real demo process (examples/demo/server.js)
// talking to an emulated tenant: each failed auth request answers with its own 4xx/5xx status and
// the error page (no redirect), and nothing in a URL anyone can craft ends up on a page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appEnv, type EmulatorServer, HttpBrowser, type SpawnedServer, spawnServer, startEmulatorServer } from '../runtime/harness.js'

const ROOT = new URL('../../', import.meta.url).pathname

/** Words an attacker would like to see on the app's own page; no page may show them. */
const SPOOF = 'Your account is locked, call +1-555-0142 today'
const SPOOF_MARK = '+1-555-0142'

let tenant: EmulatorServer | undefined
let demo: SpawnedServer | undefined

beforeAll(async () => {
  tenant = await startEmulatorServer()
  // With AUTH0_* set the demo talks to that tenant: here one whose failures the test injects.
  demo = await spawnServer({
    command: process.execPath,
    args: ['examples/demo/server.js'],
    cwd: ROOT,
    env: appEnv(tenant.emulator, tenant.origin),
  })
}, 60_000)

afterAll(async () => {
  await demo?.stop()
  await tenant?.stop()
})

const started = () => ({ baseUrl: demo!.baseUrl, emulator: tenant!.emulator })

async function signedIn(): Promise<HttpBrowser> {
  const browser = new HttpBrowser(started().baseUrl)
  const { url, response } = await browser.navigate('/auth/login?returnTo=/')
  expect(url.pathname).toBe('/')
  expect(await response.text()).toContain('alice@example.com')
  return browser
}

/**
 * Starts a sign-in and lets the emulator answer; resolves with the callback URL, not yet visited.
 * (A sign-in, not a link: the emulator refuses to link the same identity twice across tests.)
 */
async function pendingCallback(browser: HttpBrowser): Promise<URL> {
  const started = await browser.send('/auth/login?returnTo=/')
  expect(started.status).toBe(302)
  const answered = await browser.send(new URL(started.headers.get('location')!))
  expect(answered.status).toBe(302)
  return new URL(answered.headers.get('location')!)
}

function withSpoof(url: string | URL, base: string): URL {
  const changed = new URL(url, base)
  changed.searchParams.set('description', SPOOF)
  changed.searchParams.set('error_description', SPOOF)
  return changed
}

async function expectErrorPage(response: Response, status: number, code: string, title: string): Promise<void> {
  expect(response.status).toBe(status)
  expect(response.headers.get('location')).toBeNull()
  expect(response.headers.get('content-type')).toMatch(/^text\/html/)
  const html = await response.text()
  expect(html).toContain(title)
  expect(html).toContain(code)
  expect(html).not.toContain(SPOOF_MARK)
}

describe('the demo error page', () => {
  it('ignores error and description on its home page, signed out and signed in', async () => {
    const { baseUrl } = started()
    const crafted = `/?error=account_locked&description=${encodeURIComponent(SPOOF)}`
    const signedOut = await new HttpBrowser(baseUrl).send(crafted)
    expect(signedOut.status).toBe(200)
    const signedOutHtml = await signedOut.text()
    expect(signedOutHtml).toContain('You are signed out.')
    expect(signedOutHtml).not.toContain(SPOOF_MARK)
    expect(signedOutHtml).not.toContain('account_locked')
    expect(signedOutHtml).not.toContain('role="alert"')

    const browser = await signedIn()
    const signedInHtml = await (await browser.send(crafted)).text()
    expect(signedInHtml).toContain('alice@example.com')
    expect(signedInHtml).not.toContain(SPOOF_MARK)
    expect(signedInHtml).not.toContain('account_locked')
    expect(signedInHtml).not.toContain('role="alert"')
  })

  it('answers a replayed callback with 400', async () => {
    const browser = await signedIn()
    const callback = await pendingCallback(browser)
    expect((await browser.send(callback)).status).toBe(302)
    await expectErrorPage(
      await browser.send(withSpoof(callback, browser.appOrigin)),
      400,
      'missing_transaction',
      'That sign-in link expired or was already used',
    )
  })

  it('answers a callback with the wrong state with 400', async () => {
    const browser = await signedIn()
    const callback = withSpoof(await pendingCallback(browser), browser.appOrigin)
    callback.searchParams.set('state', 'C'.repeat(43))
    await expectErrorPage(await browser.send(callback), 400, 'missing_transaction', 'That sign-in link expired or was already used')
  })

  it('answers a link started from another site with 403', async () => {
    const browser = await signedIn()
    const response = await browser.send(withSpoof('/auth/link', browser.appOrigin), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
      body: new URLSearchParams({ connection: 'github', returnTo: '/' }).toString(),
    })
    await expectErrorPage(response, 403, 'cross_site_request', 'That request did not come from this app')
  })

  it('answers a link with a 10 KB connection with 400', async () => {
    const browser = await signedIn()
    const response = await browser.send(withSpoof(`/auth/link?connection=${'g'.repeat(10 * 1024)}`, browser.appOrigin))
    await expectErrorPage(response, 400, 'invalid_request', 'That request was not valid')
  })

  it('answers 502 when the token endpoint answers 500', async () => {
    const { emulator } = started()
    const browser = await signedIn()
    const callback = await pendingCallback(browser)
    emulator.fail({ endpoint: 'token', status: 500, body: JSON.stringify({ error: 'server_error', error_description: SPOOF }) })
    await expectErrorPage(await browser.send(callback), 502, 'token_exchange_failed', 'Auth0 could not finish signing you in')
  })

  it('answers 504 when the token endpoint does not answer within the 5 s httpTimeout', async () => {
    const { emulator } = started()
    const browser = await signedIn()
    const callback = await pendingCallback(browser)
    emulator.fail({ endpoint: 'token', delayMs: 8_000 })
    await expectErrorPage(await browser.send(callback), 504, 'timeout', 'Auth0 took too long to answer')
  }, 15_000)

  it('keeps error_description off the page for a callback whose transaction is valid', async () => {
    const browser = await signedIn()
    const callback = await pendingCallback(browser)
    const crafted = new URL(callback.pathname, browser.appOrigin)
    crafted.searchParams.set('state', callback.searchParams.get('state')!)
    crafted.searchParams.set('error', 'access_denied')
    crafted.searchParams.set('error_description', SPOOF)
    await expectErrorPage(await browser.send(crafted), 400, 'authorization_error', 'Auth0 did not complete that request')
    // The failed attempt left the session as it was.
    expect(await (await browser.send('/')).text()).toContain('alice@example.com')
  })

  it('notes each failure in its terminal by status and code, without the crafted text', () => {
    const output = demo!.output()
    expect(output).toMatch(/GET \/auth\/callback failed: 400 missing_transaction/)
    expect(output).toMatch(/POST \/auth\/link failed: 403 cross_site_request/)
    expect(output).not.toContain(SPOOF_MARK)
  })
})
