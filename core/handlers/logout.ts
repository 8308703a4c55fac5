/** @module `/auth/logout`: ends the session and sends the browser to the tenant's logout. */

import { redirect } from '../responses.js'
import { requestParameters } from './request.js'
import type { BodyRoute } from './route.js'

export const logout: BodyRoute<'logout'> = {
  key: 'logout',
  crossSite: 'allow',
  // A hovered or previewed "Log out" link must not sign anyone out.
  prefetch: 'ignore',
  session: 'optional',
  enabled: () => true,
  async handle({ request, storeOptions, client }) {
    const params = await requestParameters(request)
    const url = await client.logout({ returnTo: params.get('returnTo') ?? '/' }, storeOptions)
    return redirect(url, storeOptions.response.headers)
  },
}
