/** @module The session read: the signed-in user's id (200) or 401, through the library BENCH_AUTH picked. */

import { useAuth } from 'auth0-link-kit/nuxt'
import { defineEventHandler, type H3Event, setResponseStatus } from 'h3'
import { useAuth0 } from '#imports'

const library = process.env.BENCH_AUTH

async function subject(event: H3Event): Promise<string | undefined> {
  if (library === 'ours') return (await useAuth(event).getSession())?.user.sub
  if (library === 'theirs') return (await useAuth0(event).getSession())?.user?.sub
  return 'auth0|alice'
}

export default defineEventHandler(async (event) => {
  const sub = await subject(event)
  if (!sub) setResponseStatus(event, 401)
  return sub ?? 'signed out'
})
