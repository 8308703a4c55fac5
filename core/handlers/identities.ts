/** @module `/auth/identities`: the signed-in user's linked identities from the Management API. */

import { json } from '../responses.js'
import type { BodyRoute } from './route.js'

export const identities: BodyRoute<'identities'> = {
  key: 'identities',
  methods: ['GET', 'HEAD'],
  crossSite: 'allow',
  prefetch: 'answer',
  session: 'optional',
  enabled: (config) => config.identitiesRoute,
  async handle({ storeOptions, client }) {
    const identities = await client.getIdentities(storeOptions)
    return json({ identities }, 200, storeOptions.response.headers)
  },
}
