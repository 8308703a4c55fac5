import { describe, expect, it } from 'vitest'
import { signedInBrowser } from '../support/flows.js'
import { createTestAuth, SECRET, useMockedTenant } from '../support/tenant.js'

const tenant = useMockedTenant()

describe('session reads from app code', () => {
  it('hands cookies a read rewrites (secret rotation) to the response headers given', async () => {
    const { emulator } = tenant
    const old = createTestAuth(emulator)
    const browser = await signedInBrowser(old, emulator)
    const rotated = createTestAuth(emulator, { secret: ['a-brand-new-secret-of-at-least-32-characters', SECRET] })
    const headers = new Headers()
    const session = await rotated.getSession(browser.request('/'), headers)
    expect(session?.user.sub).toBe('auth0|alice')
    const [cookie] = headers.getSetCookie()
    expect(cookie).toMatch(/^__session=/)
    const value = cookie!.slice('__session='.length, cookie!.indexOf(';'))
    expect(value).not.toBe(browser.cookies.get('__session'))
    // The rewritten cookie reads under the new secret alone.
    browser.cookies.set('__session', value)
    const newOnly = createTestAuth(emulator, { secret: 'a-brand-new-secret-of-at-least-32-characters' })
    expect((await newOnly.getUser(browser.request('/')))?.sub).toBe('auth0|alice')
  })

  it('lists the paths handler() answers, the identities route only when enabled', () => {
    const { emulator } = tenant
    const plain = createTestAuth(emulator)
    expect([...plain.routePaths].sort()).toEqual(
      [
        '/auth/access-token',
        '/auth/backchannel-logout',
        '/auth/callback',
        '/auth/link',
        '/auth/login',
        '/auth/logout',
        '/auth/profile',
        '/auth/unlink',
      ].sort(),
    )
    expect(createTestAuth(emulator, { identities: { enabled: true } }).routePaths.has('/auth/identities')).toBe(true)
  })
})
