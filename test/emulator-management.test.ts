/** @module The emulator's Management API: per-client grants, users, users-by-email, metadata, identities, and what the tenant doctor reads. */

import { base64url, decodeJwt } from 'jose'
import { beforeEach, describe, expect, it } from 'vitest'
import type { Auth0Emulator, Auth0EmulatorOptions } from '../testing/index.js'
import { createAuth0Emulator } from '../testing/index.js'
import { exchangeCode } from './support/token-endpoint.js'

const CALLBACK = 'https://app.example/auth/callback'

const random = () => base64url.encode(crypto.getRandomValues(new Uint8Array(32)))
const s256 = async (verifier: string) =>
  base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))))

async function clientCredentials(emulator: Auth0Emulator, clientId = emulator.clientId, clientSecret = emulator.clientSecret) {
  return emulator.handle(
    new Request(`${emulator.origin}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
        audience: `${emulator.origin}/api/v2/`,
      }),
    }),
  )
}

async function managementToken(emulator: Auth0Emulator): Promise<string> {
  const response = await clientCredentials(emulator)
  expect(response.status).toBe(200)
  return ((await response.json()) as { access_token: string }).access_token
}

async function api(emulator: Auth0Emulator, method: string, path: string, body?: unknown, token?: string) {
  const response = await emulator.fetch(`${emulator.origin}/api/v2/${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token ?? (await managementToken(emulator))}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & Array<Record<string, unknown>> }
}

/** Signs in through /authorize ('auto') and the token endpoint; the ID token. */
async function signIn(emulator: Auth0Emulator, params: Record<string, string> = {}): Promise<string> {
  const verifier = random()
  const url = new URL('/authorize', emulator.origin)
  const query = {
    client_id: emulator.clientId,
    redirect_uri: CALLBACK,
    response_type: 'code',
    scope: 'openid profile email',
    code_challenge: await s256(verifier),
    code_challenge_method: 'S256',
    state: random(),
    nonce: random(),
    ...params,
  }
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value)
  const location = new URL((await emulator.handle(new Request(url))).headers.get('location') ?? '')
  const code = location.searchParams.get('code')
  if (!code) throw new Error(`no code: ${location.href}`)
  const response = await exchangeCode(emulator, code, verifier, CALLBACK)
  return ((await response.json()) as { id_token: string }).id_token
}

const connectionsOf = (emulator: Auth0Emulator, userId: string) => emulator.getUser(userId)?.identities.map((i) => i.connection)

let emulator: Auth0Emulator
beforeEach(async () => {
  emulator = await createAuth0Emulator()
})

describe('client credentials and per-client grants', () => {
  it("grants the app's client read:users update:users on the Management API by default", async () => {
    const response = await clientCredentials(emulator)
    expect(await response.json()).toMatchObject({ scope: 'read:users update:users', token_type: 'Bearer' })
  })

  it('refuses client credentials when the grant is removed, naming the client-grant', async () => {
    const ungranted = await createAuth0Emulator({ managementApiGrant: false })
    const response = await clientCredentials(ungranted)
    expect(response.status).toBe(403)
    expect(await response.json()).toMatchObject({ error: 'access_denied', error_description: expect.stringContaining('client-grant') })
  })

  it("answers 403 insufficient_scope in Auth0's error shape when the grant is narrower", async () => {
    const narrow = await createAuth0Emulator({ managementApiGrant: ['read:users'] })
    const { status, body } = await api(narrow, 'DELETE', 'users/auth0%7Cbob/identities/github/5550002')
    expect(status).toBe(403)
    expect(body).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Insufficient scope, expected any of: update:users',
      errorCode: 'insufficient_scope',
    })
    expect(connectionsOf(narrow, 'auth0|bob')).toEqual(['Username-Password-Authentication', 'github'])
  })

  it('gives other clients their own grants and refuses a wrong secret', async () => {
    const withM2m = await createAuth0Emulator({
      clients: [
        { client_id: 'm2m', client_secret: 'm2m-secret', name: 'M2M', app_type: 'non_interactive', managementScopes: ['read:users'] },
      ],
    })
    expect(await (await clientCredentials(withM2m, 'm2m', 'm2m-secret')).json()).toMatchObject({ scope: 'read:users' })
    expect((await clientCredentials(withM2m, 'm2m', 'wrong')).status).toBe(401)
  })
})

describe('users', () => {
  it('reads a user with identities, email_verified, metadata and last_login after a sign-in', async () => {
    await signIn(emulator)
    const { status, body } = await api(emulator, 'GET', 'users/auth0%7Calice')
    expect(status).toBe(200)
    expect(body).toMatchObject({ user_id: 'auth0|alice', email_verified: true, user_metadata: {}, app_metadata: {} })
    expect(body.last_login).toEqual(expect.any(String))
  })

  it('lists every user with an email, duplicates included, and 400 without one', async () => {
    const { body } = await api(emulator, 'GET', 'users-by-email?email=bob%40example.com')
    expect(body.map((user) => user.user_id)).toEqual(['auth0|bob', 'google-oauth2|5550003'])
    expect(body[1]).toMatchObject({ email_verified: true, identities: [{ connection: 'google-oauth2' }] })
    expect((await api(emulator, 'GET', 'users-by-email')).status).toBe(400)
  })

  it('merges metadata at the top level, deletes null properties, and clears it with {}', async () => {
    await api(emulator, 'PATCH', 'users/auth0%7Calice', { user_metadata: { a: 1, nested: { x: 1 } }, app_metadata: { plan: 'pro' } })
    const { body } = await api(emulator, 'PATCH', 'users/auth0%7Calice', { user_metadata: { a: null, nested: { y: 2 }, b: 3 } })
    expect(body.user_metadata).toEqual({ nested: { y: 2 }, b: 3 })
    expect(body.app_metadata).toEqual({ plan: 'pro' })
    const cleared = await api(emulator, 'PATCH', 'users/auth0%7Calice', { user_metadata: {} })
    expect(cleared.body.user_metadata).toEqual({})
    expect(cleared.body.app_metadata).toEqual({ plan: 'pro' })
    expect((await api(emulator, 'PATCH', 'users/auth0%7Calice', { user_metadata: 'x' })).status).toBe(400)
  })
})

describe('deleting users', () => {
  const DELETER = {
    client_id: 'deleter',
    client_secret: 'deleter-secret-that-is-long-enough',
    name: 'Deleter',
    app_type: 'non_interactive',
    managementScopes: ['read:users', 'delete:users'],
  } as const

  async function deleterToken(withDeleter: Auth0Emulator): Promise<string> {
    const response = await clientCredentials(withDeleter, DELETER.client_id, DELETER.client_secret)
    expect(response.status).toBe(200)
    return ((await response.json()) as { access_token: string }).access_token
  }

  /** `DELETE /api/v2/users/{id}`: its status and its body as text (Auth0's 204 has none). */
  async function deleteUser(on: Auth0Emulator, userId: string, token: string) {
    const response = await on.fetch(`${on.origin}/api/v2/users/${encodeURIComponent(userId)}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    })
    return { status: response.status, text: await response.text() }
  }

  it('deletes a user with delete:users: 204 with no body, gone from users and users-by-email, and 204 again', async () => {
    const withDeleter = await createAuth0Emulator({ clients: [{ ...DELETER, managementScopes: [...DELETER.managementScopes] }] })
    const token = await deleterToken(withDeleter)
    expect(await deleteUser(withDeleter, 'google-oauth2|5550003', token)).toEqual({ status: 204, text: '' })
    expect(withDeleter.getUser('google-oauth2|5550003')).toBeUndefined()
    expect((await api(withDeleter, 'GET', 'users/google-oauth2%7C5550003', undefined, token)).status).toBe(404)
    const { body } = await api(withDeleter, 'GET', 'users-by-email?email=bob%40example.com', undefined, token)
    expect(body.map((user) => user.user_id)).toEqual(['auth0|bob'])
    expect(await deleteUser(withDeleter, 'google-oauth2|5550003', token)).toEqual({ status: 204, text: '' })
    expect(withDeleter.getUser('auth0|bob')).toBeDefined()
  })

  it("refuses the app's default grant (no delete:users) with 403 insufficient_scope, deleting nothing", async () => {
    const { status, text } = await deleteUser(emulator, 'auth0|bob', await managementToken(emulator))
    expect(status).toBe(403)
    expect(JSON.parse(text)).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Insufficient scope, expected any of: delete:users',
      errorCode: 'insufficient_scope',
    })
    expect(emulator.getUser('auth0|bob')).toBeDefined()
  })

  it('deletes the identities linked into a user; a social one signs in afterwards as a new user of its own', async () => {
    const withDeleter = await createAuth0Emulator({ clients: [{ ...DELETER, managementScopes: [...DELETER.managementScopes] }] })
    expect(connectionsOf(withDeleter, 'auth0|bob')).toEqual(['Username-Password-Authentication', 'github'])
    expect((await deleteUser(withDeleter, 'auth0|bob', await deleterToken(withDeleter))).status).toBe(204)
    expect(withDeleter.getUser('auth0|bob')).toBeUndefined()
    expect(decodeJwt(await signIn(withDeleter, { connection: 'github', login_hint: '5550002' })).sub).toBe('github|5550002')
    expect(connectionsOf(withDeleter, 'github|5550002')).toEqual(['github'])
  })
})

describe('linking and unlinking identities', () => {
  it('links a provider account by provider + user_id: the secondary stops being a user, and signing in with it yields the primary', async () => {
    await signIn(emulator, { connection: 'github', login_hint: '5550001' })
    expect(emulator.getUser('github|5550001')).toBeDefined()
    const { status, body } = await api(emulator, 'POST', 'users/auth0%7Calice/identities', { provider: 'github', user_id: '5550001' })
    expect(status).toBe(201)
    expect(body.map((identity) => identity.connection)).toEqual(['Username-Password-Authentication', 'github'])
    expect(emulator.getUser('github|5550001')).toBeUndefined()
    expect((await api(emulator, 'GET', 'users/github%7C5550001')).status).toBe(404)
    expect(decodeJwt(await signIn(emulator, { connection: 'github', login_hint: '5550001' })).sub).toBe('auth0|alice')
  })

  it("links with link_with (the secondary's ID token for the calling client) and refuses a token for another client", async () => {
    const secondary = await signIn(emulator, { connection: 'github', login_hint: '5550001' })
    const withM2m = await createAuth0Emulator({
      clients: [
        { client_id: 'm2m', client_secret: 'm2m-secret', name: 'M2M', app_type: 'non_interactive', managementScopes: ['update:users'] },
      ],
    })
    const m2mToken = ((await (await clientCredentials(withM2m, 'm2m', 'm2m-secret')).json()) as { access_token: string }).access_token
    const foreignTenant = await api(withM2m, 'POST', 'users/auth0%7Calice/identities', { link_with: secondary }, m2mToken)
    expect(foreignTenant.status).toBe(400)
    const otherClient = await signIn(withM2m, { connection: 'github', login_hint: '5550001' })
    expect((await api(withM2m, 'POST', 'users/auth0%7Calice/identities', { link_with: otherClient }, m2mToken)).status).toBe(400)
    expect(
      (await api(emulator, 'POST', 'users/auth0%7Calice/identities', { link_with: secondary, provider: 'github', user_id: '5550001' }))
        .status,
    ).toBe(400)
    const linked = await api(emulator, 'POST', 'users/auth0%7Calice/identities', { link_with: secondary })
    expect(linked.status).toBe(201)
    expect(connectionsOf(emulator, 'auth0|alice')).toEqual(['Username-Password-Authentication', 'github'])
  })

  it('refuses an identity already linked to another user with 409, and a user that owns linked identities as a secondary', async () => {
    const taken = await api(emulator, 'POST', 'users/auth0%7Calice/identities', { provider: 'github', user_id: '5550002' })
    expect(taken.status).toBe(409)
    expect(taken.body).toMatchObject({ statusCode: 409, error: 'Conflict' })
    const owner = await api(emulator, 'POST', 'users/auth0%7Calice/identities', { provider: 'auth0', user_id: 'bob' })
    expect(owner.status).toBe(400)
    expect(connectionsOf(emulator, 'auth0|bob')).toEqual(['Username-Password-Authentication', 'github'])
    expect(connectionsOf(emulator, 'auth0|alice')).toEqual(['Username-Password-Authentication'])
  })

  it('unlinks an identity, which becomes a user of its own again; refuses the primary and an unknown identity', async () => {
    const { status, body } = await api(emulator, 'DELETE', 'users/auth0%7Cbob/identities/github/5550002')
    expect(status).toBe(200)
    expect(body.map((identity) => identity.connection)).toEqual(['Username-Password-Authentication'])
    expect(emulator.getUser('github|5550002')).toMatchObject({ email: 'bob@example.com', identities: [{ connection: 'github' }] })
    expect(decodeJwt(await signIn(emulator, { connection: 'github', login_hint: '5550002' })).sub).toBe('github|5550002')
    expect((await api(emulator, 'DELETE', 'users/auth0%7Cbob/identities/auth0/bob')).status).toBe(400)
    expect((await api(emulator, 'DELETE', 'users/auth0%7Cbob/identities/github/5550002')).status).toBe(404)
  })
})

describe('what the tenant doctor reads', () => {
  const doctorScopes: Auth0EmulatorOptions = {
    managementApiGrant: ['read:users', 'update:users', 'read:clients', 'read:client_grants', 'read:actions'],
    callbacks: [CALLBACK],
    allowedLogoutUrls: ['https://app.example/'],
    refreshTokenRotation: true,
  }

  it('reads the client settings, its grants, and no Action on a plain tenant', async () => {
    const tenant = await createAuth0Emulator(doctorScopes)
    const client = await api(tenant, 'GET', `clients/${tenant.clientId}`)
    expect(client.body).toMatchObject({
      client_id: tenant.clientId,
      callbacks: [CALLBACK],
      allowed_logout_urls: ['https://app.example/'],
      grant_types: expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']),
      refresh_token: { rotation_type: 'rotating' },
    })
    expect(client.body).not.toHaveProperty('client_secret')
    const grants = await api(tenant, 'GET', `client-grants?client_id=${tenant.clientId}`)
    expect(grants.body).toEqual([expect.objectContaining({ audience: `${tenant.origin}/api/v2/`, scope: doctorScopes.managementApiGrant })])
    expect((await api(tenant, 'GET', 'actions/actions')).body).toMatchObject({ actions: [], total: 0 })
    expect((await api(tenant, 'GET', 'actions/triggers/post-login/bindings')).body).toMatchObject({ bindings: [] })
    expect((await api(tenant, 'GET', 'clients/nope')).status).toBe(404)
  })

  it("lists the kit's Action and its post-login binding when the tenant runs it", async () => {
    const tenant = await createAuth0Emulator({ ...doctorScopes, accountLinkingAction: true })
    const { body } = await api(tenant, 'GET', 'actions/triggers/post-login/bindings')
    expect(body.bindings).toEqual([expect.objectContaining({ trigger_id: 'post-login', display_name: 'auth0-link-kit account linking' })])
  })

  it('answers 403 insufficient_scope for the doctor endpoints with the default grant', async () => {
    for (const path of [`clients/${emulator.clientId}`, 'client-grants', 'actions/actions', 'actions/triggers/post-login/bindings']) {
      expect((await api(emulator, 'GET', path)).body).toMatchObject({ statusCode: 403, errorCode: 'insufficient_scope' })
    }
  })
})

describe('failure injection on the Management API', () => {
  it('answers an injected status, then serves normally', async () => {
    const token = await managementToken(emulator)
    emulator.fail({ endpoint: 'management', status: 429 })
    expect((await api(emulator, 'GET', 'users-by-email?email=bob%40example.com', undefined, token)).status).toBe(429)
    expect((await api(emulator, 'GET', 'users-by-email?email=bob%40example.com', undefined, token)).status).toBe(200)
  })

  it('fails like the network, and delays until the caller gives up', async () => {
    const token = await managementToken(emulator)
    emulator.fail({ endpoint: 'management', network: true })
    await expect(
      api(emulator, 'POST', 'users/auth0%7Calice/identities', { provider: 'github', user_id: '5550001' }, token),
    ).rejects.toThrow(TypeError)
    emulator.fail({ endpoint: 'management', delayMs: 60_000 })
    const controller = new AbortController()
    const pending = emulator.fetch(`${emulator.origin}/api/v2/users/auth0%7Calice`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    })
    controller.abort(new Error('gave up'))
    await expect(pending).rejects.toThrow('gave up')
  })
})
