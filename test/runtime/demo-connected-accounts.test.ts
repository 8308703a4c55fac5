// The demo's "Connected accounts" card over real HTTP, clicking its forms as a person would: the
// demo process with its built-in emulator in page mode (sign-in picker, connect consent page).

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HttpBrowser, type SpawnedServer, spawnServer } from './harness.js'

let demo: SpawnedServer
beforeAll(async () => {
  // Empty AUTH0_* keep the demo on its built-in emulator whatever this shell has set.
  demo = await spawnServer({
    command: process.execPath,
    args: ['examples/demo/server.js'],
    env: { PORT: '0', HOST: '127.0.0.1', AUTH0_DOMAIN: '', AUTH0_CLIENT_ID: '', AUTH0_CLIENT_SECRET: '' },
  })
})
afterAll(async () => {
  await demo?.stop()
})

const formPost = (fields: Record<string, string | string[]>) => {
  const body = new URLSearchParams()
  for (const [name, value] of Object.entries(fields)) for (const item of [value].flat()) body.append(name, item)
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }
}

/** The hidden field `name` of the first form on an emulator page. */
function hidden(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]+)"`).exec(html)
  if (!match?.[1]) throw new Error(`no ${name} field in ${html.slice(0, 300)}`)
  return match[1]
}

describe('the demo: Connected accounts card', () => {
  it('connects Google Calendar, lists it with its scopes, shows a token expiry (never the token), disconnects', async () => {
    const browser = new HttpBrowser(demo.baseUrl)
    // Sign in: the emulator's user picker.
    const picker = await browser.navigate('/auth/login?returnTo=/')
    const signIn = new URL('/authorize/decision', picker.url)
    const signedIn = await browser.navigate(
      signIn,
      formPost({ pending: hidden(await picker.response.text(), 'pending'), user_id: 'auth0|alice', decision: 'approve' }),
    )
    const home = await signedIn.response.text()
    expect(home).toContain('Connected accounts')
    expect(home).toContain('Connect Google Calendar')

    // Connect: the card's form, then the emulator's consent page.
    const consent = await browser.navigate(
      '/auth/connect',
      formPost({ connection: 'google-oauth2', scopes: ['openid', 'https://www.googleapis.com/auth/calendar.readonly'], returnTo: '/' }),
    )
    const consentHtml = await consent.response.text()
    expect(consentHtml).toContain('Connect Google?')
    expect(consentHtml).toContain('https://www.googleapis.com/auth/calendar.readonly')
    const back = await browser.navigate(
      new URL('/connect/decision', consent.url),
      formPost({ ticket: hidden(consentHtml, 'ticket'), decision: 'approve' }),
    )
    expect(back.url.pathname).toBe('/')
    const listed = await back.response.text()
    expect(listed).toContain('id="connected-accounts"')
    expect(listed).toContain('<code>https://www.googleapis.com/auth/calendar.readonly</code>')
    expect(listed).not.toContain('Connect Google Calendar')
    const accountId = /name="id" value="(cac_[A-Za-z0-9]+)"/.exec(listed)?.[1]
    expect(accountId).toBeTruthy()

    // The token button: an expiry on the page, no token.
    const token = await browser.send('/provider-token', formPost({ connection: 'google-oauth2' }))
    expect(token.status).toBe(200)
    const tokenHtml = await token.text()
    expect(tokenHtml).toMatch(/It expires at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/)
    expect(tokenHtml).not.toContain('emu-google-oauth2-')
    // The JSON route is on in the demo too.
    const route = await browser.send('/auth/connection-token?connection=google-oauth2')
    expect(route.status).toBe(200)
    // Another site cannot press the button.
    const forged = await browser.send('/provider-token', {
      ...formPost({ connection: 'google-oauth2' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
    })
    expect(forged.status).toBe(403)

    // Disconnect.
    const after = await browser.navigate('/auth/disconnect', formPost({ id: accountId!, returnTo: '/' }))
    expect(after.url.pathname).toBe('/')
    const afterHtml = await after.response.text()
    expect(afterHtml).toContain('No account is connected yet.')
    expect(afterHtml).toContain('Connect Google Calendar')
  })
})
