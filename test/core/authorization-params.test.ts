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

  it('uses the per-call scope for login, always with openid', () => {
    expect(mergeAuthorizationParams('login', { scope: 'openid profile' }, { scope: 'email' }, {}).scope).toBe('openid email')
  })

  it('does not let global or per-call values replace the flow parameters', async () => {
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
    const auth = createTestAuth(emulator, { authorizationParams: { ...hostile, audience: 'https://api.global' } })
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

  it('sends global params on link, overridden per call key by key', async () => {
    const { emulator } = tenant
    const auth = createTestAuth(emulator, { authorizationParams: { audience: 'https://api.global', ui_locales: 'fr' } })
    const browser = await signedInBrowser(auth, emulator)
    const url = await auth.client.startLinkUser(
      { connection: 'github', authorizationParams: { audience: 'https://api.call' } },
      storeOptionsOf(browser),
    )
    expect(url.searchParams.get('audience')).toBe('https://api.call')
    expect(url.searchParams.get('ui_locales')).toBe('fr')
  })
})
