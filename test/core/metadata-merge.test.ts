import { describe, expect, it } from 'vitest'
import { defaultMergeMetadata, type LinkedUserMetadata, sendablePatch } from '../../core/metadata-merge.js'

const user = (userMetadata: Record<string, unknown>, appMetadata: Record<string, unknown> = {}): LinkedUserMetadata => ({
  userId: 'auth0|x',
  userMetadata,
  appMetadata,
})

describe('defaultMergeMetadata', () => {
  it("keeps the primary's keys and adds only the secondary's missing top-level keys", () => {
    const patch = defaultMergeMetadata(user({ theme: 'light', locale: 'en' }), user({ theme: 'dark', newsletter: true }))
    expect(patch).toEqual({ user_metadata: { newsletter: true } })
  })

  it('merges one level deep: a nested object the primary has is kept whole', () => {
    const patch = defaultMergeMetadata(user({ address: { city: 'Berlin' } }), user({ address: { zip: '10115' }, phone: '1' }))
    expect(patch).toEqual({ user_metadata: { phone: '1' } })
  })

  it('returns nothing when the secondary adds nothing, so no PATCH is sent', () => {
    expect(defaultMergeMetadata(user({ a: 1 }), user({ a: 2 }))).toBeUndefined()
    expect(defaultMergeMetadata(user({}), user({}))).toBeUndefined()
  })

  it('never copies app_metadata (roles, plans) from the secondary, nor a null that would delete a key', () => {
    expect(defaultMergeMetadata(user({}), user({ gone: null }, { roles: ['admin'] }))).toBeUndefined()
  })
})

describe('sendablePatch', () => {
  it('drops empty objects, which would wipe the metadata at Auth0', () => {
    expect(sendablePatch({ user_metadata: {} })).toBeUndefined()
    expect(sendablePatch({ user_metadata: {}, app_metadata: { plan: 'pro' } })).toEqual({ app_metadata: { plan: 'pro' } })
  })

  it('keeps only user_metadata and app_metadata objects', () => {
    expect(sendablePatch({ email: 'evil@example.com', user_metadata: { a: 1 } })).toEqual({ user_metadata: { a: 1 } })
    expect(sendablePatch({ user_metadata: ['a'] })).toBeUndefined()
    expect(sendablePatch(undefined)).toBeUndefined()
    expect(sendablePatch('x')).toBeUndefined()
  })
})
