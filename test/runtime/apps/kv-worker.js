// The Hono example app as a Worker with its sessions in Workers KV (the SESSIONS binding), for
// kv-session-backend.test.ts under miniflare. Test-only routes under /__kv reach the same KV
// namespace (so the in-process suite can drive the backend against it) and switch on failures.
import { statefulStateStore } from 'auth0-link-kit'
import { KvSessionBackend } from 'auth0-link-kit/cloudflare'
import { authFromBindings } from 'auth0-link-kit/hono'
import { createApp } from '../../../examples/hono/app.js'

/** 'off', 'reject' (every KV call fails) or 'hang' (no KV call answers). */
let failure = 'off'
const reported = []

/** The namespace with failures switched in front of it. */
function faulty(kv) {
  const guard = (call) =>
    failure === 'reject' ? Promise.reject(new Error('KV is down')) : failure === 'hang' ? new Promise(() => {}) : call()
  return {
    get: (key, type) => guard(() => kv.get(key, type)),
    put: (key, value, options) => guard(() => kv.put(key, value, options)),
    delete: (key) => guard(() => kv.delete(key)),
    list: (options) => guard(() => kv.list(options)),
  }
}

const auth = authFromBindings((env) => {
  const backend = new KvSessionBackend({
    namespace: faulty(env.SESSIONS),
    timeoutMs: 300,
    onError: (error) => reported.push({ code: error.code, status: error.status, operation: error.operation }),
  })
  return { stateStore: statefulStateStore(backend) }
})

const app = createApp({ auth, runtime: () => `workerd (${navigator.userAgent})`, mode: 'Hono on Workers, sessions in KV' })

app.post('/__kv/failure', async (c) => {
  failure = (await c.req.text()) || 'off'
  reported.length = 0
  return c.text(failure)
})
app.get('/__kv/reported', (c) => c.json(reported))
app.get('/__kv/get', async (c) => c.json({ value: await c.env.SESSIONS.get(c.req.query('key'), 'text') }))
app.post('/__kv/put', async (c) => {
  const { key, value, options } = await c.req.json()
  await c.env.SESSIONS.put(key, value, options)
  return c.body(null, 204)
})
app.post('/__kv/delete', async (c) => {
  await c.env.SESSIONS.delete((await c.req.json()).key)
  return c.body(null, 204)
})
app.post('/__kv/list', async (c) => c.json(await c.env.SESSIONS.list(await c.req.json())))

export default app
