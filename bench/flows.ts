import type { StoreOptions } from '../core/stores.js'
import { BrowserJar } from './browser-jar.js'
import { APP_ORIGIN, type Contender } from './contenders.js'
import type { BenchTenant } from './tenant.js'

/** One prepared call: its inputs are built, only the library call is left to run (and time). */
export type PreparedCall = () => Promise<unknown>

export type OperationName =
  | 'startInteractiveLogin'
  | 'startInteractiveLoginPar'
  | 'completeInteractiveLogin'
  | 'startLinkUser'
  | 'completeLinkUser'
  | 'startUnlinkUser'
  | 'completeUnlinkUser'
  | 'getSession'
  | 'refreshAccessToken'
  | 'startConnectAccount'
  | 'getAccessTokenForConnection'
  | 'getAccessTokenForConnectionCached'

export const OPERATIONS: readonly OperationName[] = [
  'startInteractiveLogin',
  'startInteractiveLoginPar',
  'completeInteractiveLogin',
  'startLinkUser',
  'completeLinkUser',
  'startUnlinkUser',
  'completeUnlinkUser',
  'getSession',
  'refreshAccessToken',
  'startConnectAccount',
  'getAccessTokenForConnection',
  'getAccessTokenForConnectionCached',
]

/** Whether `contender` has `operation` at all (auth0-server-js has no Connected Accounts start). */
export function supports(contender: Contender, operation: OperationName): boolean {
  if (operation === 'startConnectAccount') return contender.startConnectAccount !== undefined
  if (operation === 'startInteractiveLoginPar') return contender.startInteractiveLoginPar !== undefined
  if (operation.startsWith('getAccessTokenForConnection')) return contender.getAccessTokenForConnection !== undefined
  return true
}

/** Runs `call` once on `jar` (untimed) and keeps the cookies it wrote: a session with a token cached. */
async function primed(jar: BrowserJar, call: (storeOptions: StoreOptions) => Promise<unknown>): Promise<BrowserJar> {
  const options = storeOptions(jar, `${APP_ORIGIN}/calendar`)
  await call(options)
  return jar.store(options.response.headers)
}

function storeOptions(jar: BrowserJar, url: string | URL): StoreOptions & { response: Response } {
  return { request: jar.request(url), response: new Response(null) }
}

/** A browser with a session: a full login through the library and the tenant. */
export async function signIn(
  contender: Contender,
  tenant: BenchTenant,
  options: { accessTokenLifetime?: number } = {},
): Promise<BrowserJar> {
  const jar = new BrowserJar()
  const start = storeOptions(jar, `${APP_ORIGIN}/auth/login`)
  const authorizeUrl = await contender.startInteractiveLogin(start)
  jar.store(start.response.headers)
  const callback = await tenant.authorize(authorizeUrl, options)
  const complete = storeOptions(jar, callback)
  await contender.completeInteractiveLogin(callback, complete)
  jar.store(complete.response.headers)
  return jar
}

/** Starts a flow in `jar` and returns the callback URL Auth0 would send the browser to. */
async function callbackFor(contender: Contender, tenant: BenchTenant, jar: BrowserJar, flow: 'login' | 'link' | 'unlink'): Promise<URL> {
  const start = storeOptions(jar, `${APP_ORIGIN}/auth/${flow}`)
  const authorizeUrl =
    flow === 'login'
      ? await contender.startInteractiveLogin(start)
      : flow === 'link'
        ? await contender.startLinkUser(start)
        : await contender.startUnlinkUser(start)
  jar.store(start.response.headers)
  return tenant.authorize(authorizeUrl)
}

/**
 * Builds the inputs of one call of `operation` (untimed): fresh `Request` objects, a started
 * transaction and the tenant's callback for the `complete*` calls. `session` is a signed-in
 * browser; it is copied, never changed, so every call sees the same session cookie.
 */
export async function prepareCall(
  operation: OperationName,
  contender: Contender,
  tenant: BenchTenant,
  session: BrowserJar,
): Promise<PreparedCall> {
  switch (operation) {
    case 'startInteractiveLogin': {
      const options = storeOptions(new BrowserJar(), `${APP_ORIGIN}/auth/login`)
      return () => contender.startInteractiveLogin(options)
    }
    case 'startInteractiveLoginPar': {
      // The same start, its parameters pushed to the tenant's PAR endpoint first: one more round
      // trip (the in-process emulator's, billed to us here) and no more crypto of ours.
      const start = contender.startInteractiveLoginPar!.bind(contender)
      const options = storeOptions(new BrowserJar(), `${APP_ORIGIN}/auth/login`)
      return () => start(options)
    }
    case 'completeInteractiveLogin': {
      const jar = new BrowserJar()
      const callback = await callbackFor(contender, tenant, jar, 'login')
      const options = storeOptions(jar, callback)
      return () => contender.completeInteractiveLogin(callback, options)
    }
    case 'startLinkUser': {
      const options = storeOptions(session, `${APP_ORIGIN}/auth/link`)
      return () => contender.startLinkUser(options)
    }
    case 'completeLinkUser': {
      const jar = session.clone()
      const callback = await callbackFor(contender, tenant, jar, 'link')
      const options = storeOptions(jar, callback)
      return () => contender.completeLinkUser(callback, options)
    }
    case 'startUnlinkUser': {
      const options = storeOptions(session, `${APP_ORIGIN}/auth/unlink`)
      return () => contender.startUnlinkUser(options)
    }
    case 'completeUnlinkUser': {
      const jar = session.clone()
      const callback = await callbackFor(contender, tenant, jar, 'unlink')
      const options = storeOptions(jar, callback)
      return () => contender.completeUnlinkUser(callback, options)
    }
    case 'refreshAccessToken': {
      // A session whose access token has expired (and whose refresh the tenant signed ahead): the
      // call refreshes it, verifies the new ID token and writes the session back.
      const jar = await signIn(contender, tenant, { accessTokenLifetime: 0 })
      const options = storeOptions(jar, `${APP_ORIGIN}/api`)
      return () => contender.getAccessToken(options)
    }
    case 'startConnectAccount': {
      // The My Account API token is in the session already (as after the first connect of a
      // visit): the call is the PKCE start, the connect request and the transaction.
      const start = contender.startConnectAccount!.bind(contender)
      const jar = await primed(session.clone(), start)
      const options = storeOptions(jar, `${APP_ORIGIN}/auth/connect`)
      return () => start(options)
    }
    case 'getAccessTokenForConnection': {
      // A session of its own, with no provider token yet: the call is the Token Vault exchange
      // and the session written back with the token in it.
      const jar = await signIn(contender, tenant)
      const options = storeOptions(jar, `${APP_ORIGIN}/calendar`)
      return () => contender.getAccessTokenForConnection!(options)
    }
    case 'getAccessTokenForConnectionCached': {
      const get = contender.getAccessTokenForConnection!.bind(contender)
      const jar = await primed(await signIn(contender, tenant), get)
      const options = storeOptions(jar, `${APP_ORIGIN}/calendar`)
      return () => get(options)
    }
    case 'getSession': {
      const options = storeOptions(session, `${APP_ORIGIN}/home`)
      return async () => {
        const value = await contender.getSession(options)
        if (value === undefined) throw new Error(`${contender.name}: getSession found no session`)
        return value
      }
    }
  }
}

/** Runs every operation once and checks it did its job, so a broken setup fails before timing. */
export async function checkOperations(contender: Contender, tenant: BenchTenant): Promise<void> {
  const session = await signIn(contender, tenant)
  if (session.cookieBytes(contender.sessionCookie) === 0) throw new Error(`${contender.name}: login wrote no session cookie`)
  for (const operation of OPERATIONS) {
    if (!supports(contender, operation)) continue
    const call = await prepareCall(operation, contender, tenant, session)
    const result = await call()
    if (operation.startsWith('start') && !(result instanceof URL)) throw new Error(`${contender.name}: ${operation} returned no URL`)
  }
}
