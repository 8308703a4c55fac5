/** @module The emulated `/oauth/token`: code exchange, refresh (MRRT, rotation), client credentials and the Token Vault grant. */

import type { ClientAuthenticator, DpopGate } from './client-auth.js'
import type { TenantContext } from './context.js'
import { now, randomId } from './context.js'
import type { TokenGrant } from './failures.js'
import { isIdTokenFailure, isOAuthErrorFor } from './failures.js'
import type { Grant, GrantStore, RefreshGrant } from './grants.js'
import { json, oauthError, readForm, s256 } from './http.js'
import type { MyAccountApi } from './my-account.js'
import type { Claims } from './tokens.js'
import type { EmulatedUser } from './users.js'

export const TOKEN_VAULT_GRANT = 'urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token'
const REFRESH_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:refresh_token'
const FEDERATED_TOKEN_TYPE = 'http://auth0.com/oauth/token-type/federated-connection-access-token'

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

/** Who may get a Management API token by client credentials, and with which scopes. */
export interface ClientCredentialsPolicy {
  /** The client's secret, or `undefined` for a client the tenant does not know. */
  secretOf(clientId: string): string | undefined
  /** Whether `audience` is an API of the tenant. */
  knowsApi(audience: string): boolean
  /** The scopes the client's grant for `audience` holds, or `undefined` when it has no grant. */
  grantedScopes(clientId: string, audience: string): string[] | undefined
}

export interface TokenEndpointSettings {
  myAccountPolicy: string[]
  providerTokenTtl: number
}

/** `/oauth/token`, over the tenant's grant store. */
export class TokenEndpoint {
  readonly #providerTokens = new Map<string, ProviderTokenInfo>()

  constructor(
    private readonly tenant: TenantContext,
    private readonly grants: GrantStore,
    private readonly clientAuth: ClientAuthenticator,
    private readonly dpop: DpopGate,
    private readonly myAccount: MyAccountApi,
    private readonly clients: ClientCredentialsPolicy,
    private readonly settings: TokenEndpointSettings,
  ) {}

  providerToken(token: string): ProviderTokenInfo | undefined {
    const info = this.#providerTokens.get(token)
    return info && structuredClone(info)
  }

  async handle(request: Request): Promise<Response> {
    const form = await readForm(request)
    if (!form) return oauthError(400, 'invalid_request', 'The body must be application/x-www-form-urlencoded')
    const jkt = await this.dpop.check(request, 'token', '/oauth/token')
    if (jkt instanceof Response) return jkt
    const client = await this.clientAuth.authenticate(request, form, (id) => this.clients.secretOf(id))
    if ('problem' in client) return oauthError(401, 'invalid_client', client.problem)
    const grantType = form.get('grant_type')
    const grant: TokenGrant | undefined =
      grantType === TOKEN_VAULT_GRANT
        ? 'token-vault'
        : grantType === 'authorization_code' || grantType === 'refresh_token' || grantType === 'client_credentials'
          ? grantType
          : undefined
    if (!grant) return oauthError(400, 'unsupported_grant_type', `Unsupported grant_type: ${grantType ?? '(missing)'}`)
    const refused = this.tenant.failures.take('token', isOAuthErrorFor(grant))
    if (refused)
      return oauthError(refused.status ?? 400, refused.oauthError, refused.errorDescription ?? 'Failure injected by the Auth0 emulator')
    if (grant === 'client_credentials') return this.#clientCredentials(client.clientId, form.get('audience'))
    if (grant === 'authorization_code') return this.#exchangeCode(form, jkt, client.clientId)
    // Refresh and Token Vault belong to the application's sign-ins.
    if (client.clientId !== this.tenant.clientId)
      return oauthError(403, 'unauthorized_client', `Grant type '${grantType}' not allowed for the client.`)
    if (grant === 'refresh_token') return this.#refresh(form, jkt)
    return this.#tokenVault(form)
  }

  async #exchangeCode(form: URLSearchParams, jkt: string | undefined, clientId: string): Promise<Response> {
    const issued = this.grants.redeemCode(form.get('code') ?? '')
    if (!issued || issued.clientId !== clientId) return oauthError(400, 'invalid_grant', 'Invalid authorization code')
    if (form.get('redirect_uri') !== issued.redirectUri) {
      return oauthError(400, 'invalid_grant', 'redirect_uri does not match the one sent to /authorize')
    }
    const verifier = form.get('code_verifier')
    if (issued.codeChallenge !== undefined && (!verifier || (await s256(verifier)) !== issued.codeChallenge)) {
      return oauthError(400, 'invalid_grant', 'Failed to verify code_verifier')
    }
    // RFC 9449 §10: a code bound to a DPoP key is redeemed with a proof of that key only.
    if (issued.dpopJkt !== undefined && issued.dpopJkt !== jkt) {
      return oauthError(400, 'invalid_grant', 'The authorization code is bound to another DPoP key')
    }
    return this.#issueTokens({ ...issued.grant, jkt }, issued.nonce, true, randomId(8), undefined, issued.idTokenClaims)
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
  #refreshedAccess(grant: RefreshGrant, audience: string | null, scope: string | null): Grant | Response {
    const requested = scope === null ? undefined : [...new Set(scope.split(' ').filter(Boolean))]
    if (audience === null || audience === (grant.audience ?? null)) {
      if (!requested || requested.length === 0) return grant
      const granted = grant.scope.split(' ')
      const missing = requested.filter((item) => !granted.includes(item))
      if (missing.length > 0) return oauthError(400, 'invalid_scope', `The refresh token was not granted: ${missing.join(' ')}`)
      return { ...grant, scope: requested.join(' ') }
    }
    const policy = this.settings.myAccountPolicy
    if (audience === this.tenant.myAccountAudience) {
      if (policy.length === 0) return grant
      const allowed = requested ? requested.filter((item) => policy.includes(item) || item === 'openid') : policy
      return { ...grant, audience, scope: allowed.join(' ') }
    }
    return { ...grant, audience, scope: requested && requested.length > 0 ? requested.join(' ') : grant.scope }
  }

  async #refresh(form: URLSearchParams, jkt: string | undefined): Promise<Response> {
    const refreshToken = form.get('refresh_token') ?? ''
    const grant = this.grants.liveRefreshGrant(refreshToken)
    if (!grant) return oauthError(403, 'invalid_grant', 'Unknown or invalid refresh token.')
    if (grant.jkt !== undefined && grant.jkt !== jkt) {
      return oauthError(400, 'invalid_dpop_proof', 'The refresh token is bound to another DPoP key')
    }
    const access = this.#refreshedAccess(grant, form.get('audience'), form.get('scope'))
    if (access instanceof Response) return access
    const issued = { ...access, jkt }
    if (!this.grants.rotation) return this.#issueTokens(grant, undefined, false, undefined, issued)
    this.grants.retire(refreshToken, grant.family)
    return this.#issueTokens(grant, undefined, true, grant.family, issued)
  }

  /** The Token Vault grant: the provider's access token of the user's connected account. */
  async #tokenVault(form: URLSearchParams): Promise<Response> {
    if (form.get('subject_token_type') !== REFRESH_TOKEN_TYPE) {
      return oauthError(400, 'invalid_request', `subject_token_type must be ${REFRESH_TOKEN_TYPE}`)
    }
    if (form.get('requested_token_type') !== FEDERATED_TOKEN_TYPE) {
      return oauthError(400, 'invalid_request', `requested_token_type must be ${FEDERATED_TOKEN_TYPE}`)
    }
    const connection = form.get('connection')
    if (!connection) return oauthError(400, 'invalid_request', 'connection is required')
    const grant = this.grants.liveRefreshGrant(form.get('subject_token') ?? '')
    if (!grant) return oauthError(403, 'invalid_grant', 'Unknown or invalid refresh token.')
    const account = this.myAccount.accountFor(grant.userId, connection)
    // Auth0 answers 401 when no identity of the user matches the connection (and login_hint).
    if (!account) return oauthError(401, 'federated_connection_refresh_token_not_found', 'Federated connection Refresh Token not found.')
    const accessToken = `emu-${connection}-${randomId(24)}`
    const ttl = this.settings.providerTokenTtl
    this.#providerTokens.set(accessToken, {
      userId: grant.userId,
      connection,
      accountId: account.id,
      scopes: [...account.scopes],
      expiresAt: now() + ttl,
    })
    return json({
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: ttl,
      scope: account.scopes.join(' '),
      issued_token_type: FEDERATED_TOKEN_TYPE,
    })
  }

  /**
   * The token response: access and ID tokens for `tokenGrant` (default `refreshGrant`), and a new
   * refresh token, when asked for, carrying the whole `refreshGrant`.
   */
  async #issueTokens(
    refreshGrant: Grant,
    nonce: string | undefined,
    withRefreshToken: boolean,
    family = randomId(8),
    tokenGrant: Grant = refreshGrant,
    extraClaims: Claims = {},
  ): Promise<Response> {
    const { tenant } = this
    const grant = tokenGrant
    const user = tenant.users.get(grant.userId)
    if (!user) return oauthError(400, 'invalid_grant', 'The user no longer exists')
    const scopes = grant.scope.split(' ')
    const iat = now()
    const body: Claims = {
      access_token: await tenant.signer.sign({
        iss: tenant.issuer,
        sub: user.user_id,
        aud: grant.audience ? [grant.audience, tenant.userinfoAudience] : [tenant.userinfoAudience],
        azp: grant.clientId,
        scope: grant.scope,
        iat,
        exp: iat + tenant.accessTokenTtl,
        jti: randomId(12),
        ...organizationClaims(grant),
        ...(grant.jkt !== undefined ? { cnf: { jkt: grant.jkt } } : {}),
      }),
      token_type: grant.jkt !== undefined ? 'DPoP' : 'Bearer',
      expires_in: tenant.accessTokenTtl,
      scope: grant.scope,
    }
    if (scopes.includes('openid')) body.id_token = await this.#idToken(user, grant, nonce, iat, extraClaims)
    if (withRefreshToken && refreshGrant.scope.split(' ').includes('offline_access')) {
      body.refresh_token = this.grants.issueRefreshToken(refreshGrant, family)
    }
    return json(body)
  }

  async #idToken(user: EmulatedUser, grant: Grant, nonce: string | undefined, iat: number, extraClaims: Claims): Promise<string> {
    const { tenant } = this
    const claims: Claims = {
      ...tenant.profile(user),
      ...extraClaims,
      iss: tenant.issuer,
      aud: grant.clientId,
      iat,
      exp: iat + tenant.idTokenTtl,
      ...(nonce === undefined ? {} : { nonce }),
      sid: grant.sid,
      auth_time: grant.authTime,
      ...organizationClaims(grant),
    }
    const tamper = tenant.failures.take('token', isIdTokenFailure)
    const secret = this.clients.secretOf(grant.clientId) ?? tenant.clientSecret
    return tamper ? tenant.signer.signTampered(claims, tamper.idToken, secret) : tenant.signer.sign(claims)
  }

  async #clientCredentials(clientId: string, audience: string | null): Promise<Response> {
    const { tenant } = this
    // Auth0's answers for an API it does not know, and for one the client has no grant for.
    if (audience === null || !this.clients.knowsApi(audience)) {
      return oauthError(403, 'access_denied', `Service not enabled within domain: ${audience ?? ''}`)
    }
    const scopes = this.clients.grantedScopes(clientId, audience)
    if (!scopes) {
      return oauthError(
        403,
        'access_denied',
        `Client is not authorized to access "${audience}". You need to create a "client-grant" associated to this API.`,
      )
    }
    const iat = now()
    const scope = scopes.join(' ')
    const accessToken = await tenant.signer.sign({
      iss: tenant.issuer,
      sub: `${clientId}@clients`,
      aud: audience,
      azp: clientId,
      scope,
      gty: 'client-credentials',
      iat,
      exp: iat + tenant.accessTokenTtl,
    })
    return json({ access_token: accessToken, token_type: 'Bearer', expires_in: tenant.accessTokenTtl, scope })
  }
}

function organizationClaims(grant: Grant): Claims {
  return grant.organization ? { org_id: grant.organization.id, org_name: grant.organization.name } : {}
}
