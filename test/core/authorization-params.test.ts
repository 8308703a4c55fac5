import { describe, expect, it } from 'vitest'
import { mergeAuthorizationParams } from '../../core/flows/authorization-params.js'
import { signedInBrowser, storeOptionsOf } from '../support/flows.js'
import { createTestAuth, useMockedTenant } from '../support/tenant.js'

const tenant = useMockedTenant()

describe('authorization parameter precedence', () => {
  it.each([
    ['global only', { audience: 'https://api.global' }, {}, 'https://api.global'],
    ['per-call only', {}, { audience: 'https://api.call' }, 'https://api.call'],
    ['both: per-call wins', { audience: 'https://api.global' }, { audience: 'https://api.call' }, 'https://api.call'],
    ['per-call undefined removes nothing', { audience: 'https://api.global' }, { audience: undefined }, 'https://api.global'],
  ])('%s', (_name, global, perCall, expected) => {
    expect(mergeAuthorizationParams('login', global, perCall, {}).audience).toBe(expected)
  })

  it('passes extra keys through from both levels, the per-call one winning', () => {
    const merged = mergeAuthorizationParams('login', { ui_locales: 'de', custom: 'g', max_age: 60 }, { custom: 'c', prompt: 'login' }, {})
    expect(merged).toMatchObject({ ui_locales: 'de', custom: 'c', prompt: 'login', max_age: '60' })
  })

  it('adds a per-call scope to the link scope and keeps offline_access from the configured scope', () => {
    const merged = mergeAuthorizationParams('link', { scope: 'openid profile offline_access' }, { scope: 'read:calendar' }, {})
    expect(merged.scope).toBe('openid link_account offline_access read:calendar')
  })

  it('drops offline_access from link when the configured scope lacks it', () => {
    expect(mergeAuthorizationParams('unlink', { scope: 'openid profile' }, {}, {}).scope).toBe('openid unlink_account')
  })

  it('fixes the scope of the management-api sign-ins, whatever is configured', () => {
    const global = { scope: 'openid offline_access read:x', audience: 'https://api' }
    expect(mergeAuthorizationParams('link-secondary', global, { scope: 'write:y' }, {}).scope).toBe('openid profile email')
    expect(mergeAuthorizationParams('unlink-primary', global, { scope: 'write:y' }, {}).scope).toBe('openid')
    expect(mergeAuthorizationParams('unlink-primary', global, {}, {}).audience).toBeUndefined()
    // The primary's re-authentication renews the session's tokens, so it asks as a login does.
    expect(mergeAuthorizationParams('reauthenticate', global, {}, { prompt: 'login' })).toMatchObject({
      scope: 'openid offline_access read:x',
      audience: 'https://api',
      prompt: 'login',
    })
  })

  it('uses the per-call scope for login, always with openid', () => {
    expect(mergeAuthorizationParams('login', { scope: 'openid profile' }, { scope: 'email' }, {}).scope).toBe('openid email')
  })

  it('does not let global or per-call values replace the flow parameters of a tenant-action link', async () => {
    const { emulator } = tenant
    const hostile = {
      response_type: 'token',
      client_id: 'someone-else',
      state: 'fixed',
      nonce: 'fixed',
      code_challenge: 'x',
      code_challenge_method: 'plain',
      requested_connection: 'evil',
      requested_connection_scope: 'evil',
      id_token_hint: 'forged',
      scope: 'openid read:x',
    }
    const auth = createTestAuth(emulator, {
      authorizationParams: { ...hostile, audience: 'https://api.global' },
      linking: { strategy: 'tenant-action' },
    })
    const browser = await signedInBrowser(auth, emulator)
    const session = await auth.getSession(browser.request('/'))
    const url = await auth.client.startLinkUser({ connection: 'github', authorizationParams: hostile }, storeOptionsOf(browser))
    const q = url.searchParams
    expect(q.get('response_type')).toBe('code')
    expect(q.get('client_id')).toBe(emulator.clientId)
    expect(q.get('state')).not.toBe('fixed')
    expect(q.get('nonce')).not.toBe('fixed')
    expect(q.get('code_challenge')).not.toBe('x')
    expect(q.get('code_challenge_method')).toBe('S256')
    expect(q.get('requested_connection')).toBe('github')
    expect(q.has('requested_connection_scope')).toBe(false)
    expect(q.get('id_token_hint')).toBe(session!.idToken)
    expect(q.get('scope')).toBe('openid link_account read:x')
    expect(q.get('audience')).toBe('https://api.global')
    expect(q.getAll('state')).toHaveLength(1)
  })

  it('does not let global or per-call values replace the flow parameters of a management-api link', async () => {
    const { emulator } = tenant
    const hostile = {
      response_type: 'token',
      state: 'fixed',
      connection: 'evil',
      connection_scope: 'evil',
      prompt: 'none',
      max_age: 99999,
      requested_connection: 'evil',
      id_token_hint: 'forged',
      organization: 'org_evil',
      scope: 'openid offline_access read:x',
    }
    const auth = createTestAuth(emulator, { authorizationParams: { audience: 'https://api.global' } })
    const browser = await signedInBrowser(auth, emulator)
    const url = await auth.client.startLinkUser({ connection: 'github', authorizationParams: hostile }, storeOptionsOf(browser))
    const q = url.searchParams
    expect(q.get('response_type')).toBe('code')
    expect(q.get('state')).not.toBe('fixed')
    expect(q.get('connection')).toBe('github')
    expect(q.get('prompt')).toBe('login')
    expect(q.get('max_age')).toBe('0')
    expect(q.get('scope')).toBe('openid profile email')
    for (const absent of ['connection_scope', 'requested_connection', 'id_token_hint', 'audience', 'organization']) {
      expect(q.has(absent)).toBe(false)
    }
  })

  it('sends global params on a management-api link, overridden per call key by key', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator, { authorizationParams: { ui_locales: 'fr', acr_values: 'a' } })
    const browser = await signedInBrowser(auth, emulator)
    const url = await auth.client.startLinkUser({ connection: 'github', authorizationParams: { acr_values: 'b' } }, storeOptionsOf(browser))
    expect(url.searchParams.get('ui_locales')).toBe('fr')
    expect(url.searchParams.get('acr_values')).toBe('b')
  })

  it('sends global params on a tenant-action link, overridden per call key by key', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator, {
      authorizationParams: { audience: 'https://api.global', ui_locales: 'fr' },
      linking: { strategy: 'tenant-action' },
    })
    const browser = await signedInBrowser(auth, emulator)
    const url = await auth.client.startLinkUser(
      { connection: 'github', authorizationParams: { audience: 'https://api.call' } },
      storeOptionsOf(browser),
    )
    expect(url.searchParams.get('audience')).toBe('https://api.call')
    expect(url.searchParams.get('ui_locales')).toBe('fr')
  })
})
