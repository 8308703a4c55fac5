// The Bun and Deno benchmark servers: the runtime's own server, bare or with our adapter in front.
// argv: <mode> where mode is one of WEB_SERVER_MODES. Bundled into one file, run by bun or deno.
import { withAuth as bunWithAuth } from '../../adapters/bun.js'
import { withAuth as denoWithAuth } from '../../adapters/deno.js'
import { FIXED_BODY, type ServerReady, sessionFixture, sessionResponse } from './fixtures.js'

export const WEB_SERVER_MODES = ['bare', 'adapter-fixed', 'adapter-ours'] as const
type Mode = (typeof WEB_SERVER_MODES)[number]
type FetchHandler = (request: Request) => Response | Promise<Response>

interface BunRuntime {
  argv: string[]
  serve(options: { port: number; hostname: string; fetch: FetchHandler }): { port: number }
}
interface DenoRuntime {
  args: string[]
  serve(options: { port: number; hostname: string; onListen(address: { port: number }): void }, handler: FetchHandler): unknown
}
const bun = (globalThis as { Bun?: BunRuntime }).Bun
const deno = (globalThis as { Deno?: DenoRuntime }).Deno

const mode = (bun ? bun.argv[2] : deno?.args[0]) as Mode
if (!WEB_SERVER_MODES.includes(mode)) throw new Error(`unknown mode ${mode}; one of ${WEB_SERVER_MODES.join(', ')}`)
const withAuth = bun ? bunWithAuth : denoWithAuth

const fixed: FetchHandler = () => new Response(FIXED_BODY, { headers: { 'content-type': 'text/plain' } })
let handler: FetchHandler = fixed
let cookie = ''
if (mode !== 'bare') {
  const fixture = await sessionFixture()
  cookie = fixture.cookie
  const app: FetchHandler = mode === 'adapter-ours' ? async (request) => sessionResponse(await fixture.auth.getSession(request)) : fixed
  handler = withAuth(fixture.auth, app)
}

const announce = (port: number) => console.log(JSON.stringify({ port, cookie } satisfies ServerReady))
if (bun) announce(bun.serve({ port: 0, hostname: '127.0.0.1', fetch: handler }).port)
else if (deno) deno.serve({ port: 0, hostname: '127.0.0.1', onListen: ({ port }) => announce(port) }, handler)
else throw new Error('run me with bun or deno')
