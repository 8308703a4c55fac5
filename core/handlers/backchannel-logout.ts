/** @module `/auth/backchannel-logout`: Auth0 posts a logout token; the sessions it names end. */

import { empty } from '../responses.js'
import { requestParameters } from './request.js'
import type { BodyRoute } from './route.js'

export const backchannelLogout: BodyRoute<'backchannelLogout'> = {
  key: 'backchannelLogout',
  methods: ['POST'],
  crossSite: 'allow',
  prefetch: 'answer',
  session: 'optional',
  enabled: () => true,
  async handle({ request, storeOptions, client }) {
    const params = await requestParameters(request)
    await client.handleBackchannelLogout(params.get('logout_token') ?? '', storeOptions)
    return empty(200, storeOptions.response.headers)
  },
}
