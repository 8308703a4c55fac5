// KvSessionBackend against miniflare's local KV in workerd: the backend runs here, and each KV
// call goes over loopback to a Worker (test/runtime/apps/kv-worker.js) that performs it on its
// SESSIONS binding. The stateful-store suite every backend passes, then what is KV's own: TTLs
// (60 s at least), index keys that cannot collide, and failures turned into typed errors.

import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type KvNamespace, KvSessionBackend, SessionStoreError } from '../../adapters/cloudflare.js'
import type { SessionData } from '../../core/index.js'
import { type SpawnedServer, spawnServer } from '../runtime/harness.js'
import { useMockedTenant } from '../support/tenant.js'
import { behavesAsStatefulSessionStore } from './stateful-store-behaviours.js'

// Taken before MSW patches the global fetch in beforeAll: the KV Worker is a real server.
const directFetch = globalThis.fetch
const root = fileURLToPath(new URL('../../', import.meta.url))
const tenant = useMockedTenant()

let miniflare: SpawnedServer | undefined
beforeAll(async () => {
  miniflare = await spawnServer({
    command: `${root}node_modules/node22/bin/node`,
    args: ['test/runtime/apps/kv-miniflare.mjs'],
    cwd: root,
    // Never used by the /__kv routes; the Worker's auth instance only needs to be constructible.
    env: {
      AUTH0_DOMAIN: 'http://127.0.0.1:9',
      AUTH0_CLIENT_ID: 'id',
      AUTH0_CLIENT_SECRET: 'secret',
      AUTH0_SECRET: 'a-kv-test-secret-that-is-32-characters',
    },
    timeout: 60_000,
  })
}, 90_000)
afterAll(async () => {
  await miniflare?.stop()
})

/** The Worker's SESSIONS namespace, one HTTP call per KV call. */
function workerKv(): KvNamespace {
  const origin = miniflare!.baseUrl
  const post = async (operation: string, body: unknown) => {
    const response = await directFetch(`${origin}/__kv/${operation}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    if (!response.ok) throw new Error(`KV ${operation} answered ${response.status}`)
    return response
  }
  return {
    get: async (key) =>
      ((await (await directFetch(`${origin}/__kv/get?key=${encodeURIComponent(key)}`)).json()) as { value: string | null }).value,
    put: async (key, value, options) => void (await post('put', { key, value, options })),
    delete: async (key) => void (await post('delete', { key })),
    list: async (options) => (await post('list', options)).json(),
  }
}

let prefixes = 0
const freshPrefix = () => `test-${process.pid}-${++prefixes}:`

function sessionOf(sub: string, sid?: string): SessionData {
  const now = Math.floor(Date.now() / 1000)
  return {
    user: { sub },
    idToken: 'header.payload.signature',
    tokenSets: [],
    internal: { createdAt: now, ...(sid ? { sid } : {}) },
  } as unknown as SessionData
}

describe('KvSessionBackend on miniflare KV', () => {
  behavesAsStatefulSessionStore(tenant, () => new KvSessionBackend({ namespace: workerKv(), prefix: freshPrefix() }))

  it('gives the record and its index keys the session TTL, and KV its 60 s minimum', async () => {
    const prefix = freshPrefix()
    const kv = workerKv()
    const backend = new KvSessionBackend({ namespace: kv, prefix })
    const now = Date.now() / 1000
    await backend.set('long', sessionOf('auth0|alice', 'sid-1'), { ttlSeconds: 3600, sub: 'auth0|alice', sid: 'sid-1' })
    await backend.set('short', sessionOf('auth0|alice'), { ttlSeconds: 5, sub: 'auth0|alice' })
    const { keys } = (await kv.list({ prefix })) as { keys: Array<{ name: string; expiration?: number }> }
    const expiry = Object.fromEntries(keys.map((key) => [key.name.slice(prefix.length), key.expiration! - now]))
    expect(Object.keys(expiry).sort()).toEqual([
      'sess:long',
      'sess:short',
      'sid:sid-1:long',
      'sub:auth0%7Calice:long',
      'sub:auth0%7Calice:short',
    ])
    for (const name of ['sess:long', 'sid:sid-1:long', 'sub:auth0%7Calice:long']) expect(expiry[name]).toBeGreaterThan(3590)
    for (const name of ['sess:short', 'sub:auth0%7Calice:short']) {
      expect(expiry[name]).toBeGreaterThan(55)
      expect(expiry[name]).toBeLessThan(65)
    }
  })

  it('ends only the named user on a logout by sub, even when another sub starts with it', async () => {
    const backend = new KvSessionBackend({ namespace: workerKv(), prefix: freshPrefix() })
    await backend.set('a', sessionOf('a'), { ttlSeconds: 600, sub: 'a' })
    await backend.set('ab', sessionOf('a:b'), { ttlSeconds: 600, sub: 'a:b' })
    await backend.deleteBySub('a')
    expect(await backend.get('a')).toBeUndefined()
    expect((await backend.get('ab'))?.user.sub).toBe('a:b')
  })

  it('writes nothing with onlyIfPresent when the record is gone', async () => {
    const prefix = freshPrefix()
    const kv = workerKv()
    const backend = new KvSessionBackend({ namespace: kv, prefix })
    expect(await backend.set('gone', sessionOf('auth0|alice'), { ttlSeconds: 600, sub: 'auth0|alice', onlyIfPresent: true })).toBe(false)
    expect(((await kv.list({ prefix })) as { keys: unknown[] }).keys).toEqual([])
  })
})

describe('KvSessionBackend when KV fails', () => {
  const failing = (mode: 'reject' | 'hang'): KvNamespace => {
    const fail = () => (mode === 'reject' ? Promise.reject(new Error('KV is down')) : new Promise<never>(() => {}))
    return { get: fail, put: fail, delete: fail, list: fail }
  }

  it.each(['reject', 'hang'] as const)('rejects a read with a typed error, reported once, when KV calls %s', async (mode) => {
    const reported: SessionStoreError[] = []
    const backend = new KvSessionBackend({ namespace: failing(mode), timeoutMs: 100, onError: (error) => reported.push(error) })
    const started = Date.now()
    // The stateful store reads this as signed out for the request and keeps the cookie; a backend
    // that answered `undefined` instead would make it clear the cookie and lose the session.
    await expect(backend.get('any')).rejects.toBeInstanceOf(SessionStoreError)
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(reported).toHaveLength(1)
    expect(reported[0]).toBeInstanceOf(SessionStoreError)
    expect(reported[0]).toMatchObject({ code: 'session_store_error', status: 503, operation: 'get' })
  })

  it('throws SessionStoreError from a write, so a session is never silently lost', async () => {
    const backend = new KvSessionBackend({ namespace: failing('reject'), onError: () => {} })
    const write = backend.set('id', sessionOf('auth0|alice'), { ttlSeconds: 600, sub: 'auth0|alice' })
    await expect(write).rejects.toBeInstanceOf(SessionStoreError)
    await expect(backend.deleteBySid('sid')).rejects.toMatchObject({ code: 'session_store_error', operation: 'list' })
    expect(SessionStoreError.code).toBe('session_store_error')
  })
})
