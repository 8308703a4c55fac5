import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { MissingSessionError } from '../../core/index.js'
import { flowContextOf } from '../../core/server-client.js'
import { TestBrowser } from '../support/browser.js'
import { signedInBrowser, storeOptionsOf } from '../support/flows.js'
import { APP_ORIGIN, createTestAuth, useMockedTenant } from '../support/tenant.js'

const tenant = useMockedTenant()

function expectProtocolParameters(url: URL, clientId: string) {
  const q = url.searchParams
  expect(q.get('response_type')).toBe('code')
  expect(q.get('client_id')).toBe(clientId)
  expect(q.get('redirect_uri')).toBe(`${APP_ORIGIN}/auth/callback`)
  expect(q.get('code_challenge_method')).toBe('S256')
  expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/)
  expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/)
  expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/)
}

describe('the /authorize URL', () => {
  it('for login carries PKCE S256, state, nonce and the default scope', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const storeOptions = { request: new Request(`${APP_ORIGIN}/`), response: new Response() }
    const url = await auth.client.startInteractiveLogin({}, storeOptions)
    expect(url.origin + url.pathname).toBe(`${emulator.origin}/authorize`)
    expectProtocolParameters(url, emulator.clientId)
    expect(url.searchParams.get('scope')).toBe('openid profile email offline_access')
    expect(url.searchParams.has('id_token_hint')).toBe(false)
    const cookie = storeOptions.response.headers.getSetCookie()
    expect(cookie).toHaveLength(1)
    expect(cookie[0]).toMatch(new RegExp(`^__a0_tx\\.${url.searchParams.get('state')}=`))
    expect(cookie[0]).toMatch(/; HttpOnly; SameSite=Lax; Max-Age=3600$/)
  })

  it('for a management-api link signs into the connection afresh: connection, prompt=login, max_age=0, no audience or hint', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator, { authorizationParams: { audience: 'https://api.example.com', ui_locales: 'fr' } })
    const browser = await signedInBrowser(auth, emulator)
    const url = await auth.client.startLinkUser(
      {
        connection: 'google-oauth2',
        connectionScope: 'https://www.googleapis.com/auth/calendar.readonly',
        authorizationParams: { prompt: 'none', max_age: 9999, connection: 'github', scope: 'openid offline_access' },
      },
      storeOptionsOf(browser),
    )
    expectProtocolParameters(url, emulator.clientId)
    const q = url.searchParams
    expect(q.get('scope')).toBe('openid profile email')
    expect(q.get('connection')).toBe('google-oauth2')
    expect(q.get('prompt')).toBe('login')
    expect(q.get('max_age')).toBe('0')
    expect(q.get('connection_scope')).toBe('https://www.googleapis.com/auth/calendar.readonly')
    expect(q.get('ui_locales')).toBe('fr')
    for (const absent of ['audience', 'id_token_hint', 'requested_connection', 'requested_connection_scope'])
      expect(q.has(absent)).toBe(false)
  })

  it('for a tenant-action link adds link_account, requested_connection(_scope) and the session ID token as id_token_hint', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator, { linking: { strategy: 'tenant-action' } })
    const browser = await signedInBrowser(auth, emulator)
    const session = await auth.getSession(browser.request('/'))
    const url = await auth.client.startLinkUser(
      { connection: 'google-oauth2', connectionScope: 'https://www.googleapis.com/auth/calendar.readonly' },
      storeOptionsOf(browser),
    )
    expectProtocolParameters(url, emulator.clientId)
    expect(url.searchParams.get('scope')).toBe('openid link_account offline_access')
    expect(url.searchParams.get('requested_connection')).toBe('google-oauth2')
    expect(url.searchParams.get('requested_connection_scope')).toBe('https://www.googleapis.com/auth/calendar.readonly')
    expect(url.searchParams.get('id_token_hint')).toBe(session!.idToken)
  })

  it('for a tenant-action unlink adds unlink_account, requested_connection and id_token_hint, and no connection scope', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator, { linking: { strategy: 'tenant-action' } })
    const browser = await signedInBrowser(auth, emulator)
    const session = await auth.getSession(browser.request('/'))
    const url = await auth.client.startUnlinkUser({ connection: 'github' }, storeOptionsOf(browser))
    expectProtocolParameters(url, emulator.clientId)
    expect(url.searchParams.get('scope')).toBe('openid unlink_account offline_access')
    expect(url.searchParams.get('requested_connection')).toBe('github')
    expect(url.searchParams.has('requested_connection_scope')).toBe(false)
    expect(url.searchParams.get('id_token_hint')).toBe(session!.idToken)
  })

  it('stores a PKCE verifier whose S256 challenge is the one sent', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const storeOptions = { request: new Request(`${APP_ORIGIN}/`), response: new Response() }
    const url = await auth.client.startInteractiveLogin({}, storeOptions)
    const state = url.searchParams.get('state')!
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    browser.store(storeOptions.response)
    const transaction = await flowContextOf(auth.client).transactionStore.get(state, {
      request: browser.request('/'),
      response: new Response(),
    })
    expect(transaction?.state).toBe(state)
    expect(transaction?.flow === 'login' && transaction.nonce).toBe(url.searchParams.get('nonce'))
    expect(await oauth.calculatePKCECodeChallenge(transaction!.codeVerifier)).toBe(url.searchParams.get('code_challenge'))
  })

  it('refuses to start a link without a session (missing_session)', async () => {
    const auth = createTestAuth(tenant.emulator)
    const storeOptions = { request: new Request(`${APP_ORIGIN}/`), response: new Response() }
    const error = await auth.client.startLinkUser({ connection: 'github' }, storeOptions).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MissingSessionError)
    expect((error as MissingSessionError).code).toBe('missing_session')
    expect(storeOptions.response.headers.getSetCookie()).toEqual([])
  })
})
