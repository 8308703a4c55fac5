// One app instance for the cross-instance test: the Node adapter over the BUILT package, sessions
// in the Redis at REDIS_URL through the client named by REDIS_CLIENT (`node-redis` or `ioredis`).
// Prints `LISTENING <port>` once it listens on 127.0.0.1.
import http from 'node:http'
import { createAuth, toNodeListener } from 'auth0-link-kit/node'
import { redisStateStore } from 'auth0-link-kit/redis'

const env = process.env
let client
if (env.REDIS_CLIENT === 'ioredis') {
  const { Redis } = await import('ioredis')
  client = new Redis(env.REDIS_URL)
} else {
  const { createClient } = await import('redis')
  client = await createClient({ url: env.REDIS_URL }).connect()
}

const options = { domain: env.AUTH0_DOMAIN, clientId: env.AUTH0_CLIENT_ID, clientSecret: env.AUTH0_CLIENT_SECRET, secret: env.AUTH0_SECRET }
const auth = createAuth({ ...options, stateStore: redisStateStore({ client, prefix: env.REDIS_PREFIX }) })

const server = http.createServer(
  toNodeListener(async (request) => (await auth.handler(request)) ?? new Response(`app page on ${env.INSTANCE_NAME}`)),
)
server.listen(0, '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`))
