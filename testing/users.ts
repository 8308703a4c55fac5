/** @module The emulated tenant's users, their identities, provider accounts nobody owns yet, and Auth0's linking rules. */

/**
 * One identity of a user, as in Auth0's user record (`identities[]`). The first identity is
 * the primary one, the one the user's `user_id` (the `sub`) is made of.
 *
 * @example
 * ```ts
 * const github: EmulatedIdentity = { connection: 'github', provider: 'github', user_id: '5550002', isSocial: true }
 * ```
 */
export interface EmulatedIdentity {
  connection: string
  provider: string
  /** Without the provider prefix, as in `identities[].user_id`. */
  user_id: string
  isSocial: boolean
  /** A linked secondary's own profile, as Auth0 keeps it inside the primary's record. */
  profileData?: { email?: string; email_verified?: boolean; name?: string }
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
  /** Default `true`. */
  email_verified?: boolean
  identities: EmulatedIdentity[]
  user_metadata?: Record<string, unknown>
  app_metadata?: Record<string, unknown>
  /** ISO date of the latest sign-in, as the Management API reports it. */
  last_login?: string
  created_at?: string
}

/**
 * An account at a social or enterprise provider that no user of the tenant owns yet: signing in
 * with it makes a new user, as at Auth0 (e.g. the GitHub account Alice links in the demo).
 *
 * @example
 * ```ts
 * const spare: EmulatedProviderAccount = { connection: 'github', user_id: '7000', email: 'carol@example.com', name: 'carol-gh' }
 * const emulator = await createAuth0Emulator({ providerAccounts: [spare] })
 * ```
 */
export interface EmulatedProviderAccount {
  connection: string
  /** The provider's id of the account, without the provider prefix. */
  user_id: string
  email: string
  name: string
  /** Default `true`. */
  email_verified?: boolean
  /** Default: the connection name (Auth0 names social connections after their provider). */
  provider?: string
}

export type EmulatedUserSeed = Pick<EmulatedUser, 'user_id' | 'email' | 'name'> & Partial<EmulatedUser>

export const DATABASE_CONNECTION = 'Username-Password-Authentication'

/**
 * Alice (database); Bob (database) who owns a linked GitHub identity; Bob's second, separate
 * account (Google, same email, verified) for suggested linking.
 */
export const DEFAULT_USERS: EmulatedUserSeed[] = [
  { user_id: 'auth0|alice', email: 'alice@example.com', name: 'Alice Example' },
  {
    user_id: 'auth0|bob',
    email: 'bob@example.com',
    name: 'Bob Example',
    identities: [
      { connection: DATABASE_CONNECTION, provider: 'auth0', user_id: 'bob', isSocial: false },
      {
        connection: 'github',
        provider: 'github',
        user_id: '5550002',
        isSocial: true,
        profileData: { email: 'bob@example.com', email_verified: true, name: 'bob-on-github' },
      },
    ],
  },
  { user_id: 'google-oauth2|5550003', email: 'bob@example.com', name: 'Bob (Google)' },
]

/** A GitHub account nobody owns yet, for Alice to link. */
export const DEFAULT_PROVIDER_ACCOUNTS: EmulatedProviderAccount[] = [
  { connection: 'github', user_id: '5550001', email: 'alice@example.com', name: 'alice-on-github' },
]

/** Auth0 names a user `provider|id` after the identity they first signed up with. */
function identityOf(userId: string): EmulatedIdentity {
  const bar = userId.indexOf('|')
  const provider = bar > 0 ? userId.slice(0, bar) : 'auth0'
  const connection = provider === 'auth0' ? DATABASE_CONNECTION : provider
  return { connection, provider, user_id: userId.slice(bar + 1), isSocial: connection !== DATABASE_CONNECTION }
}

/** An account a tester can sign in as through one connection, and who owns it now. */
export interface ConnectionAccount {
  identity: EmulatedIdentity
  email: string
  name: string
  /** The user whose `identities[]` holds it; `undefined` while nobody owns it. */
  owner: EmulatedUser | undefined
}

/** Why Auth0 refuses a Management API change: the status and message it answers with. */
export interface Refusal {
  status: 400 | 404 | 409
  message: string
  errorCode?: string
}

const stamp = (): string => new Date().toISOString()

/** The tenant's users and the account-linking rules Auth0 applies to them. */
export class UserDirectory {
  readonly #users = new Map<string, EmulatedUser>()
  readonly #updatedAt = new Map<string, string>()
  /** Provider accounts nobody owns, keyed `connection\nuser_id`. */
  readonly #unowned = new Map<string, EmulatedProviderAccount>()

  constructor(seeds: EmulatedUserSeed[], providerAccounts: EmulatedProviderAccount[] = []) {
    if (seeds.length === 0) throw new TypeError('The Auth0 emulator needs at least one user')
    for (const seed of seeds) {
      if (this.#users.has(seed.user_id)) throw new TypeError(`Duplicate emulated user ${seed.user_id}`)
      const identities = seed.identities?.length ? structuredClone(seed.identities) : [identityOf(seed.user_id)]
      this.#users.set(seed.user_id, { created_at: stamp(), ...structuredClone(seed), identities })
      this.#updatedAt.set(seed.user_id, stamp())
    }
    for (const account of providerAccounts) {
      if (!this.ownerOf(account.connection, account.user_id)) this.#unowned.set(`${account.connection}\n${account.user_id}`, account)
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

  /** Every user with exactly this email (Auth0's users-by-email compares it as stored, lower-cased). */
  byEmail(email: string): EmulatedUser[] {
    return this.all.filter((user) => user.email.toLowerCase() === email.toLowerCase())
  }

  updatedAt(userId: string): string | undefined {
    return this.#updatedAt.get(userId)
  }

  touch(userId: string): void {
    this.#updatedAt.set(userId, stamp())
  }

  /** The user whose identities hold this connection's account, primary or linked. */
  ownerOf(connection: string, providerUserId: string): EmulatedUser | undefined {
    return this.all.find((user) => user.identities.some((i) => i.connection === connection && i.user_id === providerUserId))
  }

  /** The accounts one can sign in as through `connection`: owned identities first, then unowned accounts. */
  accountsOf(connection: string): ConnectionAccount[] {
    const owned = this.all.flatMap((user) =>
      user.identities
        .filter((identity) => identity.connection === connection)
        .map((identity) => ({
          identity,
          email: identity === user.identities[0] ? user.email : (identity.profileData?.email ?? user.email),
          name: identity === user.identities[0] ? user.name : (identity.profileData?.name ?? `${user.name} (${connection})`),
          owner: user,
        })),
    )
    const unowned = [...this.#unowned.values()]
      .filter((account) => account.connection === connection)
      .map((account) => ({ identity: accountIdentity(account), email: account.email, name: account.name, owner: undefined }))
    return [...owned, ...unowned]
  }

  /**
   * The user a sign-in with this account yields: its owner (a linked secondary yields its
   * primary), else a new user made from the provider account, as on a first sign-in at Auth0.
   */
  signInWith(connection: string, providerUserId: string): EmulatedUser | undefined {
    const owner = this.ownerOf(connection, providerUserId)
    if (owner) return owner
    const key = `${connection}\n${providerUserId}`
    const account = this.#unowned.get(key)
    if (!account) return undefined
    this.#unowned.delete(key)
    return this.#create(account)
  }

  /** A new provider account for `connection` (a tester who signs in with an account the seed did not list). */
  async freshAccount(connection: string, seed: string, email: string, name: string): Promise<EmulatedProviderAccount> {
    // Derived, not random, so the same seed yields the same account, as a real provider would.
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${seed}\n${connection}`))
    const id = [...new Uint8Array(digest).slice(0, 6)].map((b) => b.toString(10).padStart(3, '0')).join('')
    const account: EmulatedProviderAccount = { connection, user_id: id, email, name }
    if (!this.ownerOf(connection, id)) this.#unowned.set(`${connection}\n${id}`, account)
    return account
  }

  recordLogin(userId: string): void {
    const user = this.#users.get(userId)
    if (user) user.last_login = stamp()
  }

  /**
   * `POST /api/v2/users/{primary}/identities`: the secondary user's identities move into the
   * primary, and the secondary stops being a user of its own.
   */
  link(primaryId: string, secondaryId: string): EmulatedIdentity[] | Refusal {
    const primary = this.#users.get(primaryId)
    if (!primary) return { status: 404, message: 'The user does not exist.', errorCode: 'inexistent_user' }
    const secondary = this.#users.get(secondaryId)
    if (!secondary) {
      // The identity may already sit inside some user's identities[]: already linked.
      const { connection, user_id } = identityOf(secondaryId)
      if (this.ownerOf(connection, user_id))
        return { status: 409, message: 'The identity is already linked to a user.', errorCode: 'identity_conflict' }
      return { status: 400, message: 'The secondary user does not exist.', errorCode: 'inexistent_user' }
    }
    if (secondary === primary) return { status: 400, message: 'Main identity and the new one are the same.' }
    if (secondary.identities.length > 1) {
      return {
        status: 400,
        message: 'The secondary account cannot have linked identities of its own.',
        errorCode: 'operation_not_supported',
      }
    }
    const [identity] = secondary.identities
    if (!identity) return { status: 400, message: 'The secondary user has no identity.' }
    primary.identities.push({
      ...identity,
      profileData: { email: secondary.email, email_verified: secondary.email_verified ?? true, name: secondary.name },
    })
    // Auth0 keeps the primary's metadata and discards the secondary's.
    this.#users.delete(secondaryId)
    this.#updatedAt.delete(secondaryId)
    this.touch(primaryId)
    return structuredClone(primary.identities)
  }

  /**
   * `DELETE /api/v2/users/{id}`: the user and the identities linked into it are gone. A social
   * account still exists at its provider, so signing in with it again makes a new user; a
   * database identity's credentials lived in the deleted user. Unknown ids: nothing happens.
   */
  delete(userId: string): void {
    const user = this.#users.get(userId)
    if (!user) return
    this.#users.delete(userId)
    this.#updatedAt.delete(userId)
    for (const identity of user.identities) {
      if (!identity.isSocial) continue
      this.#unowned.set(`${identity.connection}\n${identity.user_id}`, {
        connection: identity.connection,
        provider: identity.provider,
        user_id: identity.user_id,
        email: identity.profileData?.email ?? user.email,
        email_verified: identity.profileData?.email_verified ?? user.email_verified ?? true,
        name: identity.profileData?.name ?? user.name,
      })
    }
  }

  /** `DELETE /api/v2/users/{id}/identities/{provider}/{user_id}`: the identity becomes a user of its own again. */
  unlink(userId: string, provider: string, providerUserId: string): EmulatedIdentity[] | Refusal {
    const user = this.#users.get(userId)
    if (!user) return { status: 404, message: 'The user does not exist.', errorCode: 'inexistent_user' }
    const index = user.identities.findIndex((i) => i.provider === provider && i.user_id === providerUserId)
    if (index === 0) return { status: 400, message: 'Main identity cannot be removed.', errorCode: 'operation_not_supported' }
    const identity = user.identities[index]
    if (!identity) return { status: 404, message: 'The identity does not exist for this user.', errorCode: 'inexistent_identity' }
    user.identities.splice(index, 1)
    this.touch(userId)
    const { profileData, ...rest } = identity
    const own: EmulatedUser = {
      user_id: `${identity.provider}|${identity.user_id}`,
      email: profileData?.email ?? user.email,
      email_verified: profileData?.email_verified ?? true,
      name: profileData?.name ?? identity.user_id,
      identities: [rest],
      created_at: stamp(),
    }
    this.#users.set(own.user_id, own)
    this.touch(own.user_id)
    return structuredClone(user.identities)
  }

  #create(account: EmulatedProviderAccount): EmulatedUser {
    const identity = accountIdentity(account)
    const user: EmulatedUser = {
      user_id: `${identity.provider}|${identity.user_id}`,
      email: account.email,
      email_verified: account.email_verified ?? true,
      name: account.name,
      identities: [identity],
      created_at: stamp(),
    }
    this.#users.set(user.user_id, user)
    this.touch(user.user_id)
    return user
  }
}

function accountIdentity(account: EmulatedProviderAccount): EmulatedIdentity {
  const provider = account.provider ?? (account.connection === DATABASE_CONNECTION ? 'auth0' : account.connection)
  return { connection: account.connection, provider, user_id: account.user_id, isSocial: account.connection !== DATABASE_CONNECTION }
}
