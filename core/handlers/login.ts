/** @module `/auth/login`: starts a sign-in, passing on only the invitation and hint parameters. */

import { startAuthorization } from '../flows/authorize.js'
import { requestContext } from '../flows/context.js'
import { redirect } from '../responses.js'
import { safeReturnTo } from '../safety.js'
import { forwardedLoginParameters, requestParameters } from './request.js'
import type { BodyRoute, HandlerAppState } from './route.js'

export const login: BodyRoute<'login'> = {
  key: 'login',
  crossSite: 'allow',
  prefetch: 'ignore',
  session: 'optional',
  enabled: () => true,
  async handle({ request, storeOptions, origin, instance }) {
    const params = await requestParameters(request)
    const appState: HandlerAppState = { returnTo: safeReturnTo(params.get('returnTo'), origin) }
    const authorizationParams = forwardedLoginParameters(params)
    const context = await requestContext(instance, request)
    const url = await startAuthorization(context, { flow: 'login', appState, authorizationParams }, storeOptions)
    return redirect(url, storeOptions.response.headers)
  },
}
