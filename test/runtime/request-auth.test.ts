// Every adapter hands app code the same per-request object: the core's RequestAuth, with every
// per-request method of ServerClient. Compared against the client's own method list, so a method
// added to the client and missing from an adapter fails here.

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Cookies, RequestEvent } from '@sveltejs/kit'
import { Hono } from 'hono'
import { describe, expect, it, vi } from 'vitest'
import { auth0, type Variables } from '../../adapters/hono.js'
import { createNextAuth } from '../../adapters/next.js'
import { authMiddleware } from '../../adapters/node.js'
import { type Auth0Locals, auth0Handle } from '../../adapters/sveltekit.js'
import { PER_REQUEST_METHODS } from '../../core/bind-request.js'
import { bindRequest, headersCookieSink, ServerClient, type StoreOptions } from '../../core/index.js'
import { signedInBrowser } from '../support/flows.js'
import { APP_ORIGIN, authOptions, createTestAuth, useMockedTenant } from '../support/tenant.js'

const written: Array<{ name: string; maxAge: unknown }> = []
vi.mock('next/headers', () => ({
  cookies: async () => ({
    getAll: () => [],
    set: (name: string, _value: string, options: { maxAge?: unknown }) => void written.push({ name, maxAge: options.maxAge }),
  }),
  headers: async () => new Headers({ host: 'localhost:3000' }),
}))
vi.mock('next/navigation', () => ({ redirect: () => undefined }))
vi.mock('next/server', () => ({ NextResponse: { next: () => new Response(null) } }))

const tenant = useMockedTenant()

/** The client's per-request methods, read from the class itself: all but the constructor and the one that needs no request. */
function clientMethods(): string[] {
  const names = Object.getOwnPropertyNames(ServerClient.prototype).filter((name) => name !== 'constructor')
  return names.filter((name) => name !== 'createDpopProof').sort()
}

function methodsOf(value: object | undefined): string[] {
  expect(value).toBeDefined()
  const object = value as Record<string, unknown>
  return clientMethods().filter((name) => typeof object[name] === 'function')
}

describe('RequestAuth', () => {
  it('lists every per-request method of ServerClient', () => {
    expect([...PER_REQUEST_METHODS].sort()).toEqual(clientMethods())
    expect(clientMethods().length).toBeGreaterThan(15)
  })

  it('is what bindRequest, SvelteKit, Hono, Node and Next hand to app code, method for method', async () => {
    const auth = createTestAuth(tenant.emulator)
    const request = new Request(`${APP_ORIGIN}/app`)

    const bound = bindRequest(auth, request, headersCookieSink(new Headers()))
    expect(methodsOf(bound)).toEqual(clientMethods())

    const locals: { auth?: Auth0Locals } = {}
    const event = { request, url: new URL(request.url), cookies: {} as Cookies, locals } as unknown as RequestEvent
    await auth0Handle(auth)({ event, resolve: async () => new Response('app') })
    expect(methodsOf(locals.auth)).toEqual(clientMethods())

    let fromHono: object | undefined
    const app = new Hono<{ Variables: Variables }>()
    app.use(auth0(auth))
    app.get('/app', (c) => {
      fromHono = c.var.auth
      return c.text('app')
    })
    expect((await app.request(request)).status).toBe(200)
    expect(methodsOf(fromHono)).toEqual(clientMethods())

    const req = { url: '/app', method: 'GET', headers: { host: 'localhost:3000' } } as unknown as IncomingMessage
    const next = vi.fn()
    authMiddleware(auth)(req, {} as ServerResponse, next)
    expect(next).toHaveBeenCalledWith()
    expect(methodsOf(req.auth0)).toEqual(clientMethods())

    const nextAuth = createNextAuth(authOptions(tenant.emulator))
    expect(methodsOf(await nextAuth.requestAuth())).toEqual(clientMethods())
  })

  it('keeps scope on getAccessToken and sends a refreshed session to the sink', async () => {
    const auth = createTestAuth(tenant.emulator)
    const browser = await signedInBrowser(auth, tenant.emulator)
    const cookies = new Headers()
    const requestAuth = bindRequest(auth, browser.request('/'), headersCookieSink(cookies))
    const { scope } = await requestAuth.getAccessToken({ scope: 'openid profile' })
    expect(scope).toBeTypeOf('string')
    // A token set for a narrower scope is a new token set in the session: the session cookie is rewritten.
    expect(cookies.getSetCookie().some((cookie) => cookie.startsWith('__session'))).toBe(true)
  })

  it('deletes a cookie an earlier call wrote when a later call in the request supersedes it', async () => {
    // The core's cookie jar drops its own earlier write of a name when it writes it again (a whole
    // __session replaced by chunks); a sink that already passed the first write on must delete it.
    const client = {
      getSession: async ({ response }: StoreOptions) =>
        void response.headers.append('set-cookie', '__session=a; Path=/; HttpOnly; SameSite=Lax; Max-Age=60'),
      getUser: async ({ response }: StoreOptions) => {
        response.headers.delete('set-cookie')
        response.headers.append('set-cookie', '__session.0=b; Path=/; HttpOnly; SameSite=Lax; Max-Age=60')
      },
    } as unknown as ServerClient
    const sent: Array<[string, string, number]> = []
    const requestAuth = bindRequest(
      { client },
      new Request(`${APP_ORIGIN}/`),
      ({ name, value, maxAge }) => void sent.push([name, value, maxAge]),
    )
    await requestAuth.getSession()
    await requestAuth.getUser()
    expect(sent).toEqual([
      ['__session', 'a', 60],
      ['__session', '', 0],
      ['__session.0', 'b', 60],
    ])
  })
})
