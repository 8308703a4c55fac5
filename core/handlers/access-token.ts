/**
 * @module `/auth/access-token`: the session's access token (`?audience=`, `?scope=`), refreshed
 * when expired; only for the audiences and scopes of `accessTokenRoute` (see access-token-policy).
 */

import { checkAccessTokenRequest } from '../access-token-policy.js'
import { requestContext } from '../flows/context.js'
import { myAccountAudience } from '../my-account-base.js'
import { json } from '../responses.js'
import { DEFAULT_AUDIENCE } from '../session.js'
import type { BodyRoute } from './route.js'

export const accessToken: BodyRoute<'accessToken'> = {
  key: 'accessToken',
  // A token in a JSON body, and each new scope grows the session: this app's scripts only.
  crossSite: 'refuse',
  refusal: 'An access token is only for this app',
  prefetch: 'answer',
  session: 'optional',
  enabled: () => true,
  async handle({ request, storeOptions, client, config, instance }) {
    const query = new URL(request.url).searchParams
    const audience = query.get('audience') || undefined
    const scope = query.get('scope') || undefined
    const { tenant } = await requestContext(instance, request)
    const asked = audience ?? config.authorizationParams.audience ?? DEFAULT_AUDIENCE
    checkAccessTokenRequest(config.accessTokenAllowlist, myAccountAudience(tenant.issuer).href, asked, scope)
    const result = await client.getAccessToken({ ...(audience ? { audience } : {}), ...(scope ? { scope } : {}) }, storeOptions)
    const { token, expiresAt, scope: granted, tokenType } = result
    return json({ token, expiresAt, scope: granted, tokenType }, 200, storeOptions.response.headers)
  },
}
