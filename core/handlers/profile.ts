/** @module `/auth/profile`: the signed-in user's claims as JSON (401 when signed out). */

import { json } from '../responses.js'
import type { SessionRoute } from './route.js'

export const profile: SessionRoute<'profile'> = {
  key: 'profile',
  crossSite: 'allow',
  prefetch: 'answer',
  session: 'required',
  enabled: () => true,
  async handle({ session, storeOptions }) {
    return json(session.user, 200, storeOptions.response.headers)
  },
}
