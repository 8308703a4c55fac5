/**
 * @module The emulated users and their identities, as in Auth0's user records, and what linking and
 * unlinking do to them.
 */

import { base64url } from 'jose'

/**
 * One identity of a user, as in Auth0's user record (`identities[]`). The first identity is
 * the primary one, the one the user's `user_id` (the `sub`) is made of.
 *
 * @example
 * ```ts
 * const github: EmulatedIdentity = { connection: 'github', provider: 'github', user_id: 'x3Jk…', isSocial: true }
 * ```
 */
export interface EmulatedIdentity {
  connection: string
  provider: string
  user_id: string
  isSocial: boolean
}

/**
 * A user of the emulated tenant.
 *
 * @example
 * ```ts
 * const alice = emulator.getUser('auth0|alice')
 * alice?.identities.map((i) => i.connection) // ['Username-Password-Authentication']
 * ```
 */
export interface EmulatedUser {
  /** `provider|id`, e.g. `auth0|alice`; this is the `sub` of her tokens. */
  user_id: string
  email: string
  name: string
  picture?: string
  identities: EmulatedIdentity[]
}

export type EmulatedUserSeed = Pick<EmulatedUser, 'user_id' | 'email' | 'name'> & Partial<EmulatedUser>

export const DEFAULT_USERS: EmulatedUserSeed[] = [
  { user_id: 'auth0|alice', email: 'alice@example.com', name: 'Alice Example' },
  { user_id: 'auth0|bob', email: 'bob@example.com', name: 'Bob Example' },
]

const DATABASE_CONNECTION = 'Username-Password-Authentication'

/** Auth0 names a user `provider|id` after the identity they first signed up with. */
function primaryIdentity(userId: string): EmulatedIdentity {
  const bar = userId.indexOf('|')
  const provider = bar > 0 ? userId.slice(0, bar) : 'auth0'
  const connection = provider === 'auth0' ? DATABASE_CONNECTION : provider
  return { connection, provider, user_id: userId.slice(bar + 1), isSocial: connection !== DATABASE_CONNECTION }
}

/** The tenant's users and the account-linking rules Auth0 applies to them. */
export class UserDirectory {
  readonly #users = new Map<string, EmulatedUser>()
  readonly #updatedAt = new Map<string, string>()

  constructor(seeds: EmulatedUserSeed[]) {
    if (seeds.length === 0) throw new TypeError('The Auth0 emulator needs at least one user')
    for (const seed of seeds) {
      if (this.#users.has(seed.user_id)) throw new TypeError(`Duplicate emulated user ${seed.user_id}`)
      const identities = seed.identities?.length ? structuredClone(seed.identities) : [primaryIdentity(seed.user_id)]
      this.#users.set(seed.user_id, { ...structuredClone(seed), identities })
      this.#updatedAt.set(seed.user_id, new Date().toISOString())
    }
  }

  get all(): EmulatedUser[] {
    return [...this.#users.values()]
  }

  get(userId: string): EmulatedUser | undefined {
    return this.#users.get(userId)
  }

  /** A user named by `user_id` or email, as Auth0 reads `login_hint`. */
  find(hint: string | null): EmulatedUser | undefined {
    if (!hint) return undefined
    return this.#users.get(hint) ?? this.all.find((u) => u.email.toLowerCase() === hint.toLowerCase())
  }

  updatedAt(userId: string): string | undefined {
    return this.#updatedAt.get(userId)
  }

  /** Why Auth0 would refuse this link or unlink, or `undefined` when it is allowed. */
  refusal(kind: 'link' | 'unlink', userId: string, connection: string): string | undefined {
    const user = this.#users.get(userId)
    if (!user) return `Unknown user ${userId}`
    const index = user.identities.findIndex((i) => i.connection === connection)
    if (kind === 'link') return index >= 0 ? `The ${connection} identity is already linked to this user` : undefined
    if (index < 0) return `No ${connection} identity is linked to this user`
    if (index === 0) return 'The primary identity cannot be unlinked'
    return undefined
  }

  async link(userId: string, connection: string): Promise<void> {
    const user = this.#users.get(userId)
    if (!user || this.refusal('link', userId, connection)) return
    // Derived, not random, so relinking the same account yields the same identity as at Auth0.
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${userId}\n${connection}`))
    const id = base64url.encode(new Uint8Array(digest).slice(0, 12))
    // Auth0 names social connections after their provider (google-oauth2, github, …).
    user.identities.push({ connection, provider: connection, user_id: id, isSocial: connection !== DATABASE_CONNECTION })
    this.#updatedAt.set(userId, new Date().toISOString())
  }

  unlink(userId: string, connection: string): void {
    const user = this.#users.get(userId)
    if (!user || this.refusal('unlink', userId, connection)) return
    user.identities = user.identities.filter((i) => i.connection !== connection)
    this.#updatedAt.set(userId, new Date().toISOString())
  }
}
