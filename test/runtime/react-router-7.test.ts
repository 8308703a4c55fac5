/**
 * @module The React Router adapter under React Router 7 (the `react-router7` devDependency, an
 * alias of the newest react-router 7.x): React Router 7's own server runtime, `createRequestHandler`,
 * runs a hand-written ServerBuild whose route modules use the adapter as examples/react-router's
 * do (the `auth/*` resource route answering with `handleAuth`, loaders calling `getUser(request)`,
 * actions starting link/unlink with `bindAuth`'s cookies on the returned `redirect`), served over
 * loopback HTTP by node:http on the host Node (React Router 7 declares Node ≥ 20), against the
 * emulated tenant. The same two suites as the built React Router 8 app (react-router.test.ts) run
 * against it; what is not covered is `react-router build` (Vite) of a 7.x app, which only bundles
 * these same modules.
 */

import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { createRequestListener } from '@remix-run/node-fetch-server'
import {
  type ActionFunctionArgs,
  createRequestHandler,
  type EntryContext,
  type LoaderFunctionArgs,
  redirect,
  type ServerBuild,
} from 'react-router7'
import { describe, expect, it } from 'vitest'
import { bindAuth, createAuth, handleAuth } from '../../adapters/react-router.js'
import { Auth0LinkKitError, errorResponse, MissingSessionError } from '../../core/index.js'
import { runFrameworkSuite } from './framework-behaviours.js'
import { appEnv, runBehaviourSuite, type StartedApp, startEmulatorServer } from './harness.js'

const { version } = createRequire(import.meta.url)('react-router7/package.json') as { version: string }
const LINKABLE = ['github', 'google-oauth2']

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char)

/**
 * The app: examples/react-router's route modules, written out against React Router 7's exports.
 * Pages render plain HTML from their loader data in the server entry (no React tree: what is
 * under test is the adapter inside React Router's request handling, not React rendering).
 */
function buildFor(env: Record<string, string>): ServerBuild {
  const auth = createAuth({ connectedAccounts: { enabled: true } }, env)

  // A default export makes a route a page (a document request rendered by the server entry);
  // without one React Router treats it as a resource route and answers its loader's data as JSON.
  const page = () => null
  const home = {
    async loader({ request }: LoaderFunctionArgs) {
      const user = await auth.getUser(request)
      return { email: user?.email ?? null }
    },
    headers: () => ({ 'cache-control': 'no-store' }),
    default: page,
  }
  const account = {
    async loader({ request }: LoaderFunctionArgs) {
      const user = await auth.getUser(request)
      if (!user)
        throw redirect(`/auth/login?returnTo=${encodeURIComponent(new URL(request.url).pathname)}`, {
          headers: { 'cache-control': 'no-store' },
        })
      return { email: user.email ?? '' }
    },
    default: page,
  }
  const hello = {
    loader: () =>
      new Response(`hello from react-router ${version} on node ${process.version}`, {
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      }),
  }
  const me = {
    async loader({ request }: LoaderFunctionArgs) {
      const user = await auth.getUser(request)
      const session = await auth.getSession(request)
      return Response.json({ sub: user?.sub ?? null, email: user?.email ?? null, hasTokens: (session?.tokenSets.length ?? 0) > 0 })
    },
  }
  const settings = {
    async action({ request, params }: ActionFunctionArgs) {
      const connection = String((await request.formData()).get('connection') ?? '')
      if (!LINKABLE.includes(connection) || (params.flow !== 'link' && params.flow !== 'unlink'))
        return new Response('Bad request', { status: 400 })
      const { auth: requestAuth, headers } = bindAuth(auth, request)
      const options = { connection, appState: { returnTo: '/' } }
      try {
        const url = params.flow === 'link' ? await requestAuth.startLinkUser(options) : await requestAuth.startUnlinkUser(options)
        return redirect(url.href, { status: 303, headers })
      } catch (error) {
        if (error instanceof MissingSessionError) return redirect('/auth/login?returnTo=/', 303)
        if (error instanceof Auth0LinkKitError) return errorResponse(error, request)
        throw error
      }
    },
  }
  const authRoute = {
    loader: ({ request }: LoaderFunctionArgs) => handleAuth(auth, request),
    action: ({ request }: ActionFunctionArgs) => handleAuth(auth, request),
  }

  function handleRequest(request: Request, status: number, headers: Headers, context: EntryContext) {
    headers.set('content-type', 'text/html; charset=utf-8')
    if (request.method.toUpperCase() === 'HEAD') return new Response(null, { status, headers })
    const data = context.staticHandlerContext.loaderData as Record<string, { email?: string | null } | undefined>
    const email = data['routes/account']?.email ?? data['routes/home']?.email
    const body = email ? `<p>Signed in as ${escapeHtml(email)}</p>` : '<a href="/auth/login?returnTo=/">Sign in</a>'
    return new Response(`<!doctype html><html lang="en"><body>${body}</body></html>`, { status, headers })
  }

  const modules = {
    root: { path: '', module: { default: page } },
    'routes/home': { index: true, module: home },
    'routes/hello': { path: 'hello', module: hello },
    'routes/me': { path: 'me', module: me },
    'routes/account': { path: 'account', module: account },
    'routes/settings': { path: 'settings/:flow', module: settings },
    'routes/auth': { path: 'auth/*', module: authRoute },
  } as const
  // Typed loosely and cast once below: React Router's types want a component on every route
  // module, though a resource route (no component) is what its runtime serves for /auth/*.
  const routes: Record<string, object> = {}
  const assetRoutes: Record<string, object> = {}
  for (const [id, { module, ...where }] of Object.entries(modules)) {
    const parentId = id === 'root' ? undefined : 'root'
    routes[id] = { id, parentId, ...where, module }
    assetRoutes[id] = {
      id,
      parentId,
      ...where,
      module: `/assets/${id}.js`,
      hasAction: 'action' in module,
      hasLoader: 'loader' in module,
      hasClientAction: false,
      hasClientLoader: false,
      hasClientMiddleware: false,
      hasErrorBoundary: false,
    }
  }
  return {
    entry: { module: { default: handleRequest } },
    routes,
    assets: { entry: { module: '/assets/entry.client.js', imports: [] }, routes: assetRoutes, url: '/assets/manifest.js', version: '1' },
    publicPath: '/',
    assetsBuildDirectory: 'build/client',
    future: {},
    ssr: true,
    isSpaMode: false,
    prerender: [],
    routeDiscovery: { mode: 'lazy', manifestPath: '/__manifest' },
  } as unknown as ServerBuild
}

/** React Router 7's request handler over the build, on node:http at 127.0.0.1 and a free port. */
async function startReactRouter7(): Promise<StartedApp> {
  const tenant = await startEmulatorServer()
  const handler = createRequestHandler(buildFor(appEnv(tenant.emulator, tenant.origin)), 'production')
  const { createServer } = await import('node:http')
  const server = createServer(createRequestListener((request) => handler(request)))
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', resolve)
    })
  } catch (error) {
    await tenant.stop()
    throw error
  }
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    emulator: tenant.emulator,
    stop: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await tenant.stop()
    },
  }
}

describe('the react-router7 devDependency', () => {
  it('is React Router 7, not the 8.x the example builds with', () => {
    expect(version).toMatch(/^7\./)
  })
})

runBehaviourSuite(`React Router ${version} (createRequestHandler over node:http on the host Node)`, startReactRouter7, {
  runtime: 'react-router',
})
runFrameworkSuite(
  `React Router ${version}: loaders, actions with cookies on the redirect, prefetch, cross-site, cookies, error page`,
  startReactRouter7,
)
