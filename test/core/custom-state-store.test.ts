import { describe, expect, it } from 'vitest'
import type { SessionData, StateStore, StateStoreSetOptions } from '../../core/index.js'
import { createAuth0Emulator } from '../../testing/index.js'
import { signedInBrowser } from '../support/flows.js'
import { createTestAuth, useMockedTenant } from '../support/tenant.js'

const tenant = useMockedTenant()

/**
 * A state store as a user writes one from the interface's required members alone: no `prepare`,
 * no `sharedRefresh`, no `markOnce`. One browser, so one session.
 */
function minimalStore() {
  let stored: SessionData | undefined
  const writes: Array<{ sub: string; options: StateStoreSetOptions | undefined }> = []
  const store: StateStore = {
    get: async () => stored,
    set: async (session, _storeOptions, options) => {
      writes.push({ sub: session.user.sub, options })
      stored = session
    },
    delete: async () => {
      stored = undefined
    },
    deleteByLogoutToken: async () => {
      stored = undefined
    },
  }
  return { store, writes, current: () => stored }
}

describe('a custom state store with only the required members', () => {
  it('signs in and links (management-api): the session is written once, through set, with a new id', async () => {
    const { emulator } = tenant
    const { store, writes, current } = minimalStore()
    const auth = createTestAuth(emulator, { stateStore: store })
    const browser = await signedInBrowser(auth, emulator)
    expect(current()?.user.sub).toBe('auth0|alice')
    expect(writes).toEqual([{ sub: 'auth0|alice', options: { rotate: true, updatesExisting: false } }])

    const linked = await browser.navigate('/auth/link?connection=github&returnTo=/settings')
    expect(linked.url.pathname).toBe('/settings')
    expect(emulator.getUser('auth0|alice')!.identities.map((identity) => identity.connection)).toContain('github')
    // A Management API link leaves the session as it was: nothing more was written.
    expect(writes).toHaveLength(1)
    expect(current()?.user.sub).toBe('auth0|alice')
  })

  it('links through the tenant’s Action: the updated session goes through set once the link is confirmed', async () => {
    const emulator = await createAuth0Emulator({ accountLinkingAction: true })
    const { store, writes, current } = minimalStore()
    const auth = createTestAuth(emulator, { fetch: emulator.fetch, stateStore: store, linking: { strategy: 'tenant-action' } })
    const browser = await signedInBrowser(auth, emulator)
    const linked = await browser.navigate('/auth/link?connection=github&returnTo=/settings')
    expect(linked.url.pathname).toBe('/settings')
    expect(emulator.getUser('auth0|alice')!.identities.map((identity) => identity.connection)).toContain('github')
    expect(writes.map(({ options }) => options)).toEqual([
      { rotate: true, updatesExisting: false },
      { rotate: true, updatesExisting: true },
    ])
    expect(current()?.user.sub).toBe('auth0|alice')
  })

  it('writes nothing when the tenant does not confirm a tenant-action link', async () => {
    const { emulator } = tenant
    const { store, writes } = minimalStore()
    const auth = createTestAuth(emulator, { stateStore: store, linking: { strategy: 'tenant-action' } })
    await signedInBrowser(auth, emulator).then((browser) => browser.navigate('/auth/link?connection=github'))
    // No Action on this tenant: link_not_applied, and only the sign-in's write happened.
    expect(writes).toEqual([{ sub: 'auth0|alice', options: { rotate: true, updatesExisting: false } }])
  })
})
