// `npm run bench`: compiles the TypeScript benchmark (and the library sources it imports) with
// esbuild into node_modules/.cache, then runs it. No dist/ build needed, nothing written to the repo
// except bench/RESULTS.md (on request).
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const outdir = fileURLToPath(new URL('../node_modules/.cache/auth0-link-kit-bench/', import.meta.url))

const common = { absWorkingDir: root, bundle: true, format: 'esm', target: 'node20', sourcemap: 'inline', logLevel: 'warning' }
// Node processes resolve jose, oauth4webapi and the rest from node_modules like a user's app would.
await build({
  ...common,
  platform: 'node',
  packages: 'external',
  entryPoints: {
    run: 'bench/run.ts',
    'node-server': 'bench/servers/node-server.ts',
    'hono-server': 'bench/servers/hono-server.ts',
    'fastify-server': 'bench/servers/fastify-server.ts',
    'nuxt-server': 'bench/servers/nuxt-server.ts',
  },
  outdir,
  outExtension: { '.js': '.mjs' },
})
// Bun and Deno get one self-contained file each, so neither has to resolve npm packages.
await build({
  ...common,
  platform: 'neutral',
  mainFields: ['module', 'main'],
  conditions: ['import'],
  external: ['node:*'],
  entryPoints: { 'web-server': 'bench/servers/web-server.ts' },
  outdir,
  outExtension: { '.js': '.mjs' },
})
// The Hono server for Bun: @hono/node-server is only imported on Node, so it stays out;
// @auth0/auth0-hono imports async_hooks (AsyncLocalStorage), which Bun provides.
await build({
  ...common,
  platform: 'neutral',
  mainFields: ['module', 'main'],
  conditions: ['import'],
  external: ['node:*', 'async_hooks', '@hono/node-server'],
  entryPoints: { 'hono-web-server': 'bench/servers/hono-server.ts' },
  outdir,
  outExtension: { '.js': '.mjs' },
})

const result = spawnSync(process.execPath, ['--expose-gc', `${outdir}run.mjs`, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' })
process.exit(result.status ?? 1)
