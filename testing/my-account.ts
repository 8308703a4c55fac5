/**
 * @module The emulated My Account API (`/me/v1/connected-accounts/…`), its connect page and the accounts
 * it keeps: what Auth0's Connected Accounts for Token Vault does, minus the real provider.
 */

import type { JWTPayload } from 'jose'
import { base64url } from 'jose'
import type { FailureQueue } from './failures.js'
import { isAuthorizeFailure, isExpiredTicketFailure, isProblemFailure } from './failures.js'
import { html, httpUrl, json, readJson, redirect, s256 } from './http.js'
import { connectConsentPage, messagePage } from './pages.js'

/**
 * A connection that offers Connected Accounts for Token Vault, as
 * `GET /me/v1/connected-accounts/connections` lists it.
 *
 * @example
 * ```ts
 * const calendar: ConnectedAccountConnection = {
 *   name: 'google-oauth2',
 *   strategy: 'google-oauth2',
 *   scopes: ['openid', 'email', 'https://www.googleapis.com/auth/calendar.readonly'],
 * }
 * const emulator = await createAuth0Emulator({ connectedAccountConnections: [calendar] })
 * ```
 */
export interface ConnectedAccountConnection {
  name: string
  strategy: string
  /** Scopes the connection may be asked for; a connect request asking for others is refused. */
  scopes: string[]
}

/**
 * A connected account of a user, as the My Account API answers it (snake_case, as on the wire).
 *
 * @example
 * ```ts
 * const [account]: EmulatedConnectedAccount[] = emulator.connectedAccounts('auth0|alice')
 * expect(account?.connection).toBe('google-oauth2')
 * ```
 */
export interface EmulatedConnectedAccount {
  /** `cac_…`, the pattern Auth0 documents. */
  id: string
  connection: string
  access_type: 'offline'
  scopes: string[]
  created_at: string
}

export const DEFAULT_CONNECTED_ACCOUNT_CONNECTIONS: ConnectedAccountConnection[] = [
  {
    name: 'google-oauth2',
    strategy: 'google-oauth2',
    scopes: [
      'openid',
      'profile',
      'email',
      'offline_access',
      'https://www.googleapis.com/auth/calendar.readonly',
      'https://www.googleapis.com/auth/calendar.events',
    ],
  },
  { name: 'github', strategy: 'github', scopes: ['read:user', 'repo'] },
]

/** The scopes of the My Account API's connected-accounts endpoints. */
export const MY_ACCOUNT_SCOPES = ['create:me:connected_accounts', 'read:me:connected_accounts', 'delete:me:connected_accounts']

/** One connect request between `POST …/connect` and `POST …/complete`. */
interface ConnectRequest {
  userId: string
  connection: string
  redirectUri: string
  state: string | undefined
  codeChallenge: string | undefined
  scopes: string[]
  ticket: string
  ticketExpiresAt: number
  /** Set once the user approved at the connect page; used once. */
  connectCode?: { value: string; expiresAt: number }
}

export interface MyAccountSettings {
  origin: string
  /** `https://<domain>/me/`: the audience of the tokens the API accepts. */
  audience: string
  interaction: 'auto' | 'page'
  domain: string
  connections: ConnectedAccountConnection[]
  ticketTtl: number
  failures: FailureQueue
  /** The claims of a bearer token this tenant issued for `audience`, or `undefined`. */
  verify(token: string, audience: string): Promise<JWTPayload | undefined>
}

const CONNECT_CODE_TTL = 600
const ACCOUNT_ID = /^cac_[A-Za-z0-9]+$/

const now = (): number => Math.floor(Date.now() / 1000)
const randomId = (bytes = 24): string => base64url.encode(crypto.getRandomValues(new Uint8Array(bytes)))

/** Auth0's API errors are RFC 9457 problem documents. */
function problem(status: number, title: string, detail: string, headers: Record<string, string> = {}): Response {
  const response = json({ type: `https://auth0.com/api-errors/emulator/${status}`, status, title, detail }, status, headers)
  response.headers.set('content-type', 'application/problem+json')
  return response
}

const badRequest = (detail: string) => problem(400, 'Bad Request', detail)

function isStringIn(value: unknown, min: number, max: number): value is string {
  return typeof value === 'string' && value.length >= min && value.length <= max
}

function decodeCursor(cursor: string): number {
  try {
    return Number(new TextDecoder().decode(base64url.decode(cursor)))
  } catch {
    return Number.NaN
  }
}

/** A page of `items` from the opaque cursor `from` (an offset here), and the cursor of the next page. */
function page<T>(items: T[], url: URL): { items: T[]; next: string | undefined } | Response {
  const takeParameter = url.searchParams.get('take')
  const take = takeParameter === null ? 10 : Number(takeParameter)
  if (!Number.isInteger(take) || take < 1 || take > 20) return badRequest('take must be an integer from 1 to 20')
  const from = url.searchParams.get('from')
  const offset = from === null ? 0 : decodeCursor(from)
  if (!Number.isInteger(offset) || offset < 0) return badRequest('from is not a cursor this API issued')
  const end = offset + take
  return { items: items.slice(offset, end), next: end < items.length ? base64url.encode(String(end)) : undefined }
}

/**
 * The My Account API's connected-accounts endpoints and the connect page, over one in-memory
 * store of connect requests and accounts.
 */
export class MyAccountApi {
  readonly #settings: MyAccountSettings
  readonly #requests = new Map<string, ConnectRequest>()
  readonly #byTicket = new Map<string, string>()
  readonly #accounts = new Map<string, EmulatedConnectedAccount[]>()

  constructor(settings: MyAccountSettings) {
    this.#settings = settings
  }

  /** The user's connected accounts (copies). */
  accounts(userId: string): EmulatedConnectedAccount[] {
    return structuredClone(this.#accounts.get(userId) ?? [])
  }

  /** The user's account for `connection`, as the Token Vault grant looks it up. */
  accountFor(userId: string, connection: string): EmulatedConnectedAccount | undefined {
    return this.#accounts.get(userId)?.find((account) => account.connection === connection)
  }

  /** Answers one `/me/v1/connected-accounts/…` request (404 problem for a path it does not serve). */
  async handle(request: Request, url: URL): Promise<Response> {
    const injected = this.#settings.failures.take('my-account', isProblemFailure)
    if (injected?.problem === 'insufficient_scope') {
      return problem(403, 'Forbidden', 'Insufficient scope (failure injected by the Auth0 emulator)', {
        'www-authenticate': 'Bearer error="insufficient_scope"',
      })
    }
    if (injected?.problem === 'invalid_token') return this.#unauthorized('The access token was revoked (failure injected)')
    const path = url.pathname.replace(/^\/me\/v1\/connected-accounts/, '')
    const route = `${request.method} ${path.startsWith('/accounts/') ? '/accounts/{id}' : path}`
    switch (route) {
      case 'POST /connect':
        return this.#authorized(request, 'create:me:connected_accounts', (userId) => this.#connect(request, userId))
      case 'POST /complete':
        return this.#authorized(request, 'create:me:connected_accounts', (userId) => this.#complete(request, userId))
      case 'GET /accounts':
        return this.#authorized(request, 'read:me:connected_accounts', (userId) => this.#list(url, userId))
      case 'DELETE /accounts/{id}':
        return this.#authorized(request, 'delete:me:connected_accounts', (userId) => this.#delete(path.slice('/accounts/'.length), userId))
      case 'GET /connections':
        return this.#authorized(request, 'read:me:connected_accounts', () => this.#connections(url))
      default:
        return problem(404, 'Not Found', `No My Account API route for ${request.method} ${url.pathname}`)
    }
  }

  #unauthorized(detail: string): Response {
    return problem(401, 'Unauthorized', detail, { 'www-authenticate': 'Bearer error="invalid_token"' })
  }

  async #authorized(request: Request, scope: string, run: (userId: string) => Promise<Response> | Response): Promise<Response> {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')
    const claims = match?.[1] ? await this.#settings.verify(match[1], this.#settings.audience) : undefined
    if (!claims || typeof claims.sub !== 'string') return this.#unauthorized('Missing or invalid access token for the My Account API')
    const granted = typeof claims.scope === 'string' ? claims.scope.split(' ') : []
    if (!granted.includes(scope)) {
      return problem(403, 'Forbidden', `Insufficient scope, expected: ${scope}`, {
        'www-authenticate': `Bearer error="insufficient_scope", scope="${scope}"`,
      })
    }
    return run(claims.sub)
  }

  async #connect(request: Request, userId: string): Promise<Response> {
    const body = await readJson(request)
    if (!body) return badRequest('The body must be a JSON object')
    const { connection, redirect_uri, state, code_challenge, code_challenge_method, scopes, authorization_params } = body
    if (!isStringIn(connection, 1, 128)) return badRequest('connection must be a string of 1 to 128 characters')
    if (!isStringIn(redirect_uri, 1, 2048) || !httpUrl(redirect_uri)) return badRequest('redirect_uri must be an absolute http(s) URL')
    if (state !== undefined && !isStringIn(state, 1, 4096)) return badRequest('state must be a string of 1 to 4096 characters')
    if (code_challenge !== undefined) {
      if (!isStringIn(code_challenge, 43, 128)) return badRequest('code_challenge must be 43 to 128 characters')
      if (code_challenge_method !== 'S256') return badRequest('code_challenge_method must be S256')
    }
    if (
      scopes !== undefined &&
      !(Array.isArray(scopes) && scopes.length >= 1 && scopes.length <= 100 && scopes.every((scope) => isStringIn(scope, 1, 255)))
    ) {
      return badRequest('scopes must be an array of 1 to 100 strings of 1 to 255 characters')
    }
    if (authorization_params !== undefined && (authorization_params === null || typeof authorization_params !== 'object')) {
      return badRequest('authorization_params must be an object')
    }
    const offered = this.#settings.connections.find((candidate) => candidate.name === connection)
    if (!offered) return badRequest(`The connection ${connection} is not enabled for Connected Accounts`)
    const requested = (scopes as string[] | undefined) ?? offered.scopes
    const unknown = requested.filter((scope) => !offered.scopes.includes(scope))
    if (unknown.length > 0) return badRequest(`The connection ${connection} does not offer the scopes ${unknown.join(' ')}`)

    const authSession = randomId(32)
    const ticket = randomId()
    this.#requests.set(authSession, {
      userId,
      connection,
      redirectUri: redirect_uri,
      state: state as string | undefined,
      codeChallenge: code_challenge as string | undefined,
      scopes: [...new Set(requested)],
      ticket,
      ticketExpiresAt: now() + this.#settings.ticketTtl,
    })
    this.#byTicket.set(ticket, authSession)
    return json(
      {
        auth_session: authSession,
        connect_uri: `${this.#settings.origin}/connect`,
        connect_params: { ticket },
        expires_in: this.#settings.ticketTtl,
      },
      201,
    )
  }

  /** `GET /connect?ticket=`: the consent page (`'page'`), or straight back with a connect code (`'auto'`). */
  connectPage(url: URL): Response {
    const ticket = url.searchParams.get('ticket') ?? ''
    const found = this.#forTicket(ticket)
    if (!found) {
      return html(messagePage(this.#settings.domain, 'Link expired', 'This connect link is unknown or was already used.'), 400)
    }
    const [authSession, connectRequest] = found
    const expired = this.#settings.failures.take('connect', isExpiredTicketFailure) !== undefined || connectRequest.ticketExpiresAt < now()
    if (expired) return this.#refuse(authSession, connectRequest, 'access_denied', 'The connect ticket expired')
    const injected = this.#settings.failures.take('connect', isAuthorizeFailure)
    if (injected) return this.#refuse(authSession, connectRequest, injected.error, injected.errorDescription ?? 'Failure injected')
    if (this.#settings.interaction === 'auto') return this.#approve(connectRequest)
    return html(connectConsentPage(this.#settings.domain, ticket, connectRequest.connection, connectRequest.scopes))
  }

  /** `POST /connect/decision`: the consent page's answer. */
  async decide(request: Request): Promise<Response> {
    const type = request.headers.get('content-type') ?? ''
    const form = type.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(await request.text()) : undefined
    const found = form ? this.#forTicket(form.get('ticket') ?? '') : undefined
    if (!form || !found) {
      return html(messagePage(this.#settings.domain, 'Request expired', 'This request is unknown or was already answered.'), 400)
    }
    const [authSession, connectRequest] = found
    if (form.get('decision') !== 'approve') return this.#refuse(authSession, connectRequest, 'access_denied', 'The user cancelled')
    if (connectRequest.ticketExpiresAt < now())
      return this.#refuse(authSession, connectRequest, 'access_denied', 'The connect ticket expired')
    return this.#approve(connectRequest)
  }

  #forTicket(ticket: string): [string, ConnectRequest] | undefined {
    const authSession = this.#byTicket.get(ticket)
    const connectRequest = authSession === undefined ? undefined : this.#requests.get(authSession)
    return authSession !== undefined && connectRequest && !connectRequest.connectCode ? [authSession, connectRequest] : undefined
  }

  #refuse(authSession: string, connectRequest: ConnectRequest, error: string, description: string): Response {
    this.#requests.delete(authSession)
    this.#byTicket.delete(connectRequest.ticket)
    return redirect(connectRequest.redirectUri, { error, error_description: description, state: connectRequest.state })
  }

  #approve(connectRequest: ConnectRequest): Response {
    this.#byTicket.delete(connectRequest.ticket)
    const value = randomId()
    connectRequest.connectCode = { value, expiresAt: now() + CONNECT_CODE_TTL }
    return redirect(connectRequest.redirectUri, { connect_code: value, state: connectRequest.state })
  }

  async #complete(request: Request, userId: string): Promise<Response> {
    const body = await readJson(request)
    if (!body) return badRequest('The body must be a JSON object')
    const { auth_session, connect_code, redirect_uri, code_verifier } = body
    if (!isStringIn(auth_session, 1, 64)) return badRequest('auth_session must be a string of at most 64 characters')
    if (!isStringIn(connect_code, 1, 46)) return badRequest('connect_code must be a string of 1 to 46 characters')
    if (!isStringIn(redirect_uri, 1, 2048)) return badRequest('redirect_uri is required')
    const connectRequest = this.#requests.get(auth_session)
    // Any completion attempt uses the request up, so a leaked code cannot be retried.
    this.#requests.delete(auth_session)
    if (!connectRequest || connectRequest.userId !== userId) return badRequest('The auth_session is unknown or belongs to another user')
    const code = connectRequest.connectCode
    if (!code || code.value !== connect_code || code.expiresAt < now()) return badRequest('Invalid connect_code')
    if (redirect_uri !== connectRequest.redirectUri) return badRequest('redirect_uri does not match the one of the connect request')
    if (connectRequest.codeChallenge !== undefined) {
      if (!isStringIn(code_verifier, 43, 128) || (await s256(code_verifier)) !== connectRequest.codeChallenge) {
        return badRequest('Failed to verify code_verifier')
      }
    }
    const accounts = this.#accounts.get(userId) ?? []
    const existing = accounts.find((account) => account.connection === connectRequest.connection)
    // Connecting an already connected provider again grants the new scopes to the same account.
    const account: EmulatedConnectedAccount = existing
      ? { ...existing, scopes: [...new Set([...existing.scopes, ...connectRequest.scopes])] }
      : {
          id: `cac_${randomId(12).replace(/[^A-Za-z0-9]/g, '')}`,
          connection: connectRequest.connection,
          access_type: 'offline',
          scopes: connectRequest.scopes,
          created_at: new Date().toISOString(),
        }
    this.#accounts.set(userId, [...accounts.filter((candidate) => candidate !== existing), account])
    return json(account, 201)
  }

  #list(url: URL, userId: string): Response {
    const connection = url.searchParams.get('connection')
    if (connection !== null && !isStringIn(connection, 1, 128)) return badRequest('connection must be at most 128 characters')
    const all = (this.#accounts.get(userId) ?? []).filter((account) => connection === null || account.connection === connection)
    const paged = page(all, url)
    if (paged instanceof Response) return paged
    return json({ accounts: paged.items, ...(paged.next ? { next: paged.next } : {}) })
  }

  #delete(id: string, userId: string): Response {
    if (!ACCOUNT_ID.test(id)) return badRequest('id must match ^cac_[A-Za-z0-9]+$')
    const accounts = this.#accounts.get(userId) ?? []
    // Another user's id reads as unknown: the API tells no one whose account it is.
    if (!accounts.some((account) => account.id === id)) return problem(404, 'Not Found', 'The connected account does not exist')
    this.#accounts.set(
      userId,
      accounts.filter((account) => account.id !== id),
    )
    return new Response(null, { status: 204 })
  }

  #connections(url: URL): Response {
    const paged = page(this.#settings.connections, url)
    if (paged instanceof Response) return paged
    return json({ connections: structuredClone(paged.items), ...(paged.next ? { next: paged.next } : {}) })
  }
}
