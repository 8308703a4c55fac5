import { describe, expect, it } from 'vitest'
import type { TransactionData, TransactionStore } from '../../core/index.js'
import { TestBrowser } from '../support/browser.js'
import { APP_ORIGIN, useMockedTenant } from '../support/tenant.js'
import { expectSafeFailure, SIGNED_OUT } from './expect-safe-failure.js'
import { callbackFor, LINK_GITHUB, recordingAuth, signedIn } from './scenario.js'

const tenant = useMockedTenant()

/** A transaction store a test can reach into: what a database row altered, or written by an older release, looks like. */
function editableTransactions() {
  const records = new Map<string, unknown>()
  const store: TransactionStore = {
    get: async (state) => records.get(state) as TransactionData | undefined,
    set: async (state, data) => {
      records.set(state, structuredClone(data))
    },
    delete: async (state) => {
      records.delete(state)
    },
  }
  /** Changes the one stored transaction in place. */
  const edit = (change: (record: Record<string, unknown>) => void) => {
    expect(records.size).toBe(1)
    for (const record of records.values()) change(record as Record<string, unknown>)
  }
  return { store, edit }
}

async function pendingLink() {
  const { emulator } = tenant
  const transactions = editableTransactions()
  const recording = recordingAuth(emulator, { transactionStore: transactions.store })
  const { browser, before } = await signedIn(recording.auth, emulator)
  const callback = await callbackFor(browser, LINK_GITHUB)
  return { ...recording, ...transactions, browser, before, callback }
}

describe('a transaction the store hands back is checked before any flow reads it', () => {
  it('refuses a link transaction without the user who started it (missing_transaction), the session untouched', async () => {
    const { auth, lastError, browser, before, callback, edit } = await pendingLink()
    edit((record) => {
      delete record.sub
    })
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'missing_transaction', status: 400, browser, auth, before })
  })

  it('refuses a link transaction whose linking step is not one the kit writes (missing_transaction)', async () => {
    const { auth, lastError, browser, before, callback, edit } = await pendingLink()
    edit((record) => {
      record.linking = { strategy: 'management-api', step: 'primary' }
    })
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'missing_transaction', status: 400, browser, auth, before })
  })

  it('refuses a login transaction whose continuation names no route, instead of failing inside the callback', async () => {
    const { emulator } = tenant
    const { store, edit } = editableTransactions()
    const { auth, lastError } = recordingAuth(emulator, { transactionStore: store })
    const browser = new TestBrowser({ auth, emulator, appOrigin: APP_ORIGIN })
    // Signed out: the link signs in first, and the login transaction carries the link as its continuation.
    const callback = await callbackFor(browser, LINK_GITHUB)
    edit((record) => {
      expect(record.continuation).toMatchObject({ flow: 'link', connection: 'github' })
      record.continuation = { flow: 'constructor', connection: 'github', returnTo: '/settings' }
    })
    const response = await browser.send(callback)
    await expectSafeFailure({ response, error: lastError(), code: 'missing_transaction', status: 400, browser, auth, before: SIGNED_OUT })
  })

  it('refuses a transaction of no known flow, and one with a non-numeric createdAt (missing_transaction)', async () => {
    for (const change of [
      (record: Record<string, unknown>) => {
        record.flow = 'relink'
      },
      (record: Record<string, unknown>) => {
        record.createdAt = 'yesterday'
      },
    ]) {
      const { auth, lastError, browser, before, callback, edit } = await pendingLink()
      edit(change)
      const response = await browser.send(callback)
      await expectSafeFailure({ response, error: lastError(), code: 'missing_transaction', status: 400, browser, auth, before })
    }
  })

  it('reads a link transaction stored without its linking step (an older release) as the tenant Action’s, as before', async () => {
    const { auth, lastError, browser, before, callback, edit } = await pendingLink()
    edit((record) => {
      delete record.linking
    })
    const response = await browser.send(callback)
    // Read as a tenant-action link, the sign-in to GitHub (a user of its own) is another user than the session's.
    await expectSafeFailure({ response, error: lastError(), code: 'user_mismatch', status: 403, browser, auth, before })
  })

  it('completes an untouched link through the same store', async () => {
    const { browser, callback } = await pendingLink()
    const response = await browser.send(callback)
    expect(response.status).toBe(302)
    expect(new URL(response.headers.get('location')!).pathname).toBe('/settings')
    expect(tenant.emulator.getUser('auth0|alice')!.identities.map((identity) => identity.connection)).toContain('github')
  })
})
