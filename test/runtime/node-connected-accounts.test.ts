// Connected Accounts over real HTTP through the Node adapter: app code on `req.auth0` starts the
// connect, lists the accounts and gets the provider token; the routes complete and disconnect.
// The emulated tenant is a real HTTP server too, so every call crosses a socket.

import http, { type RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authListener, createAuth } from '../../adapters/node.js'
import { CALENDAR_SCOPE } from '../support/connected-accounts.js'
import { type EmulatorServer, HttpBrowser, startEmulatorServer } from './harness.js'

const SECRET = 'a-node-connected-accounts-secret-of-32-chars'

let tenant: EmulatorServer
let server: http.Server | undefined
beforeAll(async () => {
  tenant = await startEmulatorServer()
})
afterAll(async () => {
  if (server) {
    server.closeAllConnections()
    await new Promise((resolve) => server?.close(resolve))
  }
  await tenant.stop()
})

/** The app: three pages that use `req.auth0`, everything else 404. */
const app: RequestListener = (req, res) => {
  void (async () => {
    const auth0 = req.auth0
    if (!auth0) throw new Error('req.auth0 is not set')
    if (req.url === '/connect-calendar') {
      const url = await auth0.startConnectAccount({
        connection: 'google-oauth2',
        scopes: [CALENDAR_SCOPE],
        appState: { returnTo: '/accounts' },
      })
      res.writeHead(302, { location: url.href })
      res.end()
      return
    }
    if (req.url === '/accounts') {
      const accounts = await auth0.listConnectedAccounts()
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(accounts))
      return
    }
    if (req.url === '/calendar-token') {
      const { token, expiresAt } = await auth0.getAccessTokenForConnection({ connection: 'google-oauth2' })
      res.writeHead(200, { 'content-type': 'application/json' })
      // Only this test app hands the token out, to check whose it is; the demo never does.
      res.end(JSON.stringify({ token, expiresAt }))
      return
    }
    res.writeHead(404)
    res.end()
  })().catch((error: unknown) => {
    res.writeHead(500, { 'content-type': 'text/plain' })
    res.end(error instanceof Error ? error.name : 'error')
  })
}

describe('connected accounts through the Node adapter, over HTTP', () => {
  it('connect (req.auth0) → listed → provider token → disconnect (route)', async () => {
    const auth = createAuth(
      {
        domain: tenant.origin,
        clientId: tenant.emulator.clientId,
        clientSecret: tenant.emulator.clientSecret,
        secret: SECRET,
        connectedAccounts: { enabled: true },
      },
      {},
    )
    server = http.createServer(authListener(auth, app))
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const browser = new HttpBrowser(baseUrl)
    await browser.navigate('/auth/login?returnTo=/')

    const { url, response } = await browser.navigate('/connect-calendar')
    expect(url.pathname).toBe('/accounts')
    const accounts = (await response.json()) as Array<{ id: string; connection: string; scopes: string[] }>
    expect(accounts).toEqual([expect.objectContaining({ connection: 'google-oauth2', scopes: [CALENDAR_SCOPE] })])
    expect(tenant.emulator.connectedAccounts('auth0|alice').map((account) => account.id)).toEqual([accounts[0]!.id])

    const listedByRoute = (await (await browser.send('/auth/connected-accounts')).json()) as { connectedAccounts: Array<{ id: string }> }
    expect(listedByRoute.connectedAccounts.map((account) => account.id)).toEqual([accounts[0]!.id])

    const tokenResponse = await browser.send('/calendar-token')
    expect(tokenResponse.status).toBe(200)
    const { token, expiresAt } = (await tokenResponse.json()) as { token: string; expiresAt: number }
    expect(tenant.emulator.providerToken(token)).toMatchObject({ userId: 'auth0|alice', accountId: accounts[0]!.id })
    expect(expiresAt).toBeGreaterThan(Date.now() / 1000)
    // The session the adapter wrote to the response caches the token: the second call exchanges nothing.
    const tokenRequests = tenant.emulator.hits.token
    const again = (await (await browser.send('/calendar-token')).json()) as { token: string }
    expect(again.token).toBe(token)
    expect(tenant.emulator.hits.token).toBe(tokenRequests)

    const disconnected = await browser.send('/auth/disconnect', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ id: accounts[0]!.id, returnTo: '/accounts' }),
    })
    expect(disconnected.status).toBe(302)
    expect(tenant.emulator.connectedAccounts('auth0|alice')).toEqual([])
    expect(await (await browser.send('/accounts')).json()).toEqual([])
  })
})
