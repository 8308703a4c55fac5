/** @module The kit's post-login Action (tenant/actions/account-linking.js) run by the emulator's Actions runtime, green and red. */

import type { JWTPayload } from 'jose'
import { base64url, decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import type { Auth0Emulator, Auth0EmulatorOptions } from '../testing/index.js'
import { createAuth0Emulator } from '../testing/index.js'
import { exchangeCode } from './support/token-endpoint.js'

const CALLBACK = 'https://app.example/auth/callback'
const CLAIM = 'https://auth0-link-kit.dev/linking'

const random = () => base64url.encode(crypto.getRandomValues(new Uint8Array(32)))
const s256 = async (verifier: string) =>
  base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))))

/** /authorize in 'auto' interaction (the runtime follows the Action's own redirects), then the callback's code exchanged. */
type Outcome = { idToken: string; claims: JWTPayload } | { error: string | null; description: string }

async function authorize(emulator: Auth0Emulator, params: Record<string, string> = {}): Promise<Outcome> {
  const verifier = random()
  const state = random()
  const url = new URL('/authorize', emulator.origin)
  const query = {
    client_id: emulator.clientId,
    redirect_uri: CALLBACK,
    response_type: 'code',
    scope: 'openid profile email',
    code_challenge: await s256(verifier),
    code_challenge_method: 'S256',
    state,
    nonce: random(),
    ...params,
  }
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value)
  const response = await emulator.handle(new Request(url))
  expect(response.status).toBe(302)
  const callback = new URL(response.headers.get('location') ?? '')
  expect(callback.origin + callback.pathname).toBe(CALLBACK)
  expect(callback.searchParams.get('state')).toBe(state)
  const code = callback.searchParams.get('code')
  if (!code) return { error: callback.searchParams.get('error'), description: callback.searchParams.get('error_description') ?? '' }
  const tokens = await exchangeCode(emulator, code, verifier, CALLBACK)
  const { id_token: idToken } = (await tokens.json()) as { id_token: string }
  return { idToken, claims: decodeJwt(idToken) }
}

async function hint(emulator: Auth0Emulator, tamper?: Record<string, unknown>): Promise<string> {
  if (tamper) emulator.fail({ endpoint: 'token', idToken: { claims: tamper } })
  const result = await authorize(emulator)
  if (!('idToken' in result)) throw new Error('sign-in failed')
  return result.idToken
}

const linkRequest = (idTokenHint: string, connection = 'github') => ({
  scope: 'openid link_account',
  requested_connection: connection,
  id_token_hint: idTokenHint,
})
const connectionsOf = (emulator: Auth0Emulator, userId: string) => emulator.getUser(userId)?.identities.map((i) => i.connection)
const withAction = (options: Auth0EmulatorOptions = {}) => createAuth0Emulator({ accountLinkingAction: true, ...options })

describe('the account-linking Action, linking', () => {
  it("signs into the requested connection afresh, links it through the Management API, and confirms in the primary's ID token", async () => {
    const emulator = await withAction()
    const result = await authorize(emulator, linkRequest(await hint(emulator)))
    expect(result).toMatchObject({ claims: { sub: 'auth0|alice' } })
    expect('claims' in result && result.claims[CLAIM]).toEqual({ op: 'link', connection: 'github', provider: 'github', user_id: '5550001' })
    expect(connectionsOf(emulator, 'auth0|alice')).toEqual(['Username-Password-Authentication', 'github'])
    expect(emulator.getUser('github|5550001')).toBeUndefined()
    const nested = emulator.authorizeRequests.find((query) => query.get('client_id') !== emulator.clientId)
    expect(nested?.get('connection')).toBe('github')
    expect(nested?.get('prompt')).toBe('login')
    expect(nested?.get('max_age')).toBe('0')
  })

  it('unlinks through the Management API, and the identity becomes a user of its own', async () => {
    const emulator = await withAction()
    await authorize(emulator, linkRequest(await hint(emulator)))
    const result = await authorize(emulator, { ...linkRequest(await hint(emulator)), scope: 'openid unlink_account' })
    expect('claims' in result && result.claims[CLAIM]).toEqual({
      op: 'unlink',
      connection: 'github',
      provider: 'github',
      user_id: '5550001',
    })
    expect(connectionsOf(emulator, 'auth0|alice')).toEqual(['Username-Password-Authentication'])
    expect(emulator.getUser('github|5550001')).toBeDefined()
  })

  it('links an account with an unverified email when the policy allows it', async () => {
    const options = {
      providerAccounts: [{ connection: 'github', user_id: '7001', email: 'alice@example.com', name: 'unverified', email_verified: false }],
    }
    const emulator = await withAction({ ...options, accountLinkingAction: { secrets: { REQUIRE_VERIFIED_EMAIL: 'false' } } })
    const result = await authorize(emulator, linkRequest(await hint(emulator)))
    expect('claims' in result && result.claims[CLAIM]).toMatchObject({ op: 'link', user_id: '7001' })
  })
})

describe('the account-linking Action, refusing', () => {
  const refusedCases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['a hint older than 10 minutes', { iat: Math.floor(Date.now() / 1000) - 601 }, /older than 10 minutes/],
    ['a hint for another client', { aud: 'another-client' }, /another client/],
    ['a hint for another user', { sub: 'auth0|bob' }, /another user/],
  ]
  for (const [name, tamper, message] of refusedCases) {
    it(`denies ${name}, linking nothing`, async () => {
      const emulator = await withAction()
      const result = await authorize(emulator, linkRequest(await hint(emulator, tamper)))
      expect(result).toMatchObject({ error: 'access_denied', description: expect.stringMatching(message) })
      expect(connectionsOf(emulator, 'auth0|alice')).toEqual(['Username-Password-Authentication'])
    })
  }

  it('denies a hint from another tenant', async () => {
    const emulator = await withAction()
    const other = await createAuth0Emulator()
    const result = await authorize(emulator, linkRequest(await hint(other)))
    expect(result).toMatchObject({ error: 'access_denied', description: expect.stringMatching(/id_token_hint/) })
  })

  it('denies an account to link whose email is not verified when the policy requires it', async () => {
    const emulator = await withAction({
      providerAccounts: [{ connection: 'github', user_id: '7001', email: 'alice@example.com', name: 'unverified', email_verified: false }],
    })
    const result = await authorize(emulator, linkRequest(await hint(emulator)))
    expect(result).toMatchObject({ error: 'access_denied', description: expect.stringMatching(/verified email/) })
    expect(connectionsOf(emulator, 'auth0|alice')).toEqual(['Username-Password-Authentication'])
  })

  it('denies a GitHub account already linked to another user, leaving both users as they were', async () => {
    const emulator = await withAction({ connectionDefaults: { github: '5550002' } })
    const result = await authorize(emulator, linkRequest(await hint(emulator)))
    expect(result).toMatchObject({ error: 'access_denied', description: expect.stringMatching(/identity_already_linked/) })
    expect(connectionsOf(emulator, 'auth0|bob')).toEqual(['Username-Password-Authentication', 'github'])
    expect(connectionsOf(emulator, 'auth0|alice')).toEqual(['Username-Password-Authentication'])
  })

  it('denies unlinking the primary identity and a connection that is not linked', async () => {
    const emulator = await withAction()
    const unlink = (connection: string) => ({ ...linkRequest('', connection), scope: 'openid unlink_account' })
    const primary = await authorize(emulator, { ...unlink('Username-Password-Authentication'), id_token_hint: await hint(emulator) })
    expect(primary).toMatchObject({ error: 'access_denied', description: expect.stringMatching(/primary/) })
    const missing = await authorize(emulator, { ...unlink('github'), id_token_hint: await hint(emulator) })
    expect(missing).toMatchObject({ error: 'access_denied', description: expect.stringMatching(/No github identity/) })
  })

  it('denies when the Management API refuses, and leaves ordinary sign-ins alone', async () => {
    const emulator = await withAction()
    const idTokenHint = await hint(emulator)
    emulator.fail({ endpoint: 'management', status: 503, times: Infinity })
    const result = await authorize(emulator, linkRequest(idTokenHint))
    expect(result).toMatchObject({ error: 'access_denied' })
    emulator.clearFailures()
    const plain = await authorize(emulator)
    expect('claims' in plain && plain.claims[CLAIM]).toBeUndefined()
  })
})

describe("the account-linking Action in 'page' interaction", () => {
  it('shows the sign-in, then the GitHub account picker of the nested sign-in, and resumes at /continue', async () => {
    const emulator = await withAction({ interaction: 'page' })
    const decide = (html: string, fields: Record<string, string>) => {
      const pending = /name="pending" value="([^"]+)"/.exec(html)?.[1] ?? ''
      return emulator.handle(
        new Request(`${emulator.origin}/authorize/decision`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ pending, decision: 'approve', ...fields }),
        }),
      )
    }
    const signIn = async (params: Record<string, string>) => {
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
        ...params,
      }
      for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value)
      const page = await (await emulator.handle(new Request(url))).text()
      return { verifier, response: await decide(page, { user_id: 'auth0|alice' }) }
    }
    const exchange = async (location: string, verifier: string) => {
      const code = new URL(location).searchParams.get('code') ?? ''
      const response = await exchangeCode(emulator, code, verifier, CALLBACK)
      return ((await response.json()) as { id_token: string }).id_token
    }

    const first = await signIn({})
    const idTokenHint = await exchange(first.response.headers.get('location') ?? '', first.verifier)
    const link = await signIn(linkRequest(idTokenHint))
    const nested = new URL(link.response.headers.get('location') ?? '')
    expect(nested.origin + nested.pathname).toBe(`${emulator.origin}/authorize`)
    const picker = await (await emulator.handle(new Request(nested))).text()
    expect(picker).toContain('Sign in with GitHub')
    expect(picker).toContain('linked to Bob Example')
    const continued = await decide(picker, { account: '5550001' })
    const resume = new URL(continued.headers.get('location') ?? '')
    expect(resume.pathname).toBe('/continue')
    const done = await emulator.handle(new Request(resume))
    const claims = decodeJwt(await exchange(done.headers.get('location') ?? '', link.verifier))
    expect(claims).toMatchObject({ sub: 'auth0|alice', [CLAIM]: { op: 'link', connection: 'github', user_id: '5550001' } })
    expect((await emulator.handle(new Request(resume))).status).toBe(400)
  })
})
