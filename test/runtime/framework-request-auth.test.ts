/**
 * @module The framework adapters of issue 23 (Fastify, Nuxt/h3, React Router, Astro) hand app
 * code the core's RequestAuth, method for method, compared against the client's own method list
 * (as test/runtime/request-auth.test.ts does for the older adapters), and their cookie sinks put
 * a started link's transaction cookie on the response.
 */
import type { APIContext } from 'astro'
import Fastify from 'fastify'
import { createApp, eventHandler, toWebHandler } from 'h3'
import { describe, expect, it } from 'vitest'
import { type Auth0Locals, auth0Middleware as astroMiddleware } from '../../adapters/astro.js'
import { auth0 as fastifyPlugin } from '../../adapters/fastify.js'
import { auth0Middleware as nuxtMiddleware, useAuth } from '../../adapters/nuxt.js'
import { bindAuth } from '../../adapters/react-router.js'
import { PER_REQUEST_METHODS } from '../../core/bind-request.js'
import type { RequestAuth } from '../../core/index.js'
import { signedInBrowser } from '../support/flows.js'
import { APP_ORIGIN, createTestAuth, useMockedTenant } from '../support/tenant.js'

const tenant = useMockedTenant()
const methodsOf = (value: object | undefined) => {
  expect(value).toBeDefined()
  return Object.keys(value as object)
    .filter((name) => typeof (value as Record<string, unknown>)[name] === 'function')
    .sort()
}
const perRequest = () => [...PER_REQUEST_METHODS].sort()
const txCookies = (response: Response) => response.headers.getSetCookie().filter((cookie) => cookie.startsWith('__a0_tx.'))

describe('framework adapters hand app code the core RequestAuth', () => {
  it('Fastify: request.auth, and a link started on it sets its cookie through reply.header', async () => {
    const auth = createTestAuth(tenant.emulator)
    const browser = await signedInBrowser(auth, tenant.emulator)
    const cookie = browser.request('/').headers.get('cookie') ?? ''
    let seen: RequestAuth | undefined
    const app = Fastify()
    await app.register(fastifyPlugin, { auth })
    app.get('/link', async (request, reply) => {
      seen = request.auth
      return reply.redirect((await request.auth.startLinkUser({ connection: 'github' })).href, 303)
    })
    const response = await app.inject({ method: 'GET', url: '/link', headers: { host: 'localhost:3000', cookie } })
    await app.close()
    expect(methodsOf(seen)).toEqual(perRequest())
    expect(response.statusCode).toBe(303)
    const setCookie = response.headers['set-cookie']
    expect((Array.isArray(setCookie) ? setCookie : [setCookie]).some((value) => String(value).startsWith('__a0_tx.'))).toBe(true)
  })

  it('Nuxt/h3: useAuth(event), and the link cookie goes out with the route response', async () => {
    const auth = createTestAuth(tenant.emulator)
    const browser = await signedInBrowser(auth, tenant.emulator)
    let seen: RequestAuth | undefined
    const app = createApp()
    app.use(nuxtMiddleware(auth))
    app.use(
      '/link',
      eventHandler(async (event) => {
        seen = useAuth(event)
        return { url: (await seen.startLinkUser({ connection: 'github' })).href }
      }),
    )
    const response = await toWebHandler(app)(browser.request('/link'))
    expect(response.status).toBe(200)
    expect(methodsOf(seen)).toEqual(perRequest())
    expect(txCookies(response)).toHaveLength(1)
  })

  it('React Router: bindAuth gives RequestAuth and the headers for the returned redirect', async () => {
    const auth = createTestAuth(tenant.emulator)
    const browser = await signedInBrowser(auth, tenant.emulator)
    const { auth: requestAuth, headers } = bindAuth(auth, browser.request('/settings/link', { method: 'POST' }))
    expect(methodsOf(requestAuth)).toEqual(perRequest())
    await requestAuth.startLinkUser({ connection: 'github' })
    expect(headers.getSetCookie().filter((cookie) => cookie.startsWith('__a0_tx.'))).toHaveLength(1)
  })

  it('Astro: locals.auth, and the middleware adds the cookies to the page response', async () => {
    const auth = createTestAuth(tenant.emulator)
    const browser = await signedInBrowser(auth, tenant.emulator)
    const request = browser.request('/link')
    const locals = {} as Partial<Auth0Locals>
    const context = { request, url: new URL(request.url), locals } as unknown as APIContext
    const response = (await astroMiddleware(auth)(context, async () => {
      const url = await locals.auth!.startLinkUser({ connection: 'github' })
      return new Response(null, { status: 303, headers: { location: url.href } })
    })) as Response
    expect(methodsOf(locals.auth)).toEqual(perRequest())
    expect(response.status).toBe(303)
    expect(txCookies(response)).toHaveLength(1)
  })

  it('answers an auth route itself in every adapter (the core handler, not app code)', async () => {
    const auth = createTestAuth(tenant.emulator)
    const login = () => new Request(`${APP_ORIGIN}/auth/login?returnTo=/`)
    const app = createApp()
    app.use(nuxtMiddleware(auth))
    const fromNuxt = await toWebHandler(app)(login())
    const fromAstro = (await astroMiddleware(auth)(
      { request: login(), url: new URL(login().url), locals: {} } as unknown as APIContext,
      async () => new Response('app'),
    )) as Response
    const fastify = Fastify()
    await fastify.register(fastifyPlugin, { auth })
    const fromFastify = await fastify.inject({ method: 'GET', url: '/auth/login?returnTo=/', headers: { host: 'localhost:3000' } })
    await fastify.close()
    for (const status of [fromNuxt.status, fromAstro.status, fromFastify.statusCode]) expect(status).toBe(302)
    expect(new URL(fromNuxt.headers.get('location')!).origin).toBe(tenant.emulator.origin)
    expect(new URL(fromAstro.headers.get('location')!).origin).toBe(tenant.emulator.origin)
    expect(new URL(String(fromFastify.headers.location)).origin).toBe(tenant.emulator.origin)
  })
})
