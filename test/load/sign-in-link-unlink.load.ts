import http from 'node:http'
import type { AddressInfo } from 'node:net'
import v8 from 'node:v8'
import vm from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toNodeListener } from '../../adapters/node.js'
import { type Auth, createAuth } from '../../core/index.js'
import { type Auth0Emulator, createAuth0Emulator, type EmulatorFailure } from '../../testing/index.js'
import { VirtualUser } from './virtual-user.js'

const USERS = 200
const FAILURE_RATE = 0.05
const REQUESTS_FOR_MEMORY = 10_000
/** A step is retried this often before the user gives up; with 5% failures that never happens. */
const ATTEMPTS = 8
/** Codes a handler may answer with: anything else (or a 500) is an untyped failure. */
const TYPED_CODES = new Set([
  'missing_transaction',
  'authorization_error',
  'token_exchange_failed',
  'id_token_invalid',
  'timeout',
  'discovery_failed',
  // Linking through the Management API (DESIGN §15): its refusals, and two users racing for one
  // emulated GitHub account that nobody owned.
  'management_api_error',
  'identity_already_linked',
])

// Seeded so a failing run can be replayed (mulberry32).
function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const random = seededRandom(Number(process.env.LOAD_SEED ?? 20261126))

/** The failures a real tenant shows under load, one picked per injected failure. */
const TOKEN_FAILURES: EmulatorFailure[] = [
  { endpoint: 'token', status: 503 },
  { endpoint: 'token', status: 500, body: '<html>upstream error</html>', contentType: 'text/html' },
  { endpoint: 'token', status: 200, body: '{"access_token":' },
  { endpoint: 'token', idToken: { signature: 'bad' } },
  { endpoint: 'token', idToken: { claims: { nonce: 'stale' } } },
]

function listen(handler: (request: Request) => Promise<Response>): Promise<http.Server> {
  return new Promise((resolve, reject) => {
    const server = http.createServer(toNodeListener(handler))
    server.keepAliveTimeout = 30_000
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(server))
  })
}

const origin = (server: http.Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`

function close(server: http.Server | undefined): Promise<void> {
  if (!server) return Promise.resolve()
  return new Promise((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })
}

v8.setFlagsFromString('--expose-gc')
const collectGarbage = vm.runInNewContext('gc') as () => void

/**
 * Heap in use after full collections. Each is followed by a turn of the event loop, so that
 * FinalizationRegistry callbacks (undici frees fetch bodies through them) run and what they
 * release is collected by the next one.
 */
async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    collectGarbage()
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return process.memoryUsage().heapUsed
}

let tenantServer: http.Server | undefined
let appServer: http.Server | undefined
let emulator: Auth0Emulator
let auth: Auth<unknown>
let appOrigin: string
let tenantOrigin: string
const injected = { token: 0, authorize: 0 }
/** Failed answers users saw, counted by `status code` (a list would itself grow with the load). */
const failures = new Map<string, number>()
const failureCount = () => [...failures.values()].reduce((sum, count) => sum + count, 0)

beforeAll(async () => {
  let tenant: (request: Request) => Promise<Response> = async () => new Response('starting', { status: 503 })
  tenantServer = await listen((request) => tenant(request))
  tenantOrigin = origin(tenantServer)
  emulator = await createAuth0Emulator({
    origin: tenantOrigin,
    users: Array.from({ length: USERS }, (_, i) => ({ user_id: `auth0|user${i}`, email: `user${i}@example.com`, name: `User ${i}` })),
    // Each user has a GitHub account of their own, nobody's yet: the link's sign-in names it by
    // the login_hint the virtual user puts on every /authorize (its email), as a person signs in
    // to GitHub as themselves; the emulator refuses a login_hint no account matches.
    providerAccounts: Array.from({ length: USERS }, (_, i) => ({
      connection: 'github',
      user_id: `77${i}`,
      email: `user${i}@example.com`,
      name: `user${i}-on-github`,
    })),
  })
  // The failure is queued right before the request reaches the emulator, so it hits this request.
  tenant = (request) => {
    const path = new URL(request.url).pathname
    if (path === '/oauth/token' && random() < FAILURE_RATE) {
      injected.token++
      emulator.fail(TOKEN_FAILURES[Math.floor(random() * TOKEN_FAILURES.length)]!)
    } else if (path === '/authorize' && random() < FAILURE_RATE) {
      injected.authorize++
      emulator.fail({
        endpoint: 'authorize',
        error: random() < 0.5 ? 'temporarily_unavailable' : 'access_denied',
        errorDescription: 'Injected <b>failure</b>',
      })
    }
    return emulator.handle(request)
  }

  let app: (request: Request) => Promise<Response> = async () => new Response('starting', { status: 503 })
  appServer = await listen((request) => app(request))
  appOrigin = origin(appServer)
  auth = createAuth({
    domain: tenantOrigin,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    secret: 'load-test-secret-that-is-at-least-32-characters',
    appBaseUrl: appOrigin,
    // No offline_access: the emulator would keep every refresh token it issues, and its growth
    // would be measured as the app's.
    authorizationParams: { scope: 'openid profile email' },
  })
  app = async (request) => (await auth.handler(request)) ?? new Response('app page', { headers: { 'content-type': 'text/plain' } })
})

afterAll(async () => {
  await close(appServer)
  await close(tenantServer)
})

async function recordFailure(response: Response): Promise<void> {
  const text = await response.text()
  let code: unknown
  try {
    code = (JSON.parse(text) as { error?: unknown }).error
  } catch {
    code = `untyped: ${text.slice(0, 80)}`
  }
  const key = `${response.status} ${String(code)}`
  failures.set(key, (failures.get(key) ?? 0) + 1)
}

function expectEveryFailureTyped(): void {
  for (const key of failures.keys()) {
    const [status = '', code = ''] = key.split(' ')
    expect(TYPED_CODES.has(code), `untyped failure: ${key}`).toBe(true)
    expect(['400', '401', '403', '409', '502', '504']).toContain(status)
  }
}

const identitiesOf = (userId: string) => emulator.getUser(userId)!.identities.map((identity) => identity.connection)

/** Runs a step until it lands on `landing`, or until Auth0's record shows it took effect anyway. */
async function step(user: VirtualUser, path: string, landing: string, done: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const { url, response } = await user.navigate(path)
    if (response.status === 200 && url.pathname === landing) {
      await response.body?.cancel()
      return
    }
    await recordFailure(response)
    // A failed callback can follow a successful /authorize: the identity is linked at Auth0 already.
    if (done()) return
  }
  throw new Error(`${user.loginHint} could not complete ${path}: ${JSON.stringify([...failures])}`)
}

async function expectOwnSession(user: VirtualUser, userId: string): Promise<void> {
  const response = await user.send(new URL('/auth/profile', appOrigin), 'same-origin')
  expect(response.status, `${userId} lost their session`).toBe(200)
  expect(((await response.json()) as { sub: string }).sub, `${userId} got someone else's session`).toBe(userId)
}

async function journey(user: VirtualUser, userId: string, signIn: boolean): Promise<void> {
  if (signIn) await step(user, '/auth/login?returnTo=/home', '/home', () => false)
  await expectOwnSession(user, userId)
  await step(user, '/auth/link?connection=github&returnTo=/linked', '/linked', () => identitiesOf(userId).includes('github'))
  await expectOwnSession(user, userId)
  await step(user, '/auth/unlink?connection=github&returnTo=/unlinked', '/unlinked', () => !identitiesOf(userId).includes('github'))
  await expectOwnSession(user, userId)
}

/**
 * The cheap paths, none of which reaches the token endpoint: reads, a link and a login that Auth0
 * refuses, a callback for an unknown state, a path that is not an auth route.
 */
async function browse(user: VirtualUser, userId: string): Promise<void> {
  await expectOwnSession(user, userId)
  const token = await user.send(new URL('/auth/access-token', appOrigin), 'same-origin')
  expect(token.status).toBe(200)
  await token.body?.cancel()
  const link = await user.send(new URL('/auth/link?connection=github', appOrigin), 'same-origin')
  expect(link.status).toBe(302)
  const state = new URL(link.headers.get('location')!).searchParams.get('state')!
  const login = await user.send(new URL('/auth/login?returnTo=/x', appOrigin), 'same-origin')
  expect(login.status).toBe(302)
  const loginState = new URL(login.headers.get('location')!).searchParams.get('state')!
  // Both flows end with Auth0 refusing them, so no transaction cookie is left behind: the jar's
  // growth towards the five-transaction cap would otherwise be measured as the app's.
  const refused = (flowState: string) => `state=${flowState}&error=access_denied&error_description=No`
  for (const query of [`state=${'A'.repeat(43)}&code=x`, refused(state), refused(loginState)]) {
    const callback = await user.send(new URL(`/auth/callback?${query}`, appOrigin), 'cross-site')
    expect(callback.status).toBe(400)
    await recordFailure(callback)
  }
  await (await user.send(new URL('/not-an-auth-route', appOrigin), 'same-origin')).body?.cancel()
  await expectOwnSession(user, userId)
}

describe(`${USERS} concurrent users through the Node adapter, ${FAILURE_RATE * 100}% injected failures`, () => {
  const users = Array.from({ length: USERS }, (_, i) => ({ userId: `auth0|user${i}`, user: new VirtualUser('', '', '') }))
  const requests = () => users.reduce((sum, { user }) => sum + user.requests, 0)
  const heap: number[] = []

  it('signs everyone in, links and unlinks, with no session lost or swapped and every failure typed', async () => {
    for (const [i, entry] of users.entries()) entry.user = new VirtualUser(appOrigin, tenantOrigin, `user${i}@example.com`)
    await Promise.all(users.map(({ user, userId }) => journey(user, userId, true)))
    for (const { userId } of users) expect(identitiesOf(userId)).toEqual(['Username-Password-Authentication'])
    expect(injected.token + injected.authorize).toBeGreaterThan(0)
    expect(failureCount()).toBeGreaterThan(0)
    expectEveryFailureTyped()
    console.log(
      `phase 1: ${requests()} requests, ${injected.token} token + ${injected.authorize} authorize failures injected; failures seen: ${JSON.stringify(Object.fromEntries(failures))}`,
    )
  })

  it(`keeps memory flat up to ${REQUESTS_FOR_MEMORY} requests (no unbounded cache)`, async () => {
    // The emulator's own request log is test scaffolding; it would otherwise count as the app's growth.
    const clearEmulatorLog = () => (emulator.authorizeRequests as URLSearchParams[]).splice(0)
    let rounds = 0
    let checkpoint = 0
    // Sign-in, link and unlink warmed up in the first test. The heap after the first browse round
    // still swings by ±2 MiB from run to run (JIT, lazily grown pools); from the second on it moves
    // by under 0.2 MiB a round, so the baseline is taken there.
    const WARM_UP_ROUNDS = 2
    const MEASURED_REQUESTS = 5_000
    while (rounds < WARM_UP_ROUNDS || requests() < REQUESTS_FOR_MEMORY || requests() - checkpoint < MEASURED_REQUESTS) {
      // An eighth of the users link and unlink again each round; the rest use the cheap paths.
      await Promise.all(users.map(({ user, userId }, i) => (i % 8 === rounds % 8 ? journey(user, userId, false) : browse(user, userId))))
      clearEmulatorLog()
      if (++rounds === WARM_UP_ROUNDS) {
        heap.push(await heapAfterGc())
        checkpoint = requests()
      }
    }
    heap.push(await heapAfterGc())
    const growth = heap[1]! - heap[0]!
    const between = requests() - checkpoint
    console.log(
      `memory: ${requests()} requests in ${rounds} rounds; between checkpoints ${between} requests, heap ` +
        `${(heap[0]! / 2 ** 20).toFixed(1)} → ${(heap[1]! / 2 ** 20).toFixed(1)} MiB (${(growth / 1024).toFixed(0)} KiB, ${(growth / between).toFixed(0)} B/request)`,
    )
    expect(requests()).toBeGreaterThanOrEqual(REQUESTS_FOR_MEMORY)
    expectEveryFailureTyped()
    for (const { user, userId } of users) await expectOwnSession(user, userId)
    // Measured -30 to +20 B/request here, also with the CPU shared with two other processes; a
    // cache keeping even 128 bytes per request would grow past this over the 5,000+ measured (a
    // 300-byte string kept per request in the test's own server was measured at 350 B/request).
    expect(growth).toBeLessThan(between * 128)
  })
})
