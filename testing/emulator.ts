/** @module The Auth0 emulator: an in-process tenant as a `Request → Response` function, composed of one class per concern. */

import type { JWK } from 'jose'
import { importJWK } from 'jose'
import { ACTION_CLIENT_ID, ActionsRuntime } from './actions-runtime.js'
import type { ParMode } from './authorize.js'
import { AuthorizationEndpoint } from './authorize.js'
import { ClientAuthenticator, DpopGate } from './client-auth.js'
import type { EmulatedClient } from './clients.js'
import { ClientRegistry } from './clients.js'
import { now, randomId, TenantContext } from './context.js'
import type { EmulatorFailure } from './failures.js'
import { delay, isTransportFailure } from './failures.js'
import { GrantStore } from './grants.js'
import { httpUrl, json } from './http.js'
import { ManagementApi } from './management-api.js'
import {
  type ConnectedAccountConnection,
  DEFAULT_CONNECTED_ACCOUNT_CONNECTIONS,
  type EmulatedConnectedAccount,
  MY_ACCOUNT_SCOPES,
  MyAccountApi,
} from './my-account.js'
import { discoveryDocument, logout, userinfo } from './oidc.js'
import type { EmulatedOrganization } from './organizations.js'
import type { ProviderTokenInfo } from './token-endpoint.js'
import { TokenEndpoint } from './token-endpoint.js'
import { withOverrides } from './tokens.js'
import type { EmulatedProviderAccount, EmulatedUser } from './users.js'
import { DEFAULT_PROVIDER_ACCOUNTS, DEFAULT_USERS } from './users.js'

export type { ProviderTokenInfo } from './token-endpoint.js'

/**
 * Options for {@link createAuth0Emulator}. Every option has a default that suits unit tests.
 *
 * @example
 * ```ts
 * const emulator = await createAuth0Emulator({
 *   origin: 'http://127.0.0.1:4000',
 *   interaction: 'page',
 *   users: [{ user_id: 'auth0|carol', email: 'carol@example.com', name: 'Carol' }],
 * })
 * ```
 */
export interface Auth0EmulatorOptions {
  /** Origin the emulator pretends to be. Default `https://tenant.auth0.test`; a loopback `http://` origin suits the demo. */
  origin?: string
  /** Default `test-client-id`. */
  clientId?: string
  /** Default `test-client-secret-that-is-long-enough`. */
  clientSecret?: string
  /**
   * Public key (CryptoKey or JWK) the client signs `private_key_jwt` assertions with. Without
   * it, the token endpoint refuses `private_key_jwt` with `invalid_client`.
   */
  clientAssertionKey?: CryptoKey | JWK
  /**
   * `'auto'` (default): `/authorize` redirects straight back with a code, signed in as the
   * `login_hint` user or the {@link Auth0Emulator.signInAs} / `defaultUser` (with `connection=`:
   * see `connectionDefaults`). `'page'`: it shows a small HTML sign-in page (a user picker, or with
   * `connection=` the provider's accounts, saying who owns each), as for the demo.
   */
  interaction?: 'auto' | 'page'
  /** Default: alice (`auth0|alice`, alice@example.com) and bob (`auth0|bob`, bob@example.com). */
  users?: Array<Pick<EmulatedUser, 'user_id' | 'email' | 'name'> & Partial<EmulatedUser>>
  /** `user_id` signed in by `'auto'` interaction; default the first user. */
  defaultUser?: string
  /** Seconds; default 86400, as Auth0. */
  accessTokenTtl?: number
  /** Seconds; default 36000, as Auth0. */
  idTokenTtl?: number
  /**
   * Refresh-token rotation with reuse detection, as Auth0 does it when rotation is on (reuse
   * interval 0): every refresh returns a new refresh token and retires the one sent; sending a
   * retired token again revokes the whole grant, so its newest token stops working too.
   * Default `false`, Auth0's default for regular web apps (the same token is reused).
   */
  refreshTokenRotation?: boolean
  /**
   * Connections that offer Connected Accounts for Token Vault. Default `google-oauth2` (Google
   * Calendar scopes) and `github`.
   */
  connectedAccountConnections?: ConnectedAccountConnection[]
  /**
   * The scopes the application's Multi-Resource Refresh Token policy allows for the My Account
   * API (`https://<domain>/me/`). Default all three connected-accounts scopes; `[]` is an
   * application without that policy, which Auth0 answers with a token for the login audience.
   */
  myAccountScopes?: string[]
  /** Seconds a connect ticket is valid. Default 300. */
  connectTicketTtl?: number
  /** Seconds a provider token from the Token Vault grant is valid. Default 3600. */
  providerTokenTtl?: number
  /**
   * Pushed authorization requests (RFC 9126), as Auth0 offers them: `true` (default) serves
   * `POST /oauth/par` and lists it in discovery; `'required'` also refuses `/authorize` requests
   * that carry their parameters instead of a `request_uri` (Auth0's "Require Pushed Authorization
   * Requests"); `false` is a tenant without PAR (no endpoint in discovery, `/oauth/par` 404).
   * A `request_uri` lives 30 seconds and is used once, as at Auth0.
   */
  pushedAuthorizationRequests?: boolean | 'required'
  /**
   * Auth0 Organizations. `/authorize` with `organization` (an id, or a name in any case) signs in
   * members only (`access_denied` otherwise), refuses an unknown organization and an `invitation`
   * without one (`invalid_request`), and issues ID and access tokens with `org_id` and `org_name`.
   * An invitation from {@link Auth0Emulator.inviteToOrganization} signs its invitee in and makes
   * them a member. Default none.
   */
  organizations?: EmulatedOrganization[]
  /**
   * DPoP (RFC 9449) is always checked when a request to the token or PAR endpoint carries a
   * proof: a valid one binds the tokens (`token_type: DPoP`, `cnf.jkt`, and the refresh token
   * to that key; a PAR proof binds the code), an invalid one is `400 invalid_dpop_proof`. With
   * `dpopNonce: true` the tenant also wants a server nonce (§8): a proof without the current one
   * gets `400 use_dpop_nonce` with a `DPoP-Nonce` header. Default `false`.
   */
  dpopNonce?: boolean
  /**
   * Accounts at providers that no user owns yet; signing in with one makes a new user, as at
   * Auth0. Default: one GitHub account (`github`, user id `5550001`, alice@example.com) for
   * Alice to link.
   */
  providerAccounts?: EmulatedProviderAccount[]
  /**
   * Connection → provider user id that `'auto'` interaction signs in as for `/authorize` with
   * `connection=` and no `login_hint`. Without an entry: the signed-in user's own account of
   * that connection, else the first unowned one, else a fresh account.
   */
  connectionDefaults?: Record<string, string>
  /**
   * The app's Allowed Callback URLs, compared exactly as Auth0 does; `/authorize` with another
   * `redirect_uri` shows Auth0's "Callback URL mismatch" page. Default: any http(s) URL.
   */
  callbacks?: string[]
  /** The app's Allowed Logout URLs; logout with another return URL shows an error page. Default: any http(s) URL. */
  allowedLogoutUrls?: string[]
  /**
   * The scopes of the app client's grant on the Management API (`https://<domain>/api/v2/`).
   * Default `['read:users', 'update:users']`; `false` removes the grant (client credentials are
   * refused), a narrower list makes calls answer 403 `insufficient_scope`.
   */
  managementApiGrant?: string[] | false
  /** Other applications of the tenant (machine-to-machine clients and their grants). */
  clients?: EmulatedClient[]
  /**
   * Runs the kit's post-login Action (`tenant/actions/account-linking.js`) on every sign-in
   * through a small Actions runtime, with its own machine-to-machine client, as a tenant set up
   * for `linking.strategy: 'tenant-action'`. `true` uses the Action's defaults; an object sets its
   * secrets (e.g. `{ REQUIRE_VERIFIED_EMAIL: 'false' }`).
   */
  accountLinkingAction?: boolean | { secrets?: Record<string, string> }
}

/**
 * Endpoints counted in {@link Auth0Emulator.hits}.
 *
 * @example
 * ```ts
 * const endpoint: EmulatorEndpoint = 'token'
 * expect(emulator.hits[endpoint]).toBe(1)
 * ```
 */
export type EmulatorEndpoint =
  | 'discovery'
  | 'jwks'
  | 'authorize'
  | 'token'
  | 'logout'
  | 'userinfo'
  | 'management'
  | 'my-account'
  | 'connect'
  | 'par'

/**
 * An Auth0 tenant in one process, as a `Request → Response` function. Made by
 * {@link createAuth0Emulator}; plug it in with `emulator.fetch`, MSW ({@link auth0Handlers}), or
 * any HTTP server that speaks `Request`/`Response`.
 *
 * @example
 * ```ts
 * const emulator = await createAuth0Emulator()
 * const auth = createAuth({ domain: emulator.domain, clientId: emulator.clientId,
 *   clientSecret: emulator.clientSecret, fetch: emulator.fetch, secret, appBaseUrl })
 * // … drive a link flow, then:
 * expect(emulator.getUser('auth0|alice')?.identities.map((i) => i.connection)).toContain('github')
 * ```
 */
export interface Auth0Emulator {
  /** No trailing slash, e.g. `https://tenant.auth0.test`. */
  readonly origin: string
  /** `origin + '/'`: Auth0 issuers end with a slash. */
  readonly issuer: string
  /** `host[:port]`, what an app configures as its Auth0 domain. */
  readonly domain: string
  readonly clientId: string
  readonly clientSecret: string
  /** Answers one request to the tenant. Rejects only when a delayed request is aborted. */
  handle(request: Request): Promise<Response>
  /**
   * A `fetch` for `fetch` options: requests to the emulator's origin go to {@link handle}
   * (redirects are returned, not followed); any other origin rejects with a `TypeError`, as a
   * network failure does.
   */
  readonly fetch: typeof fetch
  /** A copy of the user record, for inspection. */
  getUser(userId: string): EmulatedUser | undefined
  /** Who `'auto'` interaction signs in from now on (unless `login_hint` names someone). */
  signInAs(userId: string): void
  /** Queues a failure; see {@link EmulatorFailure}. */
  fail(failure: EmulatorFailure): void
  clearFailures(): void
  /**
   * Signs a back-channel logout token (OIDC Back-Channel Logout §2.4): `iss`, `aud`, `iat`,
   * `exp` (+120 s), `jti`, `events`, plus `sub` and/or `sid`. `overrides` are merged over the
   * claims (`undefined` removes one); `alg: 'none'` leaves it unsigned; `key: 'foreign'` signs
   * with a key that is not in the JWKS.
   */
  createLogoutToken(
    claims: { sub?: string; sid?: string },
    overrides?: Record<string, unknown>,
    options?: { alg?: 'none'; key?: 'foreign' },
  ): Promise<string>
  /** Requests per endpoint, failed and injected ones included (the `/authorize/decision` form post is not counted). */
  readonly hits: Readonly<Record<EmulatorEndpoint, number>>
  /** The `sid` of the user's latest session, to post logout tokens for a real session. */
  lastSid(userId: string): string | undefined
  /** The query of every `/authorize` request, oldest first (e.g. to see `requested_connection_scope`). */
  readonly authorizeRequests: readonly URLSearchParams[]
  /** The user's connected accounts (My Account API), copies. */
  connectedAccounts(userId: string): EmulatedConnectedAccount[]
  /** The account behind a provider token the Token Vault grant issued, or `undefined`. */
  providerToken(token: string): ProviderTokenInfo | undefined
  /** The `https://<domain>/me/` audience of the My Account API. */
  readonly myAccountAudience: string
  /** The body of every accepted `POST /oauth/par`, client credentials removed, oldest first. */
  readonly pushedAuthorizationRequests: readonly URLSearchParams[]
  /**
   * A single-use invitation ticket for `userId` to join the organization (id or name), for an
   * invitation link such as `/auth/login?invitation=<ticket>&organization=<org_id>`.
   */
  inviteToOrganization(organization: string, userId: string): string
  /** A copy of the organization record (its members), for inspection. */
  getOrganization(id: string): EmulatedOrganization | undefined
}

const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout'

interface Route {
  endpoint?: EmulatorEndpoint
  methods: string[]
  run(request: Request, url: URL): Promise<Response> | Response
}

/** The parts of one tenant, made once by {@link createAuth0Emulator}. */
interface TenantParts {
  tenant: TenantContext
  clients: ClientRegistry
  actions: ActionsRuntime | undefined
  authorization: AuthorizationEndpoint
  tokens: TokenEndpoint
  management: ManagementApi
  myAccount: MyAccountApi
  discovery: Record<string, unknown>
}

/** The emulator itself: routes requests to the part that owns them, after injected failures. */
class Auth0Tenant implements Auth0Emulator {
  readonly origin: string
  readonly issuer: string
  readonly domain: string
  readonly clientId: string
  readonly clientSecret: string
  readonly myAccountAudience: string
  readonly hits: Record<EmulatorEndpoint, number> = {
    discovery: 0,
    jwks: 0,
    authorize: 0,
    token: 0,
    logout: 0,
    userinfo: 0,
    management: 0,
    'my-account': 0,
    connect: 0,
    par: 0,
  }
  readonly #parts: TenantParts
  readonly #routes: Record<string, Route>
  readonly #managementRoute: Route
  readonly #myAccountRoute: Route

  constructor(parts: TenantParts) {
    const { tenant, clients, actions, authorization, tokens, management, myAccount, discovery } = parts
    this.#parts = parts
    this.origin = tenant.origin
    this.issuer = tenant.issuer
    this.domain = tenant.domain
    this.clientId = tenant.clientId
    this.clientSecret = tenant.clientSecret
    this.myAccountAudience = tenant.myAccountAudience
    this.#routes = {
      '/.well-known/openid-configuration': { endpoint: 'discovery', methods: ['GET'], run: () => json(discovery) },
      '/.well-known/jwks.json': { endpoint: 'jwks', methods: ['GET'], run: () => json(tenant.signer.jwks) },
      '/authorize': { endpoint: 'authorize', methods: ['GET'], run: (_, url) => authorization.authorizeRequest(url.searchParams) },
      '/authorize/decision': { methods: ['POST'], run: (request) => authorization.decide(request) },
      '/oauth/token': { endpoint: 'token', methods: ['POST'], run: (request) => tokens.handle(request) },
      '/oauth/par': { endpoint: 'par', methods: ['POST'], run: (request) => authorization.pushAuthorization(request) },
      '/userinfo': { endpoint: 'userinfo', methods: ['GET', 'POST'], run: (request) => userinfo(tenant, request) },
      '/oidc/logout': {
        endpoint: 'logout',
        methods: ['GET'],
        run: (_, url) => logout(tenant, clients, url.searchParams, 'post_logout_redirect_uri'),
      },
      '/v2/logout': { endpoint: 'logout', methods: ['GET'], run: (_, url) => logout(tenant, clients, url.searchParams, 'returnTo') },
      '/continue': {
        endpoint: 'authorize',
        methods: ['GET'],
        run: (_, url) =>
          actions ? actions.resume(url.searchParams) : json({ error: 'not_found', error_description: 'No Action is waiting' }, 404),
      },
      '/connect': { endpoint: 'connect', methods: ['GET'], run: (_, url) => myAccount.connectPage(url) },
      '/connect/decision': { methods: ['POST'], run: (request) => myAccount.decide(request) },
    }
    this.#managementRoute = { endpoint: 'management', methods: ['GET', 'POST', 'PATCH', 'DELETE'], run: (r, u) => management.handle(r, u) }
    this.#myAccountRoute = { endpoint: 'my-account', methods: ['GET', 'POST', 'DELETE'], run: (r, u) => myAccount.handle(r, u) }
  }

  get authorizeRequests(): readonly URLSearchParams[] {
    return this.#parts.authorization.requests
  }

  get pushedAuthorizationRequests(): readonly URLSearchParams[] {
    return this.#parts.authorization.pushedLog
  }

  handle = (request: Request): Promise<Response> => this.#dispatch(request, request.signal)

  fetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init)
    if (new URL(request.url).origin !== this.origin) {
      throw new TypeError(`fetch failed: ${request.url} is not served by the Auth0 emulator at ${this.origin}`)
    }
    const signal = init?.signal ?? request.signal
    if (signal?.aborted) throw signal.reason
    const response = await this.#dispatch(request, signal)
    if (response.type === 'error') throw new TypeError('fetch failed')
    return response
  }

  getUser(userId: string): EmulatedUser | undefined {
    const user = this.#parts.tenant.users.get(userId)
    return user && structuredClone(user)
  }

  signInAs(userId: string): void {
    const { tenant } = this.#parts
    if (!tenant.users.get(userId)) throw new TypeError(`signInAs: ${userId} is not one of the emulated users`)
    tenant.signedInUser = userId
  }

  fail(failure: EmulatorFailure): void {
    this.#parts.tenant.failures.add(failure)
  }

  clearFailures(): void {
    this.#parts.tenant.failures.clear()
  }

  lastSid(userId: string): string | undefined {
    return this.#parts.tenant.sessions.get(userId)
  }

  connectedAccounts(userId: string): EmulatedConnectedAccount[] {
    return this.#parts.myAccount.accounts(userId)
  }

  providerToken(token: string): ProviderTokenInfo | undefined {
    return this.#parts.tokens.providerToken(token)
  }

  inviteToOrganization(organization: string, userId: string): string {
    const { tenant } = this.#parts
    if (!tenant.users.get(userId)) throw new TypeError(`inviteToOrganization: ${userId} is not one of the emulated users`)
    return tenant.organizations.invite(organization, userId)
  }

  getOrganization(id: string): EmulatedOrganization | undefined {
    return this.#parts.tenant.organizations.get(id)
  }

  async createLogoutToken(
    claims: { sub?: string; sid?: string },
    overrides?: Record<string, unknown>,
    options: { alg?: 'none'; key?: 'foreign' } = {},
  ): Promise<string> {
    const { tenant } = this.#parts
    const iat = now()
    const logoutClaims = withOverrides(
      {
        iss: tenant.issuer,
        aud: tenant.clientId,
        iat,
        exp: iat + 120,
        jti: randomId(16),
        events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
        ...claims,
      },
      overrides,
    )
    // OIDC Back-Channel Logout §2.4 recommends explicit typing so a logout token can't pass as an ID token.
    if (options.alg === 'none') return tenant.signer.unsigned(logoutClaims, 'logout+jwt')
    return tenant.signer.sign(logoutClaims, { typ: 'logout+jwt', ...(options.key ? { key: options.key } : {}) })
  }

  #route(path: string): Route | undefined {
    // By path alone: a server in front (the demo's) may see the tenant under another host name.
    if (Object.hasOwn(this.#routes, path)) return this.#routes[path]
    if (path.startsWith('/api/v2/')) return this.#managementRoute
    if (path.startsWith('/me/v1/connected-accounts/')) return this.#myAccountRoute
    return undefined
  }

  async #dispatch(request: Request, signal: AbortSignal | null | undefined): Promise<Response> {
    const url = new URL(request.url)
    const path = url.pathname
    const route = this.#route(path)
    if (!route) return json({ error: 'not_found', error_description: `No route for ${request.method} ${path}` }, 404)
    if (route.endpoint) {
      this.hits[route.endpoint]++
      const failure = this.#parts.tenant.failures.take(route.endpoint, isTransportFailure)
      if (failure && 'network' in failure) return Response.error()
      if (failure && 'status' in failure) {
        const body = failure.body ?? JSON.stringify({ error: 'server_error', error_description: 'Failure injected by the Auth0 emulator' })
        const nullBody = [204, 205, 304].includes(failure.status)
        return new Response(nullBody ? null : body, {
          status: failure.status,
          headers: { 'content-type': failure.contentType ?? 'application/json' },
        })
      }
      if (failure) await delay(failure.delayMs, signal)
    }
    if (!route.methods.includes(request.method)) {
      return json({ error: 'method_not_allowed', error_description: `${request.method} ${path}` }, 405, { allow: route.methods.join(', ') })
    }
    return route.run(request, url)
  }
}

/**
 * Creates an in-process Auth0 tenant: discovery, JWKS, `/authorize`, `/oauth/par`,
 * `/oauth/token`, `/userinfo`, logout, the Management API and the My Account API.
 * Async because it generates the tenant's RS256 key pair.
 *
 * @example
 * ```ts
 * const emulator = await createAuth0Emulator()
 * const config = await emulator.fetch(`${emulator.origin}/.well-known/openid-configuration`)
 * emulator.fail({ endpoint: 'token', idToken: { claims: { iss: 'https://evil.test/' } } })
 * ```
 */
export async function createAuth0Emulator(options: Auth0EmulatorOptions = {}): Promise<Auth0Emulator> {
  const base = httpUrl(options.origin ?? 'https://tenant.auth0.test')
  if (!base) throw new TypeError('options.origin must be an http(s) URL')
  const interaction = options.interaction ?? 'auto'
  const tenant = await TenantContext.create({
    origin: base.origin,
    clientId: options.clientId ?? 'test-client-id',
    clientSecret: options.clientSecret ?? 'test-client-secret-that-is-long-enough',
    interaction,
    users: options.users ?? DEFAULT_USERS,
    providerAccounts: options.providerAccounts ?? (options.users ? [] : DEFAULT_PROVIDER_ACCOUNTS),
    defaultUser: options.defaultUser,
    accessTokenTtl: options.accessTokenTtl ?? 86_400,
    idTokenTtl: options.idTokenTtl ?? 36_000,
    organizations: options.organizations ?? [],
  })
  const key = options.clientAssertionKey
  const assertionKey = key === undefined || key instanceof CryptoKey ? key : await importJWK(key, key.alg ?? 'RS256')
  const parMode: ParMode = options.pushedAuthorizationRequests ?? true
  const actionOption = options.accountLinkingAction
  const actionClients = actionOption ? [ActionsRuntime.client(tenant.origin)] : []
  const clients = new ClientRegistry(tenant, {
    callbacks: options.callbacks,
    allowedLogoutUrls: options.allowedLogoutUrls,
    managementScopes: options.managementApiGrant === false ? undefined : (options.managementApiGrant ?? ['read:users', 'update:users']),
    refreshTokenRotation: options.refreshTokenRotation === true,
    clients: [...(options.clients ?? []), ...actionClients],
  })
  const grants = new GrantStore(options.refreshTokenRotation === true)
  const clientAuth = new ClientAuthenticator(tenant, assertionKey)
  const dpop = new DpopGate(tenant, options.dpopNonce === true)
  const myAccount = new MyAccountApi({
    origin: tenant.origin,
    audience: tenant.myAccountAudience,
    interaction,
    domain: tenant.domain,
    connections: options.connectedAccountConnections ?? DEFAULT_CONNECTED_ACCOUNT_CONNECTIONS,
    ticketTtl: options.connectTicketTtl ?? 300,
    failures: tenant.failures,
    verify: (token, audience) => tenant.signer.verify(token, tenant.issuer, audience),
  })
  const tokens = new TokenEndpoint(tenant, grants, clientAuth, dpop, myAccount, clients, {
    myAccountPolicy: options.myAccountScopes ?? MY_ACCOUNT_SCOPES,
    providerTokenTtl: options.providerTokenTtl ?? 3600,
  })
  const authorization = new AuthorizationEndpoint(tenant, grants, clientAuth, dpop, clients, parMode, options.connectionDefaults ?? {})
  const actions = actionOption
    ? await ActionsRuntime.load({
        tenant,
        authorization,
        fetch: (input, init) => emulator.fetch(input, init),
        secrets: typeof actionOption === 'object' ? (actionOption.secrets ?? {}) : {},
      })
    : undefined
  if (actions) authorization.postLogin = actions
  const emulator: Auth0Tenant = new Auth0Tenant({
    tenant,
    clients,
    actions,
    authorization,
    tokens,
    management: new ManagementApi(tenant, clients, () =>
      actions ? [{ id: ACTION_CLIENT_ID.replace('client', 'action'), name: 'auth0-link-kit account linking', boundToPostLogin: true }] : [],
    ),
    myAccount,
    discovery: discoveryDocument(tenant, parMode),
  })
  return emulator
}
