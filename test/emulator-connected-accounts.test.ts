// The emulator's My Account API, connect page, Multi-Resource Refresh Token and Token Vault
// grant, driven over its Request/Response interface as Auth0's documentation describes them.

import { base64url, decodeJwt } from 'jose'
import { beforeEach, describe, expect, it } from 'vitest'
import type { Auth0Emulator } from '../testing/index.js'
import { createAuth0Emulator } from '../testing/index.js'
import { tokenRequest } from './support/token-endpoint.js'

const CALLBACK = 'https://app.example/auth/callback'
const TOKEN_VAULT = 'urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token'
const random = () => base64url.encode(crypto.getRandomValues(new Uint8Array(32)))
const s256 = async (verifier: string) =>
  base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))))

const token = (emulator: Auth0Emulator, form: Record<string, string>) => emulator.handle(tokenRequest(emulator, form))

/** Signs alice in (auto interaction) and returns her refresh token. */
async function signIn(emulator: Auth0Emulator): Promise<string> {
  const verifier = random()
  const url = new URL('/authorize', emulator.origin)
  const query = {
    client_id: emulator.clientId,
    redirect_uri: CALLBACK,
    response_type: 'code',
    scope: 'openid profile email offline_access',
    code_challenge: await s256(verifier),
    code_challenge_method: 'S256',
    state: random(),
    nonce: random(),
  }
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value)
  const callback = new URL((await emulator.handle(new Request(url))).headers.get('location') ?? '')
  const response = await token(emulator, {
    grant_type: 'authorization_code',
    code: callback.searchParams.get('code') ?? '',
    redirect_uri: CALLBACK,
    code_verifier: verifier,
  })
  const body = (await response.json()) as { refresh_token: string }
  return body.refresh_token
}

async function myAccountToken(emulator: Auth0Emulator, refreshToken: string, scope: string): Promise<string> {
  const response = await token(emulator, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    audience: emulator.myAccountAudience,
    scope,
  })
  expect(response.status).toBe(200)
  return ((await response.json()) as { access_token: string }).access_token
}

function api(emulator: Auth0Emulator, bearer: string, path: string, init: { method?: string; body?: unknown } = {}) {
  return emulator.handle(
    new Request(`${emulator.origin}/me/v1/connected-accounts${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${bearer}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
    }),
  )
}

const ALL = 'create:me:connected_accounts read:me:connected_accounts delete:me:connected_accounts'

/** Runs connect → connect page → complete for google-oauth2 and returns the account. */
async function connectGoogle(emulator: Auth0Emulator, bearer: string) {
  const verifier = random()
  const state = random()
  const started = await api(emulator, bearer, '/connect', {
    method: 'POST',
    body: {
      connection: 'google-oauth2',
      redirect_uri: CALLBACK,
      state,
      code_challenge: await s256(verifier),
      code_challenge_method: 'S256',
      scopes: ['openid', 'https://www.googleapis.com/auth/calendar.readonly'],
    },
  })
  expect(started.status).toBe(201)
  const { auth_session, connect_uri, connect_params, expires_in } = (await started.json()) as {
    auth_session: string
    connect_uri: string
    connect_params: { ticket: string }
    expires_in: number
  }
  expect(expires_in).toBeGreaterThan(0)
  const page = new URL(connect_uri)
  page.searchParams.set('ticket', connect_params.ticket)
  const back = new URL((await emulator.handle(new Request(page))).headers.get('location') ?? '')
  expect(back.origin + back.pathname).toBe(CALLBACK)
  expect(back.searchParams.get('state')).toBe(state)
  const connectCode = back.searchParams.get('connect_code') ?? ''
  return { auth_session, connectCode, verifier }
}

let emulator: Auth0Emulator
beforeEach(async () => {
  emulator = await createAuth0Emulator()
})

describe('Multi-Resource Refresh Token', () => {
  it('issues a My Account API token with the requested scopes the policy allows, and no ID token', async () => {
    const refreshToken = await signIn(emulator)
    const response = await token(emulator, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      audience: emulator.myAccountAudience,
      scope: 'read:me:connected_accounts update:me:everything',
    })
    const body = (await response.json()) as { access_token: string; scope: string; id_token?: string }
    expect(body.scope).toBe('read:me:connected_accounts')
    expect(body.id_token).toBeUndefined()
    expect(decodeJwt(body.access_token).aud).toContain(emulator.myAccountAudience)
  })

  it('answers an audience outside the policy with a token for the login audience, as Auth0 does', async () => {
    const restricted = await createAuth0Emulator({ myAccountScopes: [] })
    const refreshToken = await signIn(restricted)
    const response = await token(restricted, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      audience: restricted.myAccountAudience,
      scope: 'read:me:connected_accounts',
    })
    const body = (await response.json()) as { access_token: string; scope: string }
    expect(decodeJwt(body.access_token).aud).not.toContain(restricted.myAccountAudience)
    expect(body.scope).not.toContain('read:me:connected_accounts')
  })

  it('refuses a refresh with an injected mfa_required', async () => {
    const refreshToken = await signIn(emulator)
    emulator.fail({ endpoint: 'token', grant: 'refresh_token', oauthError: 'mfa_required', status: 403 })
    const response = await token(emulator, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      audience: emulator.myAccountAudience,
    })
    expect(response.status).toBe(403)
    expect(((await response.json()) as { error: string }).error).toBe('mfa_required')
  })
})

describe('My Account API', () => {
  it('connects, lists, pages, deletes, and lists the connections', async () => {
    const bearer = await myAccountToken(emulator, await signIn(emulator), ALL)
    const { auth_session, connectCode, verifier } = await connectGoogle(emulator, bearer)
    const completed = await api(emulator, bearer, '/complete', {
      method: 'POST',
      body: { auth_session, connect_code: connectCode, redirect_uri: CALLBACK, code_verifier: verifier },
    })
    expect(completed.status).toBe(201)
    const account = (await completed.json()) as { id: string; connection: string; scopes: string[]; access_type: string }
    expect(account).toMatchObject({ connection: 'google-oauth2', access_type: 'offline' })
    expect(account.id).toMatch(/^cac_[A-Za-z0-9]+$/)
    expect(emulator.connectedAccounts('auth0|alice').map((a) => a.id)).toEqual([account.id])

    const listed = (await (await api(emulator, bearer, '/accounts')).json()) as { accounts: Array<{ id: string }>; next?: string }
    expect(listed.accounts.map((a) => a.id)).toEqual([account.id])
    expect(listed.next).toBeUndefined()

    const connections = (await (await api(emulator, bearer, '/connections?take=1')).json()) as {
      connections: Array<{ name: string }>
      next?: string
    }
    expect(connections.connections.map((c) => c.name)).toEqual(['google-oauth2'])
    const second = (await (await api(emulator, bearer, `/connections?take=1&from=${connections.next}`)).json()) as {
      connections: Array<{ name: string }>
      next?: string
    }
    expect(second.connections.map((c) => c.name)).toEqual(['github'])
    expect(second.next).toBeUndefined()

    expect((await api(emulator, bearer, `/accounts/${account.id}`, { method: 'DELETE' })).status).toBe(204)
    expect(emulator.connectedAccounts('auth0|alice')).toEqual([])
  })

  it('checks bearer, audience and scope', async () => {
    const refreshToken = await signIn(emulator)
    expect((await api(emulator, 'not-a-token', '/accounts')).status).toBe(401)
    const loginToken = (
      (await (await token(emulator, { grant_type: 'refresh_token', refresh_token: refreshToken })).json()) as {
        access_token: string
      }
    ).access_token
    expect((await api(emulator, loginToken, '/accounts')).status).toBe(401)
    const readOnly = await myAccountToken(emulator, refreshToken, 'read:me:connected_accounts')
    const refused = await api(emulator, readOnly, '/connect', {
      method: 'POST',
      body: { connection: 'google-oauth2', redirect_uri: CALLBACK },
    })
    expect(refused.status).toBe(403)
    expect(refused.headers.get('content-type')).toBe('application/problem+json')
    expect(refused.headers.get('www-authenticate')).toContain('insufficient_scope')
  })

  it('refuses a replayed connect code, a foreign auth_session, a wrong verifier and an unknown connection', async () => {
    const bearer = await myAccountToken(emulator, await signIn(emulator), ALL)
    const first = await connectGoogle(emulator, bearer)
    const second = await connectGoogle(emulator, bearer)
    // second's code with first's auth_session: a mismatch, which also uses up first's request
    const crossed = await api(emulator, bearer, '/complete', {
      method: 'POST',
      body: { auth_session: first.auth_session, connect_code: second.connectCode, redirect_uri: CALLBACK, code_verifier: second.verifier },
    })
    expect(crossed.status).toBe(400)
    const wrongVerifier = await api(emulator, bearer, '/complete', {
      method: 'POST',
      body: { auth_session: second.auth_session, connect_code: second.connectCode, redirect_uri: CALLBACK, code_verifier: random() },
    })
    expect(wrongVerifier.status).toBe(400)
    const replay = await api(emulator, bearer, '/complete', {
      method: 'POST',
      body: { auth_session: second.auth_session, connect_code: second.connectCode, redirect_uri: CALLBACK, code_verifier: second.verifier },
    })
    expect(replay.status).toBe(400)
    const unknown = await api(emulator, bearer, '/connect', { method: 'POST', body: { connection: 'myspace', redirect_uri: CALLBACK } })
    expect(unknown.status).toBe(400)
    expect(emulator.connectedAccounts('auth0|alice')).toEqual([])
  })

  it("answers another user's account id as not found", async () => {
    const aliceBearer = await myAccountToken(emulator, await signIn(emulator), ALL)
    const { auth_session, connectCode, verifier } = await connectGoogle(emulator, aliceBearer)
    const account = (await (
      await api(emulator, aliceBearer, '/complete', {
        method: 'POST',
        body: { auth_session, connect_code: connectCode, redirect_uri: CALLBACK, code_verifier: verifier },
      })
    ).json()) as { id: string }
    emulator.signInAs('auth0|bob')
    const bobBearer = await myAccountToken(emulator, await signIn(emulator), ALL)
    expect((await api(emulator, bobBearer, `/accounts/${account.id}`, { method: 'DELETE' })).status).toBe(404)
    expect(emulator.connectedAccounts('auth0|alice')).toHaveLength(1)
  })

  it('redirects an expired ticket back with an error, and injects problems and statuses', async () => {
    const bearer = await myAccountToken(emulator, await signIn(emulator), ALL)
    const started = (await (
      await api(emulator, bearer, '/connect', { method: 'POST', body: { connection: 'github', redirect_uri: CALLBACK, state: 'abc' } })
    ).json()) as { connect_uri: string; connect_params: { ticket: string } }
    emulator.fail({ endpoint: 'connect', expiredTicket: true })
    const page = new URL(started.connect_uri)
    page.searchParams.set('ticket', started.connect_params.ticket)
    const back = new URL((await emulator.handle(new Request(page))).headers.get('location') ?? '')
    expect(back.searchParams.get('error')).toBe('access_denied')
    expect(back.searchParams.get('state')).toBe('abc')

    emulator.fail({ endpoint: 'my-account', problem: 'insufficient_scope' })
    expect((await api(emulator, bearer, '/accounts')).status).toBe(403)
    emulator.fail({ endpoint: 'my-account', problem: 'invalid_token' })
    expect((await api(emulator, bearer, '/accounts')).status).toBe(401)
    emulator.fail({ endpoint: 'my-account', status: 503 })
    expect((await api(emulator, bearer, '/accounts')).status).toBe(503)
    expect((await api(emulator, bearer, '/accounts')).status).toBe(200)
    expect(emulator.hits['my-account']).toBe(5)
  })
})

describe('Token Vault grant', () => {
  const exchange = (refreshToken: string, connection: string) =>
    token(emulator, {
      grant_type: TOKEN_VAULT,
      subject_token: refreshToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:refresh_token',
      requested_token_type: 'http://auth0.com/oauth/token-type/federated-connection-access-token',
      connection,
    })

  it("returns the connected account's provider token, and 401 for a connection not connected", async () => {
    const refreshToken = await signIn(emulator)
    const notConnected = await exchange(refreshToken, 'google-oauth2')
    expect(notConnected.status).toBe(401)
    expect(((await notConnected.json()) as { error: string }).error).toBe('federated_connection_refresh_token_not_found')

    const bearer = await myAccountToken(emulator, refreshToken, ALL)
    const { auth_session, connectCode, verifier } = await connectGoogle(emulator, bearer)
    await api(emulator, bearer, '/complete', {
      method: 'POST',
      body: { auth_session, connect_code: connectCode, redirect_uri: CALLBACK, code_verifier: verifier },
    })
    const response = await exchange(refreshToken, 'google-oauth2')
    expect(response.status).toBe(200)
    const body = (await response.json()) as { access_token: string; scope: string; issued_token_type: string; expires_in: number }
    expect(body.issued_token_type).toBe('http://auth0.com/oauth/token-type/federated-connection-access-token')
    expect(body.scope).toContain('https://www.googleapis.com/auth/calendar.readonly')
    expect(emulator.providerToken(body.access_token)).toMatchObject({ userId: 'auth0|alice', connection: 'google-oauth2' })
  })

  it('treats a rotated-out refresh token as reuse', async () => {
    const rotating = await createAuth0Emulator({ refreshTokenRotation: true })
    emulator = rotating
    const refreshToken = await signIn(rotating)
    const rotated = await token(rotating, { grant_type: 'refresh_token', refresh_token: refreshToken })
    const { refresh_token: newer } = (await rotated.json()) as { refresh_token: string }
    expect((await exchange(refreshToken, 'google-oauth2')).status).toBe(403)
    // reuse revoked the family: the newer token is gone too
    expect((await token(rotating, { grant_type: 'refresh_token', refresh_token: newer })).status).toBe(403)
  })

  it('refuses with an injected OAuth error for the Token Vault grant only', async () => {
    const refreshToken = await signIn(emulator)
    emulator.fail({ endpoint: 'token', grant: 'token-vault', oauthError: 'invalid_grant', status: 403 })
    expect((await token(emulator, { grant_type: 'refresh_token', refresh_token: refreshToken })).status).toBe(200)
    const refused = await exchange(refreshToken, 'google-oauth2')
    expect(refused.status).toBe(403)
    expect(((await refused.json()) as { error: string }).error).toBe('invalid_grant')
  })
})
