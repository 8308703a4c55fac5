/** @module The emulated tenant's settings and the state its endpoints share: users, keys, failures, sessions. */

import type { JWTPayload } from 'jose'
import { base64url } from 'jose'
import { FailureQueue } from './failures.js'
import type { EmulatedOrganization } from './organizations.js'
import { OrganizationDirectory } from './organizations.js'
import type { Claims } from './tokens.js'
import { TokenSigner } from './tokens.js'
import type { EmulatedProviderAccount, EmulatedUser, EmulatedUserSeed } from './users.js'
import { UserDirectory } from './users.js'

export const now = (): number => Math.floor(Date.now() / 1000)
export const randomId = (bytes = 24): string => base64url.encode(crypto.getRandomValues(new Uint8Array(bytes)))

/** What the context is made from: the resolved options every endpoint reads. */
export interface TenantSettings {
  origin: string
  clientId: string
  clientSecret: string
  interaction: 'auto' | 'page'
  users: EmulatedUserSeed[]
  providerAccounts: EmulatedProviderAccount[]
  defaultUser: string | undefined
  accessTokenTtl: number
  idTokenTtl: number
  organizations: EmulatedOrganization[]
}

/**
 * One tenant's shared state. Every endpoint class gets this object, so what they share is
 * written down here rather than captured by closures.
 */
export class TenantContext {
  /** No trailing slash. */
  readonly origin: string
  /** `origin + '/'`: Auth0 issuers end with a slash. */
  readonly issuer: string
  /** `host[:port]`. */
  readonly domain: string
  readonly clientId: string
  readonly clientSecret: string
  readonly interaction: 'auto' | 'page'
  readonly accessTokenTtl: number
  readonly idTokenTtl: number
  readonly userinfoAudience: string
  readonly managementAudience: string
  readonly myAccountAudience: string
  readonly users: UserDirectory
  readonly organizations: OrganizationDirectory
  readonly failures = new FailureQueue()
  /** User id → `sid` of the user's latest Auth0 session. */
  readonly sessions = new Map<string, string>()
  /** Who `'auto'` interaction signs in when nothing names a user. */
  signedInUser: string

  constructor(
    settings: TenantSettings,
    readonly signer: TokenSigner,
  ) {
    const base = new URL(settings.origin)
    this.origin = base.origin
    this.issuer = `${base.origin}/`
    this.domain = base.host
    this.clientId = settings.clientId
    this.clientSecret = settings.clientSecret
    this.interaction = settings.interaction
    this.accessTokenTtl = settings.accessTokenTtl
    this.idTokenTtl = settings.idTokenTtl
    this.userinfoAudience = `${this.origin}/userinfo`
    this.managementAudience = `${this.origin}/api/v2/`
    this.myAccountAudience = `${this.origin}/me/`
    this.users = new UserDirectory(settings.users, settings.providerAccounts)
    this.organizations = new OrganizationDirectory(settings.organizations)
    this.signedInUser = settings.defaultUser ?? this.users.all[0]?.user_id ?? ''
    if (!this.users.get(this.signedInUser)) throw new TypeError(`options.defaultUser ${this.signedInUser} is not one of the users`)
  }

  static async create(settings: TenantSettings): Promise<TenantContext> {
    return new TenantContext(settings, await TokenSigner.create())
  }

  /** The OIDC profile claims of a user, as the ID token and `/userinfo` carry them. */
  profile(user: EmulatedUser): Claims {
    const { user_id: sub, name, email, picture } = user
    const verified = user.email_verified ?? true
    return { sub, name, email, email_verified: verified, ...(picture ? { picture } : {}), updated_at: this.users.updatedAt(sub) }
  }

  /** The claims of the request's bearer token when this tenant issued it for `audience`. */
  async bearer(request: Request, audience: string): Promise<JWTPayload | undefined> {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')
    return match?.[1] ? this.signer.verify(match[1], this.issuer, audience) : undefined
  }
}
