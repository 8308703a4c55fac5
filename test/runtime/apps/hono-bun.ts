// The Hono example app on Bun: `Bun.serve({ fetch: app.fetch })`, options from Bun.env.
import { createAuth } from 'auth0-link-kit/hono'
// @ts-expect-error plain JS app shared by every runtime
import { createApp } from '../../../examples/hono/app.js'

declare const Bun: {
  env: Record<string, string | undefined>
  version: string
  serve(options: { port?: number; hostname?: string; fetch(request: Request): Response | Promise<Response> }): { port: number }
}

const app = createApp({ auth: createAuth({}, Bun.env), runtime: `bun ${Bun.version}`, mode: 'Hono on Bun' })
const server = Bun.serve({ port: Number(Bun.env.PORT ?? 0), hostname: Bun.env.HOST ?? '127.0.0.1', fetch: app.fetch })
console.log(`LISTENING ${server.port}`)
