/**
 * @module Transactions (state, nonce, PKCE verifier of a started login, link, unlink or connect) in one
 * encrypted cookie each, bounded in number.
 */

import { InvalidRequestError } from '../errors.js'
import { nowInSeconds } from '../session.js'
import type { StoreConfig, StoreOptions, TransactionData, TransactionStore } from '../stores.js'
import { CookieCodec } from './codec.js'
import { CHUNK_SIZE, CookieJar, cookieBytes, KIT_COOKIE_BUDGET } from './jar.js'

/**
 * The default transaction store: one encrypted cookie per `state` (`__a0_tx.<state>`, on https
 * `__Host-a0_tx.<state>`), so flows started in several tabs never overwrite each other. Starting
 * one more evicts the oldest beyond `maxCount`, and then the oldest until the session and the
 * transactions together fit the kit's 8 KB (`KIT_COOKIE_BUDGET`): abandoned or stranger-started
 * flows cannot pile cookies up into a 431 that locks the browser out of the app.
 *
 * The value is `<created in ms, base 36>.<JWE>`; the plain timestamp only orders eviction, and
 * forging it can do no more than change which abandoned transaction goes first.
 *
 * @example
 * ```ts
 * // wrap the default store, e.g. to log abandoned flows
const auth = createAuth({ ...options, transactionStore: (config) => new LoggingTransactions(new CookieTransactionStore(config)) })
 * ```
 */
export class CookieTransactionStore implements TransactionStore {
  readonly #config: StoreConfig
  readonly #codec: CookieCodec

  constructor(config: StoreConfig) {
    this.#config = config
    this.#codec = new CookieCodec(config.secrets, 'transaction')
  }

  #jar(storeOptions: StoreOptions): CookieJar {
    return new CookieJar(this.#config, storeOptions, this.#config.transaction.cookie, this.#config.transaction.hostPrefix)
  }

  #prefix(jar: CookieJar): string {
    return `${jar.name(this.#config.transaction.cookiePrefix)}.`
  }

  /** Bytes the session cookies of this request take, whichever store writes them. */
  #sessionBytes(storeOptions: StoreOptions): number {
    const { session } = this.#config
    const jar = new CookieJar(this.#config, storeOptions, session.cookie, session.hostPrefix)
    return jar.chunkedBytes(session.cookieName)
  }

  async get(state: string, storeOptions: StoreOptions): Promise<TransactionData | undefined> {
    const jar = this.#jar(storeOptions)
    const value = jar.get(`${this.#prefix(jar)}${state}`)
    if (value === undefined) return undefined
    const dot = value.indexOf('.')
    const decrypted = await this.#codec.decrypt<TransactionData>(value.slice(dot + 1))
    return decrypted?.payload
  }

  async set(state: string, data: TransactionData, storeOptions: StoreOptions): Promise<void> {
    const { maxAge, maxCount } = this.#config.transaction
    const value = `${Date.now().toString(36)}.${await this.#codec.encrypt(data, nowInSeconds() + maxAge)}`
    if (value.length > CHUNK_SIZE) {
      throw new InvalidRequestError('appState is too large for a transaction cookie; keep it under about 2 KB')
    }
    const jar = this.#jar(storeOptions)
    const prefix = this.#prefix(jar)
    const name = `${prefix}${state}`
    const existing: Array<{ name: string; createdAt: number; bytes: number }> = []
    for (const cookie of jar.names()) {
      if (!cookie.startsWith(prefix) || cookie === name) continue
      const stored = jar.get(cookie) ?? ''
      const createdAt = Number.parseInt(stored.split('.', 1)[0] ?? '', 36)
      existing.push({ name: cookie, createdAt: Number.isFinite(createdAt) ? createdAt : 0, bytes: cookieBytes(cookie, stored) })
    }
    existing.sort((a, b) => a.createdAt - b.createdAt)
    // The newest flow is always written: it is the one the user is starting now.
    let total = this.#sessionBytes(storeOptions) + cookieBytes(name, value) + existing.reduce((sum, tx) => sum + tx.bytes, 0)
    let kept = existing.length
    for (const oldest of existing) {
      if (kept < maxCount && total <= KIT_COOKIE_BUDGET) break
      jar.delete(oldest.name)
      total -= oldest.bytes
      kept--
    }
    jar.set(name, value, maxAge)
  }

  async delete(state: string, storeOptions: StoreOptions): Promise<void> {
    const jar = this.#jar(storeOptions)
    jar.delete(`${this.#prefix(jar)}${state}`)
  }
}
