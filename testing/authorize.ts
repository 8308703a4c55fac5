/** @module The emulated `/authorize` (with `connection=`), its sign-in pages' decisions, and `/oauth/par` (RFC 9126). */

import type { ClientAuthenticator, DpopGate } from './client-auth.js'
import type { ClientRegistry } from './clients.js'
import type { TenantContext } from './context.js'
import { now, randomId } from './context.js'
import { isAuthorizeFailure } from './failures.js'
import type { GrantStore, PendingAuthorization } from './grants.js'
import { html, httpUrl, json, oauthError, readForm, redirect } from './http.js'
import { connectionSignInPage, messagePage, signInPage } from './pages.js'
import type { Claims } from './tokens.js'
import type { ConnectionAccount, EmulatedUser } from './users.js'

/** Auth0's `request_uri` lifetime: a static 30 seconds. */
const REQUEST_URI_TTL_SECONDS = 30
const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:'
/** Form fields of client authentication, which are not authorization parameters. */
const CLIENT_AUTH_FIELDS = ['client_secret', 'client_assertion', 'client_assertion_type']

export type ParMode = boolean | 'required'

/** `/authorize` (auto or page interaction), `/authorize/decision` and `/oauth/par`. */
export class AuthorizationEndpoint {
  /** The query of every `/authorize` request, oldest first. */
  readonly requests: URLSearchParams[] = []
  /** The body of every accepted `POST /oauth/par`, client credentials removed, oldest first. */
  readonly pushedLog: URLSearchParams[] = []
  readonly #pending = new Map<string, PendingAuthorization>()
  readonly #pushed = new Map<string, { params: URLSearchParams; expiresAt: number }>()

  /** Set once by the Actions runtime when the tenant runs post-login Actions. */
  postLogin: PostLoginHook | undefined

  constructor(
    private readonly tenant: TenantContext,
    private readonly grants: GrantStore,
    private readonly clientAuth: ClientAuthenticator,
    private readonly dpop: DpopGate,
    private readonly clients: ClientRegistry,
    private readonly parMode: ParMode,
    /** Connection → provider user id that `'auto'` interaction signs in by default. */
    private readonly connectionDefaults: Record<string, string>,
  ) {}

  /** `/authorize` as the browser calls it: with its parameters, or with a pushed request's `request_uri`. */
  async authorizeRequest(query: URLSearchParams): Promise<Response> {
    const { domain } = this.tenant
    this.requests.push(new URLSearchParams(query))
    const requestUri = query.get('request_uri')
    if (requestUri === null) {
      if (this.parMode === 'required') {
        return html(messagePage(domain, 'Pushed authorization required', 'This client must push its authorization requests (PAR).'), 400)
      }
      return this.#authorize(query)
    }
    const pushed = this.#pushed.get(requestUri)
    // RFC 9126 §4: only the pushed parameters count; the query may add nothing but client_id.
    if (!pushed || query.get('client_id') !== pushed.params.get('client_id')) {
      return html(messagePage(domain, 'Invalid request_uri', 'The request_uri is unknown, already used, or not this client’s.'), 400)
    }
    this.#pushed.delete(requestUri)
    if (pushed.expiresAt < now()) {
      return redirect(pushed.params.get('redirect_uri') ?? '', {
        error: 'invalid_request_uri',
        error_description: 'The request_uri has expired',
        state: pushed.params.get('state') ?? undefined,
      })
    }
    return this.#authorize(pushed.params)
  }

  /** RFC 9126 §2: the client authenticates, and the request is checked as `/authorize` would check it. */
  async pushAuthorization(request: Request): Promise<Response> {
    const { clientId, clientSecret } = this.tenant
    if (!this.parMode) return json({ error: 'not_found', error_description: 'Pushed authorization requests are not enabled' }, 404)
    const form = await readForm(request)
    if (!form) return oauthError(400, 'invalid_request', 'The body must be application/x-www-form-urlencoded')
    const jkt = await this.dpop.check(request, 'par', '/oauth/par')
    if (jkt instanceof Response) return jkt
    const client = await this.clientAuth.authenticate(request, form, (id) => (id === clientId ? clientSecret : undefined))
    if ('problem' in client) return oauthError(401, 'invalid_client', client.problem)
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
    for (const [uri, entry] of this.#pushed) if (entry.expiresAt < now()) this.#pushed.delete(uri)
    const requestUri = `${REQUEST_URI_PREFIX}${randomId()}`
    this.#pushed.set(requestUri, { params, expiresAt: now() + REQUEST_URI_TTL_SECONDS })
    this.pushedLog.push(new URLSearchParams(params))
    return json({ request_uri: requestUri, expires_in: REQUEST_URI_TTL_SECONDS }, 201)
  }

  async #authorize(params: URLSearchParams): Promise<Response> {
    const { tenant } = this
    const { domain, users, organizations, failures } = tenant
    // Never redirect to a URI that failed validation; like Auth0, show an error page instead.
    const clientId = params.get('client_id') ?? ''
    if (!this.clients.get(clientId)) {
      return html(messagePage(domain, 'Unknown client', 'client_id is missing or is not a client of this tenant.'), 400)
    }
    const redirectUri = params.get('redirect_uri') ?? ''
    if (!httpUrl(redirectUri)) {
      return html(messagePage(domain, 'Invalid redirect_uri', 'redirect_uri must be an absolute http(s) URL.'), 400)
    }
    if (!this.clients.allowsCallback(clientId, redirectUri)) {
      return html(
        messagePage(domain, 'Callback URL mismatch', 'The provided redirect_uri is not in the list of allowed callback URLs.'),
        400,
      )
    }
    const state = params.get('state') ?? undefined
    const refuse = (error: string, description: string) => redirect(redirectUri, { error, error_description: description, state })
    const injected = failures.take('authorize', isAuthorizeFailure)
    if (injected) return refuse(injected.error, injected.errorDescription ?? 'Failure injected by the Auth0 emulator')
    if (params.get('response_type') !== 'code') return refuse('unsupported_response_type', 'Only response_type=code is supported')
    const codeChallenge = params.get('code_challenge')
    // Stricter than Auth0, which requires PKCE of public clients only: the kit always sends it.
    if (clientId === tenant.clientId && (!codeChallenge || params.get('code_challenge_method') !== 'S256')) {
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
    const connection = params.get('connection') ?? undefined
    const loginHint = params.get('login_hint')
    // `link_account` / `unlink_account` are no Auth0 scopes: without an Action they are an ordinary login.
    const authorization: PendingAuthorization = {
      clientId,
      organization,
      invitation,
      dpopJkt: params.get('dpop_jkt') ?? undefined,
      redirectUri,
      state,
      codeChallenge: codeChallenge ?? undefined,
      scope: scopes.join(' '),
      nonce: params.get('nonce') ?? undefined,
      audience: params.get('audience') ?? undefined,
      query: new URLSearchParams(params),
      connection,
      userId: '',
    }
    if (tenant.interaction === 'page') return this.#page(authorization)
    if (connection !== undefined) {
      const user = await this.#connectionUser(connection, loginHint)
      if (!user) return refuse('access_denied', `No ${connection} account matches login_hint`)
      return this.#approve({ ...authorization, userId: user.user_id })
    }
    const invitee = organization && invitation !== undefined ? organizations.invitee(invitation, organization) : undefined
    const userId = users.find(loginHint)?.user_id ?? invitee ?? tenant.signedInUser
    return this.#approve({ ...authorization, userId })
  }

  /**
   * The user an `'auto'` sign-in through `connection` yields: the account `login_hint` names
   * (email or provider user id), else the connection's default account, else the account of the
   * signed-in user, else a fresh account of that provider.
   */
  async #connectionUser(connection: string, loginHint: string | null): Promise<EmulatedUser | undefined> {
    const { users } = this.tenant
    const accounts = users.accountsOf(connection)
    const pick = (account: ConnectionAccount | undefined) => account && users.signInWith(connection, account.identity.user_id)
    if (loginHint) {
      const hint = loginHint.toLowerCase()
      const named = accounts.find(
        (account) =>
          account.email.toLowerCase() === hint ||
          account.identity.user_id === loginHint ||
          `${account.identity.provider}|${account.identity.user_id}` === loginHint,
      )
      return pick(named)
    }
    const preferred = this.connectionDefaults[connection]
    if (preferred !== undefined) {
      const account = accounts.find((candidate) => candidate.identity.user_id === preferred)
      if (account) return pick(account)
    }
    const signedIn = users.get(this.tenant.signedInUser)
    const own = accounts.find((account) => account.owner === signedIn)
    if (own) return pick(own)
    const unowned = accounts.find((account) => account.owner === undefined)
    if (unowned) return pick(unowned)
    const fresh = await users.freshAccount(
      connection,
      this.tenant.signedInUser,
      signedIn?.email ?? 'user@example.com',
      `${connection} user`,
    )
    return users.signInWith(connection, fresh.user_id)
  }

  #page(authorization: PendingAuthorization): Response {
    const { tenant } = this
    const pendingId = randomId()
    this.#pending.set(pendingId, authorization)
    if (authorization.connection === undefined) return html(signInPage(tenant.domain, pendingId, tenant.users.all))
    const accounts = tenant.users.accountsOf(authorization.connection)
    return html(connectionSignInPage(tenant.domain, pendingId, authorization.connection, accounts))
  }

  /** `POST /authorize/decision`: the form of a sign-in page. */
  async decide(request: Request): Promise<Response> {
    const { tenant } = this
    const form = await readForm(request)
    const pendingId = form?.get('pending') ?? ''
    const authorization = this.#pending.get(pendingId)
    if (!form || !authorization) {
      return html(
        messagePage(tenant.domain, 'Request expired', 'This request is unknown or was already answered. Start again from the application.'),
        400,
      )
    }
    this.#pending.delete(pendingId)
    const { redirectUri, state } = authorization
    if (form.get('decision') !== 'approve') {
      return redirect(redirectUri, { error: 'access_denied', error_description: 'The user cancelled', state })
    }
    const user =
      authorization.connection === undefined
        ? tenant.users.get(form.get('user_id') ?? '')
        : tenant.users.signInWith(authorization.connection, form.get('account') ?? '')
    if (!user) return redirect(redirectUri, { error: 'access_denied', error_description: 'Unknown user', state })
    return this.#approve({ ...authorization, userId: user.user_id })
  }

  async #approve(authorization: PendingAuthorization): Promise<Response> {
    const { tenant } = this
    const { organization, invitation } = authorization
    if (organization) {
      if (invitation !== undefined && tenant.organizations.invitee(invitation, organization) === authorization.userId) {
        tenant.organizations.accept(invitation, organization)
      }
      if (!tenant.organizations.isMember(organization, authorization.userId)) {
        return redirect(authorization.redirectUri, {
          error: 'access_denied',
          error_description: `user ${authorization.userId} is not part of the ${organization.id} organization`,
          state: authorization.state,
        })
      }
    }
    tenant.users.recordLogin(authorization.userId)
    // No single sign-on cookie here: every sign-in authenticates afresh, so auth_time is now.
    const authTime = now()
    if (this.postLogin) {
      const outcome = await this.postLogin.run(authorization, authTime)
      if (outcome.kind !== 'continue') return outcome.response
      return this.issue({ ...authorization, userId: outcome.userId, idTokenClaims: outcome.idTokenClaims }, authTime)
    }
    return this.issue(authorization, authTime)
  }

  /** The code for a finished sign-in, redirected to the client. */
  issue(authorization: PendingAuthorization, authTime: number): Response {
    const { tenant } = this
    const { organization } = authorization
    const sid = randomId(16)
    tenant.sessions.set(authorization.userId, sid)
    const { userId, scope, audience, clientId } = authorization
    const code = this.grants.issueCode(authorization, {
      clientId,
      userId,
      scope,
      audience,
      sid,
      authTime,
      ...(organization ? { organization: { id: organization.id, name: organization.name } } : {}),
    })
    return redirect(authorization.redirectUri, { code, state: authorization.state })
  }
}

/** What a post-login Action decided for a sign-in. */
export type PostLoginOutcome =
  | { kind: 'continue'; userId: string; idTokenClaims: Claims }
  /** A denial (redirect with `access_denied`) or a redirect away (`api.redirect.sendUserTo`). */
  | { kind: 'respond'; response: Response }

/** Runs the tenant's post-login Actions for a finished sign-in. */
export interface PostLoginHook {
  run(authorization: PendingAuthorization, authTime: number): Promise<PostLoginOutcome>
}
