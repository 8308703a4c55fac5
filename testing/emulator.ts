import type { JWK, JWTPayload } from 'jose'
import { base64url, importJWK, jwtVerify } from 'jose'
import { DpopVerifier } from './dpop.js'
import type { EmulatorFailure, TokenGrant } from './failures.js'
import {
  delay,
  FailureQueue,
  isAuthorizeFailure,
  isDpopNonceFailure,
  isIdTokenFailure,
  isOAuthErrorFor,
  isTransportFailure,
} from './failures.js'
import { decodeBasicCredentials, html, httpUrl, json, oauthError, readForm, redirect, s256 } from './http.js'
import {
  type ConnectedAccountConnection,
  DEFAULT_CONNECTED_ACCOUNT_CONNECTIONS,
  type EmulatedConnectedAccount,
  MY_ACCOUNT_SCOPES,
  MyAccountApi,
} from './my-account.js'
import { type EmulatedOrganization, OrganizationDirectory } from './organizations.js'
import { consentPage, messagePage, signInPage } from './pages.js'
import type { Claims } from './tokens.js'
import { TokenSigner, withOverrides } from './tokens.js'
import type { EmulatedUser } from './users.js'
import { DEFAULT_USERS, UserDirectory } from './users.js'

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
   * `login_hint` user or the {@link Auth0Emulator.signInAs} / `defaultUser`. `'page'`: it shows
   * a small HTML sign-in page (a user picker) or a link/unlink consent page, as for the demo.
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
}

/**
 * What the emulator knows about a provider access token it handed out through the Token Vault
 * grant, so a test can check which account a token belongs to.
 *
 * @example
 * ```ts
 * const { token } = await auth.client.getAccessTokenForConnection({ connection: 'google-oauth2' }, storeOptions)
 * expect(emulator.providerToken(token)?.userId).toBe('auth0|alice')
 * ```
 */
export interface ProviderTokenInfo {
  userId: string
  connection: string
  /** The connected account the token is for. */
  accountId: string
  scopes: string[]
  /** Seconds since the epoch. */
  expiresAt: number
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

/** A grant behind a refresh token; `family` ties the tokens one rotation chain produced. */
interface RefreshGrant extends Grant {
  family: string
}

interface Grant {
  /** The DPoP key thumbprint the tokens are bound to. */
  jkt?: string | undefined
  userId: string
  scope: string
  audience: string | undefined
  sid: string
  authTime: number
  organization?: { id: string; name: string } | undefined
}

type PendingAuthorization = {
  userId: string
  redirectUri: string
  state: string
  nonce: string | undefined
  codeChallenge: string
  scope: string
  audience: string | undefined
  organization: EmulatedOrganization | undefined
  invitation: string | undefined
  /** The DPoP key the code is bound to (`dpop_jkt`, or the proof on the pushed request). */
  dpopJkt: string | undefined
} & ({ kind: 'login' } | { kind: 'link' | 'unlink'; connection: string; connectionScope: string | undefined })

type IssuedCode = PendingAuthorization & { grant: Grant; expiresAt: number }

const CODE_TTL_SECONDS = 600
const TOKEN_VAULT_GRANT = 'urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token'
const REFRESH_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:refresh_token'
const FEDERATED_TOKEN_TYPE = 'http://auth0.com/oauth/token-type/federated-connection-access-token'
/** Auth0's `request_uri` lifetime: a static 30 seconds. */
const REQUEST_URI_TTL_SECONDS = 30
const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:'
/** Form fields of client authentication, which are not authorization parameters. */
const CLIENT_AUTH_FIELDS = ['client_secret', 'client_assertion', 'client_assertion_type']
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout'

const now = (): number => Math.floor(Date.now() / 1000)
const randomId = (bytes = 24): string => base64url.encode(crypto.getRandomValues(new Uint8Array(bytes)))

/**
 * Creates an in-process Auth0 tenant: discovery, JWKS, `/authorize` (with `link_account` /
 * `unlink_account`), `/oauth/par`, `/oauth/token`, `/userinfo`, logout and `GET /api/v2/users/{id}`.
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
  const origin = base.origin
  const issuer = `${origin}/`
  const domain = base.host
  const clientId = options.clientId ?? 'test-client-id'
  const clientSecret = options.clientSecret ?? 'test-client-secret-that-is-long-enough'
  const interaction = options.interaction ?? 'auto'
  const accessTokenTtl = options.accessTokenTtl ?? 86_400
  const idTokenTtl = options.idTokenTtl ?? 36_000
  const users = new UserDirectory(options.users ?? DEFAULT_USERS)
  let signedInUser = options.defaultUser ?? users.all[0]?.user_id ?? ''
  if (!users.get(signedInUser)) throw new TypeError(`options.defaultUser ${signedInUser} is not one of the users`)
  const signer = await TokenSigner.create()
  const assertionKey = options.clientAssertionKey
  const clientAssertionKey =
    assertionKey && 'kty' in assertionKey ? await importJWK(assertionKey, assertionKey.alg ?? 'RS256') : assertionKey

  const userinfoAudience = `${origin}/userinfo`
  const managementAudience = `${origin}/api/v2/`
  const myAccountAudience = `${origin}/me/`
  const myAccountPolicy = options.myAccountScopes ?? MY_ACCOUNT_SCOPES
  const providerTokenTtl = options.providerTokenTtl ?? 3600
  const failures = new FailureQueue()
  const hits: Record<EmulatorEndpoint, number> = {
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
  const myAccount = new MyAccountApi({
    origin,
    audience: myAccountAudience,
    interaction,
    domain,
    connections: options.connectedAccountConnections ?? DEFAULT_CONNECTED_ACCOUNT_CONNECTIONS,
    ticketTtl: options.connectTicketTtl ?? 300,
    failures,
    verify: (token, audience) => signer.verify(token, issuer, audience),
  })
  const providerTokens = new Map<string, ProviderTokenInfo>()
  const pendingAuthorizations = new Map<string, PendingAuthorization>()
  const codes = new Map<string, IssuedCode>()
  const refreshTokens = new Map<string, RefreshGrant>()
  /** Retired refresh tokens → their family, for reuse detection. */
  const retiredRefreshTokens = new Map<string, string>()
  const rotation = options.refreshTokenRotation === true
  const sessions = new Map<string, string>()
  const usedAssertionIds = new Set<string>()
  const authorizeRequests: URLSearchParams[] = []
  const parMode = options.pushedAuthorizationRequests ?? true
  const pushedRequests = new Map<string, { params: URLSearchParams; expiresAt: number }>()
  const pushedLog: URLSearchParams[] = []
  const organizations = new OrganizationDirectory(options.organizations ?? [])
  const dpopVerifier = new DpopVerifier()
  const dpopNonceRequired = options.dpopNonce === true
  let dpopNonce = randomId(16)

  const discovery = {
    issuer,
    authorization_endpoint: `${origin}/authorize`,
    token_endpoint: `${origin}/oauth/token`,
    userinfo_endpoint: userinfoAudience,
    jwks_uri: `${origin}/.well-known/jwks.json`,
    end_session_endpoint: `${origin}/oidc/logout`,
    scopes_supported: ['openid', 'profile', 'email', 'offline_access', 'name', 'nickname', 'picture', 'email_verified'],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    subject_types_supported: ['public'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials', TOKEN_VAULT_GRANT],
    code_challenge_methods_supported: ['S256'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['RS256', 'PS256', 'ES256'],
    dpop_signing_alg_values_supported: ['ES256', 'ES384', 'ES512', 'RS256', 'PS256', 'EdDSA'],
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'nonce',
      'sid',
      'name',
      'email',
      'email_verified',
      'picture',
      'updated_at',
    ],
    request_uri_parameter_supported: false,
    ...(parMode
      ? { pushed_authorization_request_endpoint: `${origin}/oauth/par`, require_pushed_authorization_requests: parMode === 'required' }
      : {}),
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
  }

  // ---- /authorize ------------------------------------------------------------------------

  /** `/authorize` as the browser calls it: with its parameters, or with a pushed request's `request_uri`. */
  async function authorizeRequest(query: URLSearchParams): Promise<Response> {
    authorizeRequests.push(new URLSearchParams(query))
    const requestUri = query.get('request_uri')
    if (requestUri === null) {
      if (parMode === 'required') {
        return html(messagePage(domain, 'Pushed authorization required', 'This client must push its authorization requests (PAR).'), 400)
      }
      return authorize(query)
    }
    const pushed = pushedRequests.get(requestUri)
    // RFC 9126 §4: only the pushed parameters count; the query may add nothing but client_id.
    if (!pushed || query.get('client_id') !== clientId) {
      return html(messagePage(domain, 'Invalid request_uri', 'The request_uri is unknown, already used, or not this client’s.'), 400)
    }
    pushedRequests.delete(requestUri)
    if (pushed.expiresAt < now()) {
      return redirect(pushed.params.get('redirect_uri') ?? '', {
        error: 'invalid_request_uri',
        error_description: 'The request_uri has expired',
        state: pushed.params.get('state') ?? undefined,
      })
    }
    return authorize(pushed.params)
  }

  // ---- /oauth/par ------------------------------------------------------------------------

  /** RFC 9126 §2: the client authenticates, and the request is checked as `/authorize` would check it. */
  async function pushAuthorization(request: Request): Promise<Response> {
    if (!parMode) return json({ error: 'not_found', error_description: 'Pushed authorization requests are not enabled' }, 404)
    const form = await readForm(request)
    if (!form) return oauthError(400, 'invalid_request', 'The body must be application/x-www-form-urlencoded')
    const jkt = await dpopProof(request, 'par', '/oauth/par')
    if (jkt instanceof Response) return jkt
    const clientProblem = await authenticateClient(request, form)
    if (clientProblem) return oauthError(401, 'invalid_client', clientProblem)
    if (form.has('request_uri')) return oauthError(400, 'invalid_request', 'request_uri cannot be pushed')
    const params = new URLSearchParams(form)
    for (const field of CLIENT_AUTH_FIELDS) params.delete(field)
    params.set('client_id', clientId)
    // RFC 9449 §10.1: a proof on the push binds the code as dpop_jkt would.
    if (jkt !== undefined) {
      if (params.has('dpop_jkt') && params.get('dpop_jkt') !== jkt)
        return oauthError(400, 'invalid_dpop_proof', 'dpop_jkt does not match the proof')
      params.set('dpop_jkt', jkt)
    }
    if (!httpUrl(params.get('redirect_uri'))) return oauthError(400, 'invalid_request', 'redirect_uri must be an absolute http(s) URL')
    if (params.get('response_type') !== 'code') return oauthError(400, 'unsupported_response_type', 'Only response_type=code is supported')
    if (!params.get('code_challenge') || params.get('code_challenge_method') !== 'S256') {
      return oauthError(400, 'invalid_request', 'PKCE is required: send code_challenge with code_challenge_method=S256')
    }
    if (!params.get('state')) return oauthError(400, 'invalid_request', 'state is required')
    for (const [uri, entry] of pushedRequests) if (entry.expiresAt < now()) pushedRequests.delete(uri)
    const requestUri = `${REQUEST_URI_PREFIX}${randomId()}`
    pushedRequests.set(requestUri, { params, expiresAt: now() + REQUEST_URI_TTL_SECONDS })
    pushedLog.push(new URLSearchParams(params))
    return json({ request_uri: requestUri, expires_in: REQUEST_URI_TTL_SECONDS }, 201)
  }

  async function authorize(params: URLSearchParams): Promise<Response> {
    // Never redirect to a URI that failed validation; like Auth0, show an error page instead.
    if (params.get('client_id') !== clientId) {
      return html(messagePage(domain, 'Unknown client', 'client_id is missing or is not a client of this tenant.'), 400)
    }
    const redirectUri = params.get('redirect_uri') ?? ''
    if (!httpUrl(redirectUri)) {
      return html(messagePage(domain, 'Invalid redirect_uri', 'redirect_uri must be an absolute http(s) URL.'), 400)
    }
    const state = params.get('state') ?? undefined
    const refuse = (error: string, description: string) => redirect(redirectUri, { error, error_description: description, state })
    const injected = failures.take('authorize', isAuthorizeFailure)
    if (injected) return refuse(injected.error, injected.errorDescription ?? 'Failure injected by the Auth0 emulator')
    if (params.get('response_type') !== 'code') return refuse('unsupported_response_type', 'Only response_type=code is supported')
    const codeChallenge = params.get('code_challenge')
    if (!codeChallenge || params.get('code_challenge_method') !== 'S256') {
      return refuse('invalid_request', 'PKCE is required: send code_challenge with code_challenge_method=S256')
    }
    // Stricter than Auth0, which allows a missing state: this kit always sends one.
    if (!state) return refuse('invalid_request', 'state is required')

    const scopes = (params.get('scope') ?? 'openid').split(' ').filter(Boolean)
    const organizationParam = params.get('organization')
    const invitation = params.get('invitation') ?? undefined
    if (invitation !== undefined && organizationParam === null) return refuse('invalid_request', 'invitation requires organization')
    const organization = organizationParam === null ? undefined : organizations.find(organizationParam)
    if (organizationParam !== null && !organization) {
      return refuse('invalid_request', `parameter organization is invalid: no organization found by the id or name ${organizationParam}`)
    }
    if (organization && invitation !== undefined && !organizations.invitee(invitation, organization)) {
      return refuse('invalid_request', 'The invitation is unknown, already used, or for another organization')
    }
    const common = {
      organization,
      invitation,
      dpopJkt: params.get('dpop_jkt') ?? undefined,
      redirectUri,
      state,
      codeChallenge,
      scope: scopes.join(' '),
      nonce: params.get('nonce') ?? undefined,
      audience: params.get('audience') ?? undefined,
    }
    const isLink = scopes.includes('link_account')
    if (!isLink && !scopes.includes('unlink_account')) {
      const invitee = organization && invitation !== undefined ? organizations.invitee(invitation, organization) : undefined
      const userId = users.find(params.get('login_hint'))?.user_id ?? invitee ?? signedInUser
      return begin({ ...common, kind: 'login', userId })
    }
    if (isLink && scopes.includes('unlink_account')) return refuse('invalid_request', 'link_account and unlink_account cannot be combined')
    const kind = isLink ? 'link' : 'unlink'
    const connection = params.get('requested_connection')
    if (!connection) return refuse('invalid_request', `requested_connection is required with the ${kind}_account scope`)
    const userId = await hintedUser(params.get('id_token_hint'))
    if (!userId) return refuse('invalid_request', 'id_token_hint is missing or was not issued by this tenant to this client')
    const refusal = users.refusal(kind, userId, connection)
    if (refusal) return refuse('invalid_request', refusal)
    const connectionScope = params.get('requested_connection_scope') ?? undefined
    return begin({ ...common, kind, userId, connection, connectionScope })
  }

  async function hintedUser(hint: string | null): Promise<string | undefined> {
    const claims = hint ? await signer.verifySignature(hint) : undefined
    if (!claims || claims.iss !== issuer) return undefined
    const audiences: unknown[] = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
    if (!audiences.includes(clientId) || typeof claims.sub !== 'string') return undefined
    return users.get(claims.sub)?.user_id
  }

  function begin(authorization: PendingAuthorization): Promise<Response> | Response {
    if (interaction === 'auto') return approve(authorization)
    const pendingId = randomId()
    pendingAuthorizations.set(pendingId, authorization)
    const user = users.get(authorization.userId)
    if (authorization.kind === 'login' || !user) return html(signInPage(domain, pendingId, users.all))
    return html(consentPage(domain, pendingId, authorization.kind, authorization.connection, user))
  }

  async function decide(request: Request): Promise<Response> {
    const form = await readForm(request)
    const pendingId = form?.get('pending') ?? ''
    const authorization = pendingAuthorizations.get(pendingId)
    if (!form || !authorization) {
      return html(
        messagePage(domain, 'Request expired', 'This request is unknown or was already answered. Start again from the application.'),
        400,
      )
    }
    pendingAuthorizations.delete(pendingId)
    const { redirectUri, state } = authorization
    if (form.get('decision') !== 'approve') {
      return redirect(redirectUri, { error: 'access_denied', error_description: 'The user cancelled', state })
    }
    if (authorization.kind === 'login') {
      const user = users.get(form.get('user_id') ?? '')
      if (!user) return redirect(redirectUri, { error: 'access_denied', error_description: 'Unknown user', state })
      return approve({ ...authorization, userId: user.user_id })
    }
    // The user record may have changed while the consent page was open.
    const refusal = users.refusal(authorization.kind, authorization.userId, authorization.connection)
    if (refusal) return redirect(redirectUri, { error: 'invalid_request', error_description: refusal, state })
    return approve(authorization)
  }

  async function approve(authorization: PendingAuthorization): Promise<Response> {
    const { organization, invitation } = authorization
    if (organization) {
      if (invitation !== undefined && organizations.invitee(invitation, organization) === authorization.userId) {
        organizations.accept(invitation, organization)
      }
      if (!organizations.isMember(organization, authorization.userId)) {
        return redirect(authorization.redirectUri, {
          error: 'access_denied',
          error_description: `user ${authorization.userId} is not part of the ${organization.id} organization`,
          state: authorization.state,
        })
      }
    }
    if (authorization.kind === 'link') await users.link(authorization.userId, authorization.connection)
    if (authorization.kind === 'unlink') users.unlink(authorization.userId, authorization.connection)
    // Linking happens inside the user's existing Auth0 session; only a sign-in starts a new one.
    const sid = (authorization.kind !== 'login' && sessions.get(authorization.userId)) || randomId(16)
    sessions.set(authorization.userId, sid)
    const { userId, scope, audience } = authorization
    const code = randomId()
    codes.set(code, {
      ...authorization,
      grant: {
        userId,
        scope,
        audience,
        sid,
        authTime: now(),
        ...(organization ? { organization: { id: organization.id, name: organization.name } } : {}),
      },
      expiresAt: now() + CODE_TTL_SECONDS,
    })
    return redirect(authorization.redirectUri, { code, state: authorization.state })
  }

  // ---- /oauth/token ----------------------------------------------------------------------

  /**
   * The DPoP proof of a request to `path`, checked: `undefined` without one, the key thumbprint
   * for a good one, or the error answer (a nonce challenge carries the nonce to use).
   */
  async function dpopProof(request: Request, endpoint: 'token' | 'par', path: string): Promise<string | Response | undefined> {
    const proof = request.headers.get('dpop')
    if (proof === null) return undefined
    const challenge = () => {
      const response = oauthError(400, 'use_dpop_nonce', 'Authorization server requires nonce in DPoP proof')
      response.headers.set('dpop-nonce', dpopNonce)
      return response
    }
    if (failures.take(endpoint, isDpopNonceFailure)) {
      // A tenant that rotates its nonce on every request: whatever the proof carried is stale.
      dpopNonce = randomId(16)
      return challenge()
    }
    const result = await dpopVerifier.verify(proof, {
      method: 'POST',
      url: `${origin}${path}`,
      nonce: dpopNonceRequired ? dpopNonce : undefined,
    })
    if ('jkt' in result) return result.jkt
    return result.error === 'use_dpop_nonce' ? challenge() : oauthError(400, 'invalid_dpop_proof', result.description)
  }

  async function token(request: Request): Promise<Response> {
    const form = await readForm(request)
    if (!form) return oauthError(400, 'invalid_request', 'The body must be application/x-www-form-urlencoded')
    const jkt = await dpopProof(request, 'token', '/oauth/token')
    if (jkt instanceof Response) return jkt
    const clientProblem = await authenticateClient(request, form)
    if (clientProblem) return oauthError(401, 'invalid_client', clientProblem)
    const grantType = form.get('grant_type')
    const grant: TokenGrant | undefined =
      grantType === TOKEN_VAULT_GRANT
        ? 'token-vault'
        : grantType === 'authorization_code' || grantType === 'refresh_token' || grantType === 'client_credentials'
          ? grantType
          : undefined
    if (!grant) return oauthError(400, 'unsupported_grant_type', `Unsupported grant_type: ${grantType ?? '(missing)'}`)
    const refused = failures.take('token', isOAuthErrorFor(grant))
    if (refused)
      return oauthError(refused.status ?? 400, refused.oauthError, refused.errorDescription ?? 'Failure injected by the Auth0 emulator')
    if (grant === 'authorization_code') return exchangeCode(form, jkt)
    if (grant === 'refresh_token') return refresh(form, jkt)
    if (grant === 'token-vault') return tokenVault(form)
    return managementToken(form.get('audience'))
  }

  async function authenticateClient(request: Request, form: URLSearchParams): Promise<string | undefined> {
    const header = request.headers.get('authorization')
    const [id, secret] = header ? (decodeBasicCredentials(header) ?? []) : [form.get('client_id'), form.get('client_secret')]
    if (!header && form.get('client_assertion_type') === JWT_BEARER) return verifyClientAssertion(form)
    if (id !== clientId || secret !== clientSecret) return 'Unknown client or wrong client secret'
    return undefined
  }

  /** RFC 7523 §3, as Auth0 checks `private_key_jwt`. */
  async function verifyClientAssertion(form: URLSearchParams): Promise<string | undefined> {
    if (!clientAssertionKey) return 'private_key_jwt is not set up for this client (clientAssertionKey)'
    const formClientId = form.get('client_id')
    if (formClientId !== null && formClientId !== clientId) return 'Unknown client'
    let payload: JWTPayload
    try {
      ;({ payload } = await jwtVerify(form.get('client_assertion') ?? '', clientAssertionKey, {
        issuer: clientId,
        subject: clientId,
        audience: [issuer, `${origin}/oauth/token`],
        requiredClaims: ['exp', 'jti'],
      }))
    } catch (error) {
      return `Invalid client_assertion: ${error instanceof Error ? error.message : String(error)}`
    }
    if (!payload.jti || usedAssertionIds.has(payload.jti)) return 'client_assertion jti was already used'
    usedAssertionIds.add(payload.jti)
    return undefined
  }

  async function exchangeCode(form: URLSearchParams, jkt: string | undefined): Promise<Response> {
    const code = form.get('code') ?? ''
    const issued = codes.get(code)
    // Burnt by any attempt, so a leaked code can't be retried with guessed verifiers.
    codes.delete(code)
    if (!issued || issued.expiresAt < now()) return oauthError(400, 'invalid_grant', 'Invalid authorization code')
    if (form.get('redirect_uri') !== issued.redirectUri) {
      return oauthError(400, 'invalid_grant', 'redirect_uri does not match the one sent to /authorize')
    }
    const verifier = form.get('code_verifier')
    if (!verifier || (await s256(verifier)) !== issued.codeChallenge) {
      return oauthError(400, 'invalid_grant', 'Failed to verify code_verifier')
    }
    // RFC 9449 §10: a code bound to a DPoP key is redeemed with a proof of that key only.
    if (issued.dpopJkt !== undefined && issued.dpopJkt !== jkt) {
      return oauthError(400, 'invalid_grant', 'The authorization code is bound to another DPoP key')
    }
    return issueTokens({ ...issued.grant, jkt }, issued.nonce, true)
  }

  /** The grant behind a refresh token in use; a rotated-out one is reuse, which revokes its whole family. */
  function liveRefreshGrant(refreshToken: string): RefreshGrant | undefined {
    const reusedFamily = retiredRefreshTokens.get(refreshToken)
    if (reusedFamily !== undefined) {
      // Reuse of a rotated-out token: Auth0 treats it as theft and revokes the whole family.
      for (const [token, grant] of refreshTokens) if (grant.family === reusedFamily) refreshTokens.delete(token)
      return undefined
    }
    return refreshTokens.get(refreshToken)
  }

  /**
   * What one refresh issues its access (and ID) token for (Multi-Resource Refresh Token):
   * - without `audience`, or with the grant's own: the grant, or with `scope` a subset of it; a
   *   scope the grant does not hold is refused (`invalid_scope`);
   * - the My Account API: the requested scopes its policy allows (`myAccountScopes`), and, as
   *   Auth0 does for an audience outside the application's policy, silently the login's grant
   *   when the policy is empty;
   * - any other audience: allowed with the requested scope, as with a policy that lists it.
   */
  function refreshedAccess(grant: RefreshGrant, audience: string | null, scope: string | null): Grant | Response {
    const requested = scope === null ? undefined : [...new Set(scope.split(' ').filter(Boolean))]
    if (audience === null || audience === (grant.audience ?? null)) {
      if (!requested || requested.length === 0) return grant
      const granted = grant.scope.split(' ')
      const missing = requested.filter((item) => !granted.includes(item))
      if (missing.length > 0) return oauthError(400, 'invalid_scope', `The refresh token was not granted: ${missing.join(' ')}`)
      return { ...grant, scope: requested.join(' ') }
    }
    if (audience === myAccountAudience) {
      if (myAccountPolicy.length === 0) return grant
      const allowed = requested ? requested.filter((item) => myAccountPolicy.includes(item) || item === 'openid') : myAccountPolicy
      return { ...grant, audience, scope: allowed.join(' ') }
    }
    return { ...grant, audience, scope: requested && requested.length > 0 ? requested.join(' ') : grant.scope }
  }

  async function refresh(form: URLSearchParams, jkt: string | undefined): Promise<Response> {
    const refreshToken = form.get('refresh_token') ?? ''
    const grant = liveRefreshGrant(refreshToken)
    if (!grant) return oauthError(403, 'invalid_grant', 'Unknown or invalid refresh token.')
    if (grant.jkt !== undefined && grant.jkt !== jkt) {
      return oauthError(400, 'invalid_dpop_proof', 'The refresh token is bound to another DPoP key')
    }
    const access = refreshedAccess(grant, form.get('audience'), form.get('scope'))
    if (access instanceof Response) return access
    const issued = { ...access, jkt }
    if (!rotation) return issueTokens(grant, undefined, false, undefined, issued)
    refreshTokens.delete(refreshToken)
    retiredRefreshTokens.set(refreshToken, grant.family)
    return issueTokens(grant, undefined, true, grant.family, issued)
  }

  /** The Token Vault grant: the provider's access token of the user's connected account. */
  async function tokenVault(form: URLSearchParams): Promise<Response> {
    if (form.get('subject_token_type') !== REFRESH_TOKEN_TYPE) {
      return oauthError(400, 'invalid_request', `subject_token_type must be ${REFRESH_TOKEN_TYPE}`)
    }
    if (form.get('requested_token_type') !== FEDERATED_TOKEN_TYPE) {
      return oauthError(400, 'invalid_request', `requested_token_type must be ${FEDERATED_TOKEN_TYPE}`)
    }
    const connection = form.get('connection')
    if (!connection) return oauthError(400, 'invalid_request', 'connection is required')
    const grant = liveRefreshGrant(form.get('subject_token') ?? '')
    if (!grant) return oauthError(403, 'invalid_grant', 'Unknown or invalid refresh token.')
    const account = myAccount.accountFor(grant.userId, connection)
    // Auth0 answers 401 when no identity of the user matches the connection (and login_hint).
    if (!account) return oauthError(401, 'federated_connection_refresh_token_not_found', 'Federated connection Refresh Token not found.')
    const accessToken = `emu-${connection}-${randomId(24)}`
    const expiresAt = now() + providerTokenTtl
    providerTokens.set(accessToken, { userId: grant.userId, connection, accountId: account.id, scopes: [...account.scopes], expiresAt })
    return json({
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: providerTokenTtl,
      scope: account.scopes.join(' '),
      issued_token_type: FEDERATED_TOKEN_TYPE,
    })
  }

  /**
   * The token response: access and ID tokens for `tokenGrant` (default `refreshGrant`), and a new
   * refresh token, when asked for, carrying the whole `refreshGrant`.
   */
  async function issueTokens(
    refreshGrant: Grant,
    nonce: string | undefined,
    withRefreshToken: boolean,
    family = randomId(8),
    tokenGrant: Grant = refreshGrant,
  ): Promise<Response> {
    const grant = tokenGrant
    const user = users.get(grant.userId)
    if (!user) return oauthError(400, 'invalid_grant', 'The user no longer exists')
    const scopes = grant.scope.split(' ')
    const iat = now()
    const body: Claims = {
      access_token: await signer.sign({
        iss: issuer,
        sub: user.user_id,
        aud: grant.audience ? [grant.audience, userinfoAudience] : [userinfoAudience],
        azp: clientId,
        scope: grant.scope,
        iat,
        exp: iat + accessTokenTtl,
        jti: randomId(12),
        ...organizationClaims(grant),
        ...(grant.jkt !== undefined ? { cnf: { jkt: grant.jkt } } : {}),
      }),
      token_type: grant.jkt !== undefined ? 'DPoP' : 'Bearer',
      expires_in: accessTokenTtl,
      scope: grant.scope,
    }
    if (scopes.includes('openid')) body.id_token = await idToken(user, grant, nonce, iat)
    if (withRefreshToken && refreshGrant.scope.split(' ').includes('offline_access')) {
      const refreshToken = randomId(32)
      refreshTokens.set(refreshToken, { ...refreshGrant, family })
      body.refresh_token = refreshToken
    }
    return json(body)
  }

  async function idToken(user: EmulatedUser, grant: Grant, nonce: string | undefined, iat: number): Promise<string> {
    const claims: Claims = {
      ...profile(user),
      iss: issuer,
      aud: clientId,
      iat,
      exp: iat + idTokenTtl,
      ...(nonce === undefined ? {} : { nonce }),
      sid: grant.sid,
      auth_time: grant.authTime,
      ...organizationClaims(grant),
    }
    const tamper = failures.take('token', isIdTokenFailure)
    return tamper ? signer.signTampered(claims, tamper.idToken, clientSecret) : signer.sign(claims)
  }

  function organizationClaims(grant: Grant): Claims {
    return grant.organization ? { org_id: grant.organization.id, org_name: grant.organization.name } : {}
  }

  async function managementToken(audience: string | null): Promise<Response> {
    // Auth0's answer for an API the client has no grant for.
    if (audience !== managementAudience) return oauthError(403, 'access_denied', `Service not enabled within domain: ${audience}`)
    const iat = now()
    const scope = 'read:users update:users'
    const accessToken = await signer.sign({
      iss: issuer,
      sub: `${clientId}@clients`,
      aud: managementAudience,
      azp: clientId,
      scope,
      gty: 'client-credentials',
      iat,
      exp: iat + accessTokenTtl,
    })
    return json({ access_token: accessToken, token_type: 'Bearer', expires_in: accessTokenTtl, scope })
  }

  // ---- resource endpoints and logout -----------------------------------------------------

  function profile(user: EmulatedUser): Claims {
    const { user_id: sub, name, email, picture } = user
    return { sub, name, email, email_verified: true, ...(picture ? { picture } : {}), updated_at: users.updatedAt(sub) }
  }

  async function bearer(request: Request, audience: string): Promise<JWTPayload | undefined> {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')
    return match?.[1] ? signer.verify(match[1], issuer, audience) : undefined
  }

  async function userinfo(request: Request): Promise<Response> {
    const claims = await bearer(request, userinfoAudience)
    const user = claims?.sub ? users.get(claims.sub) : undefined
    if (!user) {
      return json({ error: 'invalid_token', error_description: 'Missing or invalid access token' }, 401, {
        'www-authenticate': 'Bearer error="invalid_token"',
      })
    }
    return json(profile(user))
  }

  async function management(request: Request, url: URL): Promise<Response> {
    const claims = await bearer(request, managementAudience)
    if (!claims) return json({ statusCode: 401, error: 'Unauthorized', message: 'Missing or invalid token' }, 401)
    const match = /^\/api\/v2\/users\/([^/]+)$/.exec(url.pathname)
    const userId = match?.[1] ? safeDecode(match[1]) : undefined
    if (!userId) return json({ statusCode: 404, error: 'Not Found', message: 'Not Found' }, 404)
    if (typeof claims.scope !== 'string' || !claims.scope.split(' ').includes('read:users')) {
      return json({ statusCode: 403, error: 'Forbidden', message: 'Insufficient scope, expected: read:users' }, 403)
    }
    const user = users.get(userId)
    if (!user) return json({ statusCode: 404, error: 'Not Found', message: 'The user does not exist.', errorCode: 'inexistent_user' }, 404)
    return json({ ...structuredClone(user), email_verified: true, updated_at: users.updatedAt(userId) })
  }

  function logout(params: URLSearchParams, returnParameter: 'post_logout_redirect_uri' | 'returnTo'): Response {
    const requestedClient = params.get('client_id')
    if (requestedClient !== null && requestedClient !== clientId) {
      return html(messagePage(domain, 'Unknown client', 'client_id is not a client of this tenant.'), 400)
    }
    const target = httpUrl(params.get(returnParameter))
    if (!target) return html(messagePage(domain, 'Signed out', 'You are signed out of the Auth0 emulator.'))
    return redirect(target, returnParameter === 'returnTo' ? {} : { state: params.get('state') ?? undefined })
  }

  // ---- routing ---------------------------------------------------------------------------

  interface Route {
    endpoint?: EmulatorEndpoint
    methods: string[]
    run(request: Request, url: URL): Promise<Response> | Response
  }
  const routes: Record<string, Route> = {
    '/.well-known/openid-configuration': { endpoint: 'discovery', methods: ['GET'], run: () => json(discovery) },
    '/.well-known/jwks.json': { endpoint: 'jwks', methods: ['GET'], run: () => json(signer.jwks) },
    '/authorize': { endpoint: 'authorize', methods: ['GET'], run: (_, url) => authorizeRequest(url.searchParams) },
    '/authorize/decision': { methods: ['POST'], run: decide },
    '/oauth/token': { endpoint: 'token', methods: ['POST'], run: token },
    '/oauth/par': { endpoint: 'par', methods: ['POST'], run: pushAuthorization },
    '/userinfo': { endpoint: 'userinfo', methods: ['GET', 'POST'], run: userinfo },
    '/oidc/logout': { endpoint: 'logout', methods: ['GET'], run: (_, url) => logout(url.searchParams, 'post_logout_redirect_uri') },
    '/v2/logout': { endpoint: 'logout', methods: ['GET'], run: (_, url) => logout(url.searchParams, 'returnTo') },
    '/connect': { endpoint: 'connect', methods: ['GET'], run: (_, url) => myAccount.connectPage(url) },
    '/connect/decision': { methods: ['POST'], run: (request) => myAccount.decide(request) },
  }
  const managementRoute: Route = { endpoint: 'management', methods: ['GET'], run: management }
  const myAccountRoute: Route = {
    endpoint: 'my-account',
    methods: ['GET', 'POST', 'DELETE'],
    run: (request, url) => myAccount.handle(request, url),
  }

  async function dispatch(request: Request, signal: AbortSignal | null | undefined): Promise<Response> {
    const url = new URL(request.url)
    const path = url.pathname
    // By path alone: a server in front (the demo's) may see the tenant under another host name.
    const route = Object.hasOwn(routes, path)
      ? routes[path]
      : path.startsWith('/api/v2/')
        ? managementRoute
        : path.startsWith('/me/v1/connected-accounts/')
          ? myAccountRoute
          : undefined
    if (!route) return json({ error: 'not_found', error_description: `No route for ${request.method} ${path}` }, 404)
    if (route.endpoint) {
      hits[route.endpoint]++
      const failure = failures.take(route.endpoint, isTransportFailure)
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

  const emulatorFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init)
    if (new URL(request.url).origin !== origin) {
      throw new TypeError(`fetch failed: ${request.url} is not served by the Auth0 emulator at ${origin}`)
    }
    const signal = init?.signal ?? request.signal
    if (signal?.aborted) throw signal.reason
    const response = await dispatch(request, signal)
    if (response.type === 'error') throw new TypeError('fetch failed')
    return response
  }

  return {
    origin,
    issuer,
    domain,
    clientId,
    clientSecret,
    hits,
    authorizeRequests,
    pushedAuthorizationRequests: pushedLog,
    handle: (request) => dispatch(request, request.signal),
    fetch: emulatorFetch,
    getUser: (userId) => {
      const user = users.get(userId)
      return user && structuredClone(user)
    },
    signInAs: (userId) => {
      if (!users.get(userId)) throw new TypeError(`signInAs: ${userId} is not one of the emulated users`)
      signedInUser = userId
    },
    fail: (failure) => failures.add(failure),
    clearFailures: () => failures.clear(),
    lastSid: (userId) => sessions.get(userId),
    myAccountAudience,
    connectedAccounts: (userId) => myAccount.accounts(userId),
    providerToken: (token) => {
      const info = providerTokens.get(token)
      return info && structuredClone(info)
    },
    inviteToOrganization: (organization, userId) => {
      if (!users.get(userId)) throw new TypeError(`inviteToOrganization: ${userId} is not one of the emulated users`)
      return organizations.invite(organization, userId)
    },
    getOrganization: (id) => organizations.get(id),
    async createLogoutToken(claims, overrides, options = {}) {
      const iat = now()
      const logoutClaims = withOverrides(
        { iss: issuer, aud: clientId, iat, exp: iat + 120, jti: randomId(16), events: { [BACKCHANNEL_LOGOUT_EVENT]: {} }, ...claims },
        overrides,
      )
      // OIDC Back-Channel Logout §2.4 recommends explicit typing so a logout token can't pass as an ID token.
      if (options.alg === 'none') return signer.unsigned(logoutClaims, 'logout+jwt')
      return signer.sign(logoutClaims, { typ: 'logout+jwt', ...(options.key ? { key: options.key } : {}) })
    },
  }
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value)
  } catch {
    return undefined
  }
}
