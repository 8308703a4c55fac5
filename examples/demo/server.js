// The main demo: `npm start`. With no AUTH0_* variables it starts the built-in Auth0 emulator on
// loopback and signs in against it; with them it talks to that tenant instead.
// PORT=0 picks a free port; the line `LISTENING <port>` on stdout says which (tests wait for it).
import http from 'node:http'
import { doctor } from 'auth0-link-kit/doctor'
import { createAuth, toNodeListener } from 'auth0-link-kit/node'
import { createAuth0Emulator } from 'auth0-link-kit/testing'
import { connectedAccountsOf, identitiesOf, renderPage } from './page.js'

const port = Number(process.env.PORT ?? 3000)
const host = process.env.HOST ?? 'localhost'
const useTenant = Boolean(process.env.AUTH0_DOMAIN && process.env.AUTH0_CLIENT_ID && process.env.AUTH0_CLIENT_SECRET)
const LINKABLE = ['github', 'google-oauth2']
// How links are applied (docs/concepts/linking.md): through the Management API (default; the app
// needs read:users and update:users), or by the kit's post-login Action on the tenant.
const linkStrategy = process.env.AUTH0_LINK_STRATEGY === 'tenant-action' ? 'tenant-action' : 'management-api'
// What the "Connected accounts" card offers: Google with read access to the user's calendar.
const CONNECTABLE = [
  { connection: 'google-oauth2', label: 'Google Calendar', scopes: ['openid', 'https://www.googleapis.com/auth/calendar.readonly'] },
]

/**
 * Starts a node:http server whose handler can be set after it listens (the port, and so the
 * origin, is known only then), and resolves with the server and that setter.
 */
function listen(wantedPort, hostname) {
  let handle = async () => new Response('Starting, try again in a moment', { status: 503, headers: { 'retry-after': '1' } })
  const server = http.createServer(toNodeListener((request) => handle(request)))
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(wantedPort, hostname, () => resolve({ server, setHandler: (next) => (handle = next) }))
  })
}

let emulator
let authOptions = {}
if (!useTenant) {
  const { server, setHandler } = await listen(Number(process.env.EMULATOR_PORT ?? 0), '127.0.0.1')
  const origin = `http://127.0.0.1:${server.address().port}`
  // With the Action strategy, the emulated tenant runs the kit's own Action, as a tenant set up for it does.
  emulator = await createAuth0Emulator({ origin, interaction: 'page', accountLinkingAction: linkStrategy === 'tenant-action' })
  setHandler((request) => emulator.handle(request))
  authOptions = {
    domain: origin,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    // A fresh secret per run: the demo's sessions need not outlive it.
    secret: process.env.AUTH0_SECRET ?? crypto.randomUUID() + crypto.randomUUID(),
  }
  console.log(`Auth0 emulator on ${origin} (users: alice@example.com, bob@example.com)`)
}

const { server, setHandler } = await listen(port, host)
const actualPort = server.address().port
const urlHost = host.includes(':') ? `[${host}]` : host
const appBaseUrl = process.env.APP_BASE_URL ?? `http://${urlHost}:${actualPort}`

// Optional, for a real tenant: a custom domain needs the canonical Management API audience, and a
// separate machine-to-machine client may hold the read:users grant instead of this app.
const managementApi = Object.fromEntries(
  Object.entries({
    audience: process.env.AUTH0_MANAGEMENT_AUDIENCE,
    clientId: process.env.AUTH0_MANAGEMENT_CLIENT_ID,
    clientSecret: process.env.AUTH0_MANAGEMENT_CLIENT_SECRET,
  }).filter(([, value]) => value),
)

const options = {
  ...authOptions,
  appBaseUrl,
  managementApi,
  linking: { strategy: linkStrategy },
  // Every optional route on, as the demo's contract says: /auth/identities, the connected-accounts
  // routes (/auth/connect, /auth/connected-accounts, /auth/disconnect) and /auth/connection-token.
  identities: { enabled: true },
  connectedAccounts: { enabled: true, connectionTokenRoute: true },
  // Other accounts with the user's verified email: the card on the account page, and the
  // /auth/link-suggestions routes (JSON, and "Not me").
  suggestions: { enabled: true },
  // A failed sign-in, link or unlink answers with the built-in error page: the error's own status
  // (400, 403, 502, 504…) and words chosen by its code, never text from the URL. Here we only note
  // the failure in the terminal; returning nothing keeps that page. (A styled page of your own
  // would be returned from here the same way: its status, words of yours picked by error.code.)
  onError: (error, request) => {
    const code = 'code' in error ? String(error.code) : 'internal_error'
    const status = 'status' in error ? Number(error.status) : 500
    console.warn(`${request.method} ${new URL(request.url).pathname} failed: ${status} ${code}`)
  },
}
const auth = createAuth(options)

/**
 * Other accounts the user may have made with the same verified email. A nicety: when Auth0
 * cannot be asked (no grant, an outage), the page simply shows no card.
 */
async function suggestionsOf(storeOptions) {
  // Linking a suggestion checks who signed in before the kit links, which only the Management API strategy can.
  if (linkStrategy !== 'management-api') return {}
  try {
    return { suggestions: await auth.client.getLinkSuggestions(storeOptions) }
  } catch (error) {
    console.warn(`link suggestions unavailable: ${error.code ?? 'internal_error'}`)
    return {}
  }
}

/**
 * The "fetch a provider token" button: exchanges at Token Vault and shows when the token
 * expires. The token itself stays on the server; a real app would call Google Calendar with it.
 */
async function providerTokenOf(request, storeOptions) {
  const form = await request.formData()
  const connection = String(form.get('connection') ?? '')
  if (!CONNECTABLE.some((offered) => offered.connection === connection)) return { providerTokenProblem: { code: 'invalid_request' } }
  try {
    const { expiresAt, scope } = await auth.client.getAccessTokenForConnection({ connection }, storeOptions)
    return { providerToken: { connection, expiresAt, scope } }
  } catch (error) {
    return { providerTokenProblem: { code: error.code ?? 'internal_error', auth0Error: error.error } }
  }
}

/** The POST comes from this app's own page, not from another site (Origin / Sec-Fetch-Site). */
function fromThisApp(request) {
  const site = request.headers.get('sec-fetch-site')
  const origin = request.headers.get('origin')
  return (site === null || site === 'same-origin' || site === 'none') && (origin === null || origin === new URL(appBaseUrl).origin)
}

async function app(request) {
  const url = new URL(request.url)
  const tokenButton = url.pathname === '/provider-token' && request.method === 'POST'
  if (url.pathname !== '/' && !tokenButton) return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } })
  if (tokenButton && !fromThisApp(request)) return new Response('Forbidden', { status: 403, headers: { 'content-type': 'text/plain' } })
  const headers = new Headers({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
  const storeOptions = { request, response: { headers } }
  // The page reads nothing from the query string: a link to it cannot put words on it.
  const user = await auth.client.getUser(storeOptions)
  const token = user && tokenButton ? await providerTokenOf(request, storeOptions) : {}
  const html = renderPage({
    user,
    ...(user ? await identitiesOf(() => auth.client.getIdentities(storeOptions)) : {}),
    ...(user ? await suggestionsOf(storeOptions) : {}),
    ...(user ? await connectedAccountsOf(() => auth.client.listConnectedAccounts({}, storeOptions)) : {}),
    ...token,
    linkable: LINKABLE,
    connectable: CONNECTABLE,
    mode: emulator ? 'built-in Auth0 emulator' : `tenant ${process.env.AUTH0_DOMAIN}`,
  })
  return new Response(html, { headers })
}

setHandler(async (request) => (await auth.handler(request)) ?? app(request))
console.log(`Demo app on ${appBaseUrl} (listening on ${host}:${actualPort})`)
// Pointed at a real tenant, the demo checks it first (read-only, the same checks as
// `npx auth0-link-kit doctor`) and prints what the tenant is missing under the address, so the
// first failed sign-in is not how a set-up problem shows itself. The server already answers;
// only the LISTENING line waits for the doctor (at most httpTimeout per check), so whoever waits
// for it never races the doctor's own calls to the tenant.
if (useTenant) {
  await doctor({ ...options, env: (name) => process.env[name] }).then(
    (report) => {
      const failed = report.checks.filter((check) => check.status === 'fail')
      const unknown = report.checks.filter((check) => check.status === 'unknown')
      if (failed.length + unknown.length === 0) return console.log('Tenant doctor: every check passed')
      console.log('Tenant doctor (npx auth0-link-kit doctor --connected-accounts --identities prints every check):')
      for (const check of failed) console.log(`  ✗ ${check.id}: ${check.found}. Fix: ${check.fix}`)
      // Checks that could not be made only matter once nothing failed; then they say which permission would allow them.
      if (failed.length > 0 && unknown.length > 0) console.log(`  ? not checked yet: ${unknown.map((check) => check.id).join(', ')}`)
      else for (const check of unknown) console.log(`  ? ${check.id}: ${check.found}. Fix: ${check.fix}`)
    },
    (error) => console.warn(`Tenant doctor could not run: ${error.message}`),
  )
}
console.log(`LISTENING ${actualPort}`)
