/** @module `/auth/access-token`: the session's access token (`?audience=`, `?scope=`), refreshed when expired. */

import { json } from '../responses.js'
import type { BodyRoute } from './route.js'

export const accessToken: BodyRoute<'accessToken'> = {
  key: 'accessToken',
  crossSite: 'allow',
  prefetch: 'answer',
  session: 'optional',
  enabled: () => true,
  async handle({ request, storeOptions, client }) {
    const query = new URL(request.url).searchParams
    const audience = query.get('audience') || undefined
    const scope = query.get('scope') || undefined
    const result = await client.getAccessToken({ ...(audience ? { audience } : {}), ...(scope ? { scope } : {}) }, storeOptions)
    const { token, expiresAt, scope: granted, tokenType } = result
    return json({ token, expiresAt, scope: granted, tokenType }, 200, storeOptions.response.headers)
  },
}
