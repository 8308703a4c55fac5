/** @module The emulated Management API v2 (`/api/v2/…`), as far as account linking and the tenant doctor use it. */

import type { TenantContext } from './context.js'
import { json } from './http.js'

/** `/api/v2/…`: bearer tokens from client credentials, scopes checked per endpoint. */
export class ManagementApi {
  constructor(private readonly tenant: TenantContext) {}

  async handle(request: Request, url: URL): Promise<Response> {
    const { tenant } = this
    const claims = await tenant.bearer(request, tenant.managementAudience)
    if (!claims) return json({ statusCode: 401, error: 'Unauthorized', message: 'Missing or invalid token' }, 401)
    const match = /^\/api\/v2\/users\/([^/]+)$/.exec(url.pathname)
    const userId = match?.[1] ? safeDecode(match[1]) : undefined
    if (!userId) return json({ statusCode: 404, error: 'Not Found', message: 'Not Found' }, 404)
    if (typeof claims.scope !== 'string' || !claims.scope.split(' ').includes('read:users')) {
      return json({ statusCode: 403, error: 'Forbidden', message: 'Insufficient scope, expected: read:users' }, 403)
    }
    const user = tenant.users.get(userId)
    if (!user) return json({ statusCode: 404, error: 'Not Found', message: 'The user does not exist.', errorCode: 'inexistent_user' }, 404)
    return json({ ...structuredClone(user), email_verified: true, updated_at: tenant.users.updatedAt(userId) })
  }
}

export function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value)
  } catch {
    return undefined
  }
}
