// The Hono example app on Deno: `Deno.serve(app.fetch)`, options from Deno.env.
import { createAuth } from 'auth0-link-kit/hono'
// @ts-expect-error plain JS app shared by every runtime
import { createApp } from '../../../examples/hono/app.js'

declare const Deno: {
  env: { toObject(): Record<string, string>; get(name: string): string | undefined }
  version: { deno: string }
  serve(
    options: { port: number; hostname: string; onListen(address: { port: number }): void },
    handler: (request: Request) => Response | Promise<Response>,
  ): unknown
}

const app = createApp({ auth: createAuth({}, Deno.env.toObject()), runtime: `deno ${Deno.version.deno}`, mode: 'Hono on Deno' })
Deno.serve(
  {
    port: Number(Deno.env.get('PORT') ?? 0),
    hostname: Deno.env.get('HOST') ?? '127.0.0.1',
    onListen: ({ port }) => console.log(`LISTENING ${port}`),
  },
  app.fetch,
)
