import { afterEach, describe, expect, it, vi } from 'vitest'
import { CookieCodec } from '../../core/cookies/codec.js'
import { SECRET } from '../support/tenant.js'

const nowInSeconds = () => Math.floor(Date.now() / 1000)

describe('a cookie codec that remembers decrypted values', () => {
  afterEach(() => {
    vi.useRealTimers()
    vi.restoreAllMocks()
  })

  it('still refuses a remembered value once it has expired', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const codec = new CookieCodec([SECRET], 'session', { remember: 10 })
    const value = await codec.encrypt({ sub: 'auth0|alice' }, nowInSeconds() + 60)
    expect(await codec.decrypt(value)).toEqual({ payload: { sub: 'auth0|alice' }, rotated: false })
    vi.setSystemTime(Date.now() + 61_000)
    expect(await codec.decrypt(value)).toBeUndefined()
  })

  it('hands out a fresh payload on every read, so a caller changing one cannot change the next', async () => {
    const codec = new CookieCodec([SECRET], 'session', { remember: 10 })
    const value = await codec.encrypt({ user: { sub: 'auth0|alice' } }, nowInSeconds() + 3600)
    const first = await codec.decrypt<{ user: { sub: string } }>(value)
    first!.payload.user.sub = 'auth0|mallory'
    expect((await codec.decrypt<{ user: { sub: string } }>(value))!.payload.user.sub).toBe('auth0|alice')
  })

  it('remembers only values that authenticated, matched byte for byte', async () => {
    const codec = new CookieCodec([SECRET], 'session', { remember: 10 })
    const value = await codec.encrypt({ a: 1 }, nowInSeconds() + 3600)
    expect(await codec.decrypt(value)).toBeDefined()
    const parts = value.split('.')
    const flipped = parts[4]!.startsWith('A') ? `B${parts[4]!.slice(1)}` : `A${parts[4]!.slice(1)}`
    expect(await codec.decrypt([...parts.slice(0, 4), flipped].join('.'))).toBeUndefined()
    expect(await codec.decrypt(value)).toEqual({ payload: { a: 1 }, rotated: false })
  })

  it('skips decryption for a remembered value and forgets the oldest beyond its capacity', async () => {
    const codec = new CookieCodec([SECRET], 'session', { remember: 2 })
    const [a, b, c] = await Promise.all([1, 2, 3].map((n) => codec.encrypt({ n }, nowInSeconds() + 3600)))
    const decrypt = vi.spyOn(crypto.subtle, 'decrypt')
    for (const value of [a, b, a, b]) await codec.decrypt(value!)
    expect(decrypt).toHaveBeenCalledTimes(2)
    await codec.decrypt(c!) // evicts a
    await codec.decrypt(b!)
    expect(decrypt).toHaveBeenCalledTimes(3)
    expect(await codec.decrypt(a!)).toEqual({ payload: { n: 1 }, rotated: false })
    expect(decrypt).toHaveBeenCalledTimes(4)
  })

  it('decrypts every time without the option, as before', async () => {
    const codec = new CookieCodec([SECRET], 'transaction')
    const value = await codec.encrypt({ a: 1 }, nowInSeconds() + 3600)
    const decrypt = vi.spyOn(crypto.subtle, 'decrypt')
    await codec.decrypt(value)
    await codec.decrypt(value)
    expect(decrypt).toHaveBeenCalledTimes(2)
  })
})
