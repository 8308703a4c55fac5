/**
 * @module Transactions (state, nonce, PKCE verifier of a started login, link, unlink or connect) in one
 * encrypted cookie each, bounded in number.
 */

import { InvalidRequestError } from '../errors.js'
import { nowInSeconds } from '../session.js'
import type { StoreConfig, StoreOptions, TransactionData, TransactionStore } from '../stores.js'
import { CookieCodec } from './codec.js'
import { CHUNK_SIZE, CookieJar } from './jar.js'

/**
 * The default transaction store: one encrypted cookie per `state` (`__a0_tx.<state>`), so flows
 * started in several tabs never overwrite each other. At most `maxCount` are kept: starting one
 * more evicts the oldest, so abandoned flows cannot pile cookies up into a 431.
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
    return new CookieJar(this.#config, storeOptions, this.#config.transaction.cookie)
  }

  #name(state: string): string {
    return `${this.#config.transaction.cookiePrefix}.${state}`
  }

  async get(state: string, storeOptions: StoreOptions): Promise<TransactionData | undefined> {
    const value = this.#jar(storeOptions).get(this.#name(state))
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
    const prefix = `${this.#config.transaction.cookiePrefix}.`
    const existing: Array<{ name: string; createdAt: number }> = []
    for (const name of jar.names()) {
      if (!name.startsWith(prefix)) continue
      const createdAt = Number.parseInt((jar.get(name) ?? '').split('.', 1)[0] ?? '', 36)
      existing.push({ name, createdAt: Number.isFinite(createdAt) ? createdAt : 0 })
    }
    existing.sort((a, b) => a.createdAt - b.createdAt)
    for (const { name } of existing.slice(0, Math.max(0, existing.length - maxCount + 1))) jar.delete(name)
    jar.set(this.#name(state), value, maxAge)
  }

  async delete(state: string, storeOptions: StoreOptions): Promise<void> {
    this.#jar(storeOptions).delete(this.#name(state))
  }
}
