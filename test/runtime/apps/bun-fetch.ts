// The Bun adapter in `Bun.serve({ fetch })` style, for the runtime suite (the example uses `routes`).
import { createAuth, withAuth } from 'auth0-link-kit/bun'
// @ts-expect-error plain JS page shared with the examples
import { renderPage } from '../../../examples/demo/page.js'

declare const Bun: {
  env: Record<string, string | undefined>
  version: string
  serve(options: { port?: number; hostname?: string; fetch(request: Request): Response | Promise<Response> }): { port: number }
}

const auth = createAuth()

const server = Bun.serve({
  port: Number(Bun.env.PORT ?? 0),
  hostname: Bun.env.HOST ?? '127.0.0.1',
  fetch: withAuth(auth, async (request) => {
    const { pathname } = new URL(request.url)
    if (pathname === '/hello') return new Response(`hello from bun ${Bun.version}`)
    if (pathname !== '/') return new Response('Not found', { status: 404 })
    const html: string = renderPage({ user: await auth.getUser(request), linkable: ['github'], mode: 'fetch style' })
    return new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } })
  }),
})
console.log(`LISTENING ${server.port}`)
