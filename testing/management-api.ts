/** @module The emulated Management API v2 (`/api/v2/…`), as far as account linking and the tenant doctor use it. */

import type { JWTPayload } from 'jose'
import type { ClientRegistry } from './clients.js'
import type { TenantContext } from './context.js'
import { json, readJson } from './http.js'
import type { EmulatedUser, Refusal } from './users.js'

/** A deployed Action as `GET /api/v2/actions/actions` lists it, and whether it is bound to post-login. */
export interface EmulatedAction {
  id: string
  name: string
  boundToPostLogin: boolean
}

/**
 * Auth0's Management API error body: `{ statusCode, error, message, errorCode }`.
 * @see https://github.com/auth0/auth0-cli/pull/538 (a 403 `insufficient_scope` body as Auth0 sends it)
 */
export function managementError(status: number, message: string, errorCode?: string): Response {
  const error: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    409: 'Conflict',
    429: 'Too Many Requests',
  }
  return json({ statusCode: status, error: error[status] ?? 'Error', message, ...(errorCode ? { errorCode } : {}) }, status)
}

const refused = (refusal: Refusal) => managementError(refusal.status, refusal.message, refusal.errorCode)

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Auth0's metadata merge: top-level properties merge, nested objects are replaced, `null`
 * deletes a property, and `{}` removes the metadata entirely.
 * @see https://auth0.com/docs/manage-users/user-accounts/metadata/manage-metadata-api
 */
function mergeMetadata(current: Record<string, unknown> | undefined, patch: Record<string, unknown>): Record<string, unknown> {
  if (Object.keys(patch).length === 0) return {}
  const merged: Record<string, unknown> = { ...(current ?? {}) }
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key]
    else merged[key] = value
  }
  return merged
}

/** `/api/v2/…`: bearer tokens from client credentials, scopes checked per endpoint. */
export class ManagementApi {
  constructor(
    private readonly tenant: TenantContext,
    private readonly clients: ClientRegistry,
    private readonly actions: () => EmulatedAction[],
  ) {}

  async handle(request: Request, url: URL): Promise<Response> {
    const { tenant } = this
    const claims = await tenant.bearer(request, tenant.managementAudience)
    if (!claims) return managementError(401, 'Missing or invalid token', 'invalid_token')
    const segments = url.pathname.slice('/api/v2/'.length).split('/').map(safeDecode)
    if (segments.some((segment) => segment === undefined)) return managementError(404, 'Not Found')
    const path = segments as string[]
    const method = request.method
    const [collection, id, sub, provider, providerUserId] = path
    const need = (scope: string, run: () => Promise<Response> | Response) => {
      const granted = typeof claims.scope === 'string' ? claims.scope.split(' ') : []
      if (!granted.includes(scope)) return managementError(403, `Insufficient scope, expected any of: ${scope}`, 'insufficient_scope')
      return run()
    }
    if (collection === 'users-by-email' && path.length === 1 && method === 'GET') {
      return need('read:users', () => this.#usersByEmail(url))
    }
    if (collection === 'users' && id !== undefined) {
      if (path.length === 2 && method === 'GET') return need('read:users', () => this.#getUser(id))
      if (path.length === 2 && method === 'PATCH') return need('update:users', () => this.#patchUser(id, request))
      if (path.length === 2 && method === 'DELETE') return need('delete:users', () => this.#deleteUser(id))
      if (path.length === 3 && sub === 'identities' && method === 'POST') {
        return need('update:users', () => this.#link(id, request, claims))
      }
      if (path.length === 5 && sub === 'identities' && method === 'DELETE' && provider && providerUserId) {
        return need('update:users', () => this.#unlink(id, provider, providerUserId))
      }
    }
    if (collection === 'clients' && id !== undefined && path.length === 2 && method === 'GET') {
      return need('read:clients', () => {
        const client = this.clients.describe(id)
        return client ? json(client) : managementError(404, 'The client does not exist', 'inexistent_client')
      })
    }
    if (collection === 'client-grants' && path.length === 1 && method === 'GET') {
      return need('read:client_grants', () => json(this.clients.grants(url.searchParams.get('client_id'))))
    }
    if (collection === 'actions' && id === 'actions' && path.length === 2 && method === 'GET') {
      return need('read:actions', () => this.#listActions())
    }
    if (collection === 'actions' && id === 'triggers' && sub === 'post-login' && provider === 'bindings' && path.length === 4) {
      if (method === 'GET') return need('read:actions', () => this.#listBindings())
    }
    return managementError(404, `No Management API route for ${method} ${url.pathname}`)
  }

  /** The user as the Management API answers it. */
  record(user: EmulatedUser): Record<string, unknown> {
    return {
      ...structuredClone(user),
      email_verified: user.email_verified ?? true,
      user_metadata: user.user_metadata ?? {},
      app_metadata: user.app_metadata ?? {},
      updated_at: this.tenant.users.updatedAt(user.user_id),
    }
  }

  #getUser(userId: string): Response {
    const user = this.tenant.users.get(userId)
    return user ? json(this.record(user)) : managementError(404, 'The user does not exist.', 'inexistent_user')
  }

  /** @see https://auth0.com/docs/api/management/v2/users-by-email/get-users-by-email */
  #usersByEmail(url: URL): Response {
    const email = url.searchParams.get('email')
    if (!email) return managementError(400, "Query validation error: 'Missing required property: email'", 'invalid_query_string')
    return json(this.tenant.users.byEmail(email).map((user) => this.record(user)))
  }

  async #patchUser(userId: string, request: Request): Promise<Response> {
    const user = this.tenant.users.get(userId)
    if (!user) return managementError(404, 'The user does not exist.', 'inexistent_user')
    const body = await readJson(request)
    if (!body) return managementError(400, 'Payload validation error: the body must be a JSON object', 'invalid_body')
    for (const field of ['user_metadata', 'app_metadata'] as const) {
      const patch = body[field]
      if (patch === undefined) continue
      if (!isRecord(patch)) return managementError(400, `Payload validation error: ${field} must be an object`, 'invalid_body')
      user[field] = mergeMetadata(user[field], patch)
    }
    if (typeof body.name === 'string') user.name = body.name
    if (typeof body.email === 'string') user.email = body.email
    if (typeof body.email_verified === 'boolean') user.email_verified = body.email_verified
    this.tenant.users.touch(userId)
    return json(this.record(user))
  }

  /**
   * Deletes the user with every identity linked into it. Auth0 answers 204 with no body, and
   * 204 again for a user that is already gone, so a repeated delete is not an error.
   * @see https://auth0.com/docs/api/management/v2/users/delete-users-by-id
   * @see https://help.okta.com/en/prod/Content/Topics/Workflows/connector-reference/auth0/actions/deleteuser.htm (204 on repeat)
   */
  #deleteUser(userId: string): Response {
    this.tenant.users.delete(userId)
    return new Response(null, { status: 204 })
  }

  /**
   * Either `link_with` (the secondary's ID token, from this tenant, whose `aud` is the calling
   * client) or `provider` + `user_id` (+ `connection_id`); never both.
   * @see https://auth0.com/docs/api/management/v2/users/post-identities
   */
  async #link(primaryId: string, request: Request, claims: JWTPayload): Promise<Response> {
    const { tenant } = this
    const body = await readJson(request)
    if (!body) return managementError(400, 'Payload validation error: the body must be a JSON object', 'invalid_body')
    let secondaryId: string
    if (body.link_with !== undefined) {
      if (body.provider !== undefined || body.user_id !== undefined || body.connection_id !== undefined) {
        return managementError(
          400,
          'Payload validation error: link_with cannot be sent with provider, user_id or connection_id',
          'invalid_body',
        )
      }
      const token = typeof body.link_with === 'string' ? await tenant.signer.verifySignature(body.link_with) : undefined
      const audiences: unknown[] = Array.isArray(token?.aud) ? token.aud : [token?.aud]
      const expired = typeof token?.exp !== 'number' || token.exp < Math.floor(Date.now() / 1000)
      if (!token || token.iss !== tenant.issuer || typeof token.sub !== 'string' || expired) {
        return managementError(400, 'JWT for the secondary account is not valid', 'invalid_body')
      }
      if (!audiences.includes(claims.azp)) {
        return managementError(400, 'The audience of the secondary account JWT must be the client that calls the API', 'invalid_body')
      }
      secondaryId = token.sub
    } else {
      const { provider, user_id: userId } = body
      if (typeof provider !== 'string' || (typeof userId !== 'string' && typeof userId !== 'number')) {
        return managementError(400, 'Payload validation error: provider and user_id are required', 'invalid_body')
      }
      secondaryId = `${provider}|${userId}`
    }
    const result = tenant.users.link(primaryId, secondaryId)
    return Array.isArray(result) ? json(result, 201) : refused(result)
  }

  /** @see https://auth0.com/docs/api/management/v2/users/delete-user-identity-by-user-id */
  #unlink(userId: string, provider: string, providerUserId: string): Response {
    const result = this.tenant.users.unlink(userId, provider, providerUserId)
    return Array.isArray(result) ? json(result) : refused(result)
  }

  #listActions(): Response {
    const actions = this.actions().map((action) => ({
      id: action.id,
      name: action.name,
      supported_triggers: [{ id: 'post-login', version: 'v3' }],
      status: 'built',
      all_changes_deployed: true,
      runtime: 'node22',
    }))
    return json({ actions, total: actions.length, page: 0, per_page: 50 })
  }

  #listBindings(): Response {
    const bindings = this.actions()
      .filter((action) => action.boundToPostLogin)
      .map((action) => ({
        id: `bnd_${action.id}`,
        trigger_id: 'post-login',
        display_name: action.name,
        action: { id: action.id, name: action.name, supported_triggers: [{ id: 'post-login', version: 'v3' }] },
      }))
    return json({ bindings, total: bindings.length, page: 0, per_page: 50 })
  }
}

export function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value)
  } catch {
    return undefined
  }
}
