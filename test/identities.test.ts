import { describe, expect, it } from 'vitest'
import { ConfigurationError, ManagementApiError, MissingSessionError, ServerClient, TimeoutError } from '../core/index.js'
import { flowContextOf } from '../core/server-client.js'
import { createAuth0Emulator } from '../testing/index.js'
import { TestBrowser } from './support/browser.js'
import { signedInBrowser, storeOptionsOf } from './support/flows.js'
import { APP_ORIGIN, authOptions, createTestAuth, useMockedTenant } from './support/tenant.js'

const tenant = useMockedTenant()

const connections = (identities: Array<{ connection: string }>) => identities.map((identity) => identity.connection)

describe('getIdentities', () => {
  it('lists the primary identity first and a linked one after it, from the Management API', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = await signedInBrowser(auth, emulator)
    expect(connections(await auth.client.getIdentities(storeOptionsOf(browser)))).toEqual(['Username-Password-Authentication'])

    await browser.navigate('/auth/link?connection=github&returnTo=/')
    const identities = await auth.client.getIdentities(storeOptionsOf(browser))
    expect(identities).toEqual([
      { connection: 'Username-Password-Authentication', provider: 'auth0', user_id: 'alice', isSocial: false },
      expect.objectContaining({ connection: 'github', provider: 'github', user_id: '5550001', isSocial: true }),
    ])
    // Two reads here; the link read the secondary user, read both users' metadata for the
    // metadata merge (nothing to add, so no PATCH), and linked it (DESIGN §15, §16).
    expect(emulator.hits.management).toBe(6)
  })

  it('throws MissingSessionError when signed out, without calling Auth0', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    await expect(auth.client.getIdentities(storeOptionsOf(browser))).rejects.toBeInstanceOf(MissingSessionError)
    expect(emulator.hits.management).toBe(0)
  })

  it('shares one client-credentials token between concurrent first calls and reuses it', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = await signedInBrowser(auth, emulator)
    const tokenRequestsAfterSignIn = emulator.hits.token
    await Promise.all([1, 2, 3].map(() => auth.client.getIdentities(storeOptionsOf(browser))))
    await auth.client.getIdentities(storeOptionsOf(browser))
    expect(emulator.hits.token - tokenRequestsAfterSignIn).toBe(1)
    expect(emulator.hits.management).toBe(4)
  })

  it('requests a new token once the cached one is about to expire', async () => {
    // Tokens that live 10 s are inside the renewal leeway as soon as they arrive.
    const shortLived = await createAuth0Emulator({ accessTokenTtl: 10 })
    const auth = createTestAuth(shortLived, { fetch: shortLived.fetch })
    const browser = await signedInBrowser(auth, shortLived)
    const before = shortLived.hits.token
    await auth.client.getIdentities(storeOptionsOf(browser))
    await auth.client.getIdentities(storeOptionsOf(browser))
    expect(shortLived.hits.token - before).toBe(2)
  })

  it('does not cache a failed token request: the next call asks again and succeeds', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = await signedInBrowser(auth, emulator)
    emulator.fail({ endpoint: 'token', status: 503 })
    await expect(auth.client.getIdentities(storeOptionsOf(browser))).rejects.toMatchObject({
      code: 'management_api_error',
      status: 502,
    })
    expect(connections(await auth.client.getIdentities(storeOptionsOf(browser)))).toEqual(['Username-Password-Authentication'])
    expect(emulator.hits.management).toBe(1)
  })

  it("reports a missing Management API grant as ManagementApiError with Auth0's error", async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator, { managementApi: { audience: 'https://someone-else.example.com/api/v2/' } })
    const browser = await signedInBrowser(auth, emulator)
    const error = await auth.client.getIdentities(storeOptionsOf(browser)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ManagementApiError)
    expect(error).toMatchObject({ error: 'access_denied', upstreamStatus: 403 })
    expect(emulator.hits.management).toBe(0)
  })

  it("uses the managementApi credentials instead of the app's when given", async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator, { managementApi: { clientId: emulator.clientId, clientSecret: 'not-the-secret' } })
    const browser = await signedInBrowser(auth, emulator)
    await expect(auth.client.getIdentities(storeOptionsOf(browser))).rejects.toMatchObject({ error: 'invalid_client' })
  })

  it('turns a Management API refusal into ManagementApiError and forgets a rejected token', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator)
    const browser = await signedInBrowser(auth, emulator)
    const before = emulator.hits.token
    emulator.fail({ endpoint: 'management', status: 401, body: JSON.stringify({ statusCode: 401, message: 'Expired token' }) })
    await expect(auth.client.getIdentities(storeOptionsOf(browser))).rejects.toMatchObject({
      code: 'management_api_error',
      upstreamStatus: 401,
      message: 'The Management API answered 401 when asked to read the user: Expired token',
    })
    await auth.client.getIdentities(storeOptionsOf(browser))
    expect(emulator.hits.token - before).toBe(2)
  })

  it('goes through the configured fetch and gives up after httpTimeout', async () => {
    const { emulator } = tenant
    const seen: string[] = []
    const countingFetch: typeof fetch = (input, init) => {
      seen.push(new Request(input, init).url)
      return emulator.fetch(input, init)
    }
    const auth = createTestAuth(emulator, { fetch: countingFetch, httpTimeout: 200 })
    const browser = await signedInBrowser(auth, emulator)
    emulator.fail({ endpoint: 'token', delayMs: 5_000 })
    await expect(auth.client.getIdentities(storeOptionsOf(browser))).rejects.toBeInstanceOf(TimeoutError)
    await auth.client.getIdentities(storeOptionsOf(browser))
    expect(seen).toContain(`${emulator.origin}/api/v2/users/auth0%7Calice`)
    expect(seen.filter((url) => url === `${emulator.origin}/oauth/token`).length).toBeGreaterThanOrEqual(3)
  })

  it('drops identity-provider tokens from what it returns', async () => {
    const { emulator } = tenant
    const withIdpToken: typeof fetch = async (input, init) => {
      const response = await emulator.fetch(input, init)
      if (!new Request(input, init).url.includes('/api/v2/users/')) return response
      const user = (await response.json()) as { identities: Array<Record<string, unknown>> }
      for (const identity of user.identities) identity.access_token = 'idp-secret-token'
      return Response.json(user)
    }
    const auth = createTestAuth(emulator, { fetch: withIdpToken })
    const browser = await signedInBrowser(auth, emulator)
    const identities = await auth.client.getIdentities(storeOptionsOf(browser))
    expect(JSON.stringify(identities)).not.toContain('idp-secret-token')
  })
})

describe('the /auth/identities route', () => {
  it('is off by default: the handler leaves the path to the app', async () => {
    const auth = createTestAuth(tenant.emulator)
    expect(await auth.handler(new Request(`${APP_ORIGIN}/auth/identities`))).toBeNull()
  })

  it('answers the identities as JSON when enabled, and 401 when signed out', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator, { identities: { enabled: true } })
    const signedOut = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    const refused = await signedOut.send('/auth/identities', { headers: { accept: 'application/json' } })
    expect(refused.status).toBe(401)
    expect(await refused.json()).toMatchObject({ error: 'missing_session' })

    const browser = await signedInBrowser(auth, emulator)
    await browser.navigate('/auth/link?connection=google-oauth2&returnTo=/')
    const response = await browser.send('/auth/identities')
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = (await response.json()) as { identities: Array<{ connection: string }> }
    expect(connections(body.identities)).toEqual(['Username-Password-Authentication', 'google-oauth2'])
  })

  it('serves a custom path and answers 502 with the code when the Management API refuses', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator, { identities: { enabled: true }, routes: { identities: '/api/me/identities' } })
    const browser = await signedInBrowser(auth, emulator)
    emulator.fail({ endpoint: 'management', status: 403, body: JSON.stringify({ message: 'Insufficient scope, expected: read:users' }) })
    const response = await browser.send('/api/me/identities', { headers: { accept: 'application/json' } })
    expect(response.status).toBe(502)
    expect(await response.json()).toMatchObject({ error: 'management_api_error' })
    expect(await auth.handler(new Request(`${APP_ORIGIN}/auth/identities`))).toBeNull()
  })
})

describe('managementApi options', () => {
  it.each([
    ['managementApi.clientId', { clientSecret: 'a-secret' }],
    ['managementApi.clientSecret', { clientId: 'm2m-client' }],
    ['managementApi.audience', { audience: 'http://management.example.com/api/v2/' }],
    ['managementApi.audience', { audience: 'not a url' }],
  ])('refuses a bad %s at construction', (option, managementApi) => {
    const construct = () => new ServerClient(authOptions(tenant.emulator, { managementApi }))
    expect(construct).toThrow(ConfigurationError)
    expect(construct).toThrow(expect.objectContaining({ option }))
  })

  it("defaults the audience to the tenant's /api/v2/ and keeps the Routes defaults", () => {
    const client = new ServerClient(authOptions(tenant.emulator))
    expect(flowContextOf(client).config.managementApi.audience?.href).toBe(`${tenant.emulator.origin}/api/v2/`)
    expect(flowContextOf(client).config.routes.identities).toBe('/auth/identities')
    expect(flowContextOf(client).config.routes.login).toBe('/auth/login')
  })
})
