// A Cloudflare Worker: the Hono example app with its options from the Worker's bindings
// (AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, AUTH0_SECRET, APP_BASE_URL). The auth
// instance is built on the first request of each isolate and kept for the bindings object.
import { authFromBindings } from 'auth0-link-kit/hono'
import { createApp } from '../hono/app.js'

export default createApp({
  auth: authFromBindings(),
  runtime: () => `workerd (${navigator.userAgent})`,
  mode: 'Hono on Cloudflare Workers',
})
