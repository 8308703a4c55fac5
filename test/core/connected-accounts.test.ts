// Connected Accounts and Token Vault in process: the routes and the programmatic API against the
// emulator (connect → listed → provider token → disconnect), the My Account API token kept in the
// session, bounded paging, the Token Vault cache and its single-flight.

import { describe, expect, it } from 'vitest'
import { MissingRefreshTokenError, MyAccountApiError } from '../../core/index.js'
import { createAuth0Emulator } from '../../testing/index.js'
import { TestBrowser } from '../support/browser.js'
import { CALENDAR_SCOPE, CONNECT_GOOGLE, CONNECTED_ACCOUNTS } from '../support/connected-accounts.js'
import { keep, signedInBrowser, storeOptionsOf } from '../support/flows.js'
import { APP_ORIGIN, createTestAuth, useMockedTenant } from '../support/tenant.js'

const tenant = useMockedTenant()

async function connected() {
  const { emulator } = tenant
  const auth = createTestAuth(emulator, CONNECTED_ACCOUNTS)
  const browser = await signedInBrowser(auth, emulator)
  const { url } = await browser.navigate(CONNECT_GOOGLE)
  expect(url.pathname).toBe('/calendar')
  return { emulator, auth, browser }
}

describe('the connected-accounts routes', () => {
  it('connect → listed with its scopes → a provider token → disconnect', async () => {
    const { emulator, browser } = await connected()
    const [account] = emulator.connectedAccounts('auth0|alice')
    expect(account).toMatchObject({ connection: 'google-oauth2', scopes: ['openid', CALENDAR_SCOPE] })

    const listed = await browser.send('/auth/connected-accounts')
    expect(listed.status).toBe(200)
    expect(listed.headers.get('cache-control')).toBe('no-store')
    const { connectedAccounts } = (await listed.json()) as { connectedAccounts: Array<{ id: string; scopes: string[] }> }
    expect(connectedAccounts).toEqual([expect.objectContaining({ id: account!.id, connection: 'google-oauth2', accessType: 'offline' })])
    expect(connectedAccounts[0]!.scopes).toContain(CALENDAR_SCOPE)

    const tokenResponse = await browser.send('/auth/connection-token?connection=google-oauth2')
    expect(tokenResponse.status).toBe(200)
    const { token, expiresAt, scope } = (await tokenResponse.json()) as { token: string; expiresAt: number; scope: string }
    expect(emulator.providerToken(token)).toMatchObject({ userId: 'auth0|alice', connection: 'google-oauth2', accountId: account!.id })
    expect(expiresAt).toBeGreaterThan(Date.now() / 1000 + 3000)
    expect(scope).toContain(CALENDAR_SCOPE)

    const disconnected = await browser.send('/auth/disconnect', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ id: account!.id, returnTo: '/settings' }),
    })
    expect(disconnected.status).toBe(302)
    expect(disconnected.headers.get('location')).toBe(`${APP_ORIGIN}/settings`)
    expect(emulator.connectedAccounts('auth0|alice')).toEqual([])
    expect(((await (await browser.send('/auth/connected-accounts')).json()) as { connectedAccounts: unknown[] }).connectedAccounts).toEqual(
      [],
    )
  })

  it('keeps the My Account API token in the session: a second list asks Auth0 for no token', async () => {
    const { emulator, auth, browser } = await connected()
    await browser.send('/auth/connected-accounts')
    const session = await auth.getSession(browser.request('/'))
    const meToken = session?.tokenSets.find((set) => set.audience === emulator.myAccountAudience)
    expect(meToken?.scope).toBe('create:me:connected_accounts read:me:connected_accounts')
    const tokenRequests = emulator.hits.token
    expect((await browser.send('/auth/connected-accounts')).status).toBe(200)
    expect(emulator.hits.token).toBe(tokenRequests)
  })

  it('disconnects every account of a connection by name', async () => {
    const { emulator, browser } = await connected()
    await browser.navigate('/auth/connect?connection=github&returnTo=/')
    expect(emulator.connectedAccounts('auth0|alice')).toHaveLength(2)
    const response = await browser.send('/auth/disconnect', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ connection: 'google-oauth2' }),
    })
    expect(response.status).toBe(302)
    expect(emulator.connectedAccounts('auth0|alice').map((account) => account.connection)).toEqual(['github'])
  })

  it('signs a signed-out browser in first, then goes on into the connect', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator, CONNECTED_ACCOUNTS)
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    const { url } = await browser.navigate(CONNECT_GOOGLE)
    expect(url.pathname).toBe('/calendar')
    expect(emulator.connectedAccounts('auth0|alice')).toHaveLength(1)
    // The login's session and the one the connect's token refresh wrote came in one response: one survives, and it works.
    const session = await auth.getSession(browser.request('/'))
    expect(session?.user.sub).toBe('auth0|alice')
    expect(session?.tokenSets.some((set) => set.audience === emulator.myAccountAudience)).toBe(true)
    expect((await browser.send('/auth/connected-accounts')).status).toBe(200)
  })

  it('answers the routes only when turned on', async () => {
    const { emulator } = tenant
    const off = createTestAuth(emulator)
    for (const path of ['/auth/connect', '/auth/connected-accounts', '/auth/disconnect', '/auth/connection-token']) {
      expect(await off.handler(new Request(`${APP_ORIGIN}${path}`))).toBeNull()
    }
    const withoutToken = createTestAuth(emulator, { connectedAccounts: { enabled: true } })
    expect(withoutToken.routePaths.has('/auth/connect')).toBe(true)
    expect(withoutToken.routePaths.has('/auth/connection-token')).toBe(false)
  })
})

describe('the programmatic API', () => {
  it('starts and completes a connect, returning the account and appState', async () => {
    const { emulator } = tenant
    const auth = createTestAuth<{ returnTo: string }>(emulator)
    const browser = await signedInBrowser(auth, emulator)
    const start = storeOptionsOf(browser)
    const url = await auth.client.startConnectAccount(
      { connection: 'google-oauth2', scopes: [CALENDAR_SCOPE], appState: { returnTo: '/x' } },
      start,
    )
    keep(browser, start)
    expect(url.searchParams.get('ticket')).toBeTruthy()
    const back = await browser.send(url)
    const callback = new URL(back.headers.get('location')!)
    const complete = storeOptionsOf(browser, callback.href)
    const { appState, connectedAccount } = await auth.client.completeConnectAccount(callback, complete)
    expect(appState).toEqual({ returnTo: '/x' })
    expect(connectedAccount).toMatchObject({ connection: 'google-oauth2', scopes: [CALENDAR_SCOPE] })

    const accounts = await auth.client.listConnectedAccounts({}, storeOptionsOf(browser))
    expect(accounts.map((account) => account.id)).toEqual([connectedAccount.id])
    const connections = await auth.client.listConnectedAccountConnections(storeOptionsOf(browser))
    expect(connections.map((connection) => connection.name)).toEqual(['google-oauth2', 'github'])
    const provider = await auth.client.getAccessTokenForConnection({ connection: 'google-oauth2' }, storeOptionsOf(browser))
    expect(provider.connection).toBe('google-oauth2')
    expect(emulator.providerToken(provider.token)?.accountId).toBe(connectedAccount.id)
    await auth.client.deleteConnectedAccount(connectedAccount.id, storeOptionsOf(browser))
    expect(emulator.connectedAccounts('auth0|alice')).toEqual([])
  })

  it('follows next across pages, and stops at its bound', async () => {
    const connections = Array.from({ length: 250 }, (_, index) => ({ name: `c${index}`, strategy: 'oauth2', scopes: ['read'] }))
    const emulator = await createAuth0Emulator({ connectedAccountConnections: connections })
    const auth = createTestAuth(emulator, { fetch: emulator.fetch })
    const browser = await signedInBrowser(auth, emulator)
    const listed = await auth.client.listConnectedAccountConnections(storeOptionsOf(browser))
    expect(listed).toHaveLength(200)
    expect(listed.at(-1)?.name).toBe('c199')
  })

  it('shares one Token Vault exchange between concurrent calls, then answers from the session', async () => {
    const { emulator, auth, browser } = await connected()
    const before = emulator.hits.token
    const results = await Promise.all(
      Array.from({ length: 5 }, () => {
        const storeOptions = storeOptionsOf(browser)
        return auth.client.getAccessTokenForConnection({ connection: 'google-oauth2' }, storeOptions).then((result) => {
          keep(browser, storeOptions)
          return result
        })
      }),
    )
    expect(emulator.hits.token).toBe(before + 1)
    expect(new Set(results.map((result) => result.token)).size).toBe(1)
    const again = await auth.client.getAccessTokenForConnection({ connection: 'google-oauth2' }, storeOptionsOf(browser))
    expect(again.token).toBe(results[0]!.token)
    expect(emulator.hits.token).toBe(before + 1)
  })

  it('exchanges again when the cached provider token has 30 s or less left', async () => {
    const emulator = await createAuth0Emulator({ providerTokenTtl: 30 })
    const auth = createTestAuth(emulator, { ...CONNECTED_ACCOUNTS, fetch: emulator.fetch })
    const browser = await signedInBrowser(auth, emulator)
    await browser.navigate(CONNECT_GOOGLE)
    const first = storeOptionsOf(browser)
    const one = await auth.client.getAccessTokenForConnection({ connection: 'google-oauth2' }, first)
    keep(browser, first)
    const two = await auth.client.getAccessTokenForConnection({ connection: 'google-oauth2' }, storeOptionsOf(browser))
    expect(two.token).not.toBe(one.token)
  })

  it('tells the developer to sign in with offline_access and enable MRRT when there is no refresh token', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator, { authorizationParams: { scope: 'openid profile email' } })
    const browser = await signedInBrowser(auth, emulator)
    const error = await auth.client.listConnectedAccounts({}, storeOptionsOf(browser)).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(MissingRefreshTokenError)
    expect((error as Error).message).toMatch(/offline_access/)
    expect((error as Error).message).toMatch(/Multi-Resource Refresh Token/)
  })

  it('names the MRRT policy when Auth0 answers the My Account API audience with a login token', async () => {
    const emulator = await createAuth0Emulator({ myAccountScopes: [] })
    const auth = createTestAuth(emulator, { fetch: emulator.fetch })
    const browser = await signedInBrowser(auth, emulator)
    const error = await auth.client.listConnectedAccounts({}, storeOptionsOf(browser)).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(MyAccountApiError)
    expect((error as Error).message).toMatch(/Multi-Resource Refresh Token policy/)
    expect(emulator.hits['my-account']).toBe(0)
  })
})
