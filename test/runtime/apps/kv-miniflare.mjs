// Runs test/runtime/apps/kv-worker.js in miniflare (workerd with miniflare's local KV) and prints
// `LISTENING <port>`. Miniflare needs Node ≥ 22: start this with node_modules/node22/bin/node.
// AUTH0_* come from the environment and become the Worker's bindings.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const bundle = await build({
  entryPoints: [path.join(root, 'test/runtime/apps/kv-worker.js')],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  conditions: ['workerd', 'worker', 'browser', 'import'],
  mainFields: ['module', 'main'],
  logLevel: 'warning',
})
const bindings = Object.fromEntries(
  ['AUTH0_DOMAIN', 'AUTH0_CLIENT_ID', 'AUTH0_CLIENT_SECRET', 'AUTH0_SECRET'].map((name) => [name, process.env[name] ?? '']),
)
const mf = new Miniflare({
  modules: true,
  script: bundle.outputFiles[0].text,
  compatibilityDate: '2025-09-01',
  kvNamespaces: ['SESSIONS'],
  bindings,
  host: '127.0.0.1',
  port: 0,
})
const url = await mf.ready
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    void mf.dispose().finally(() => process.exit(0))
  })
}
console.log(`miniflare ${process.version} on ${url.href}`)
console.log(`LISTENING ${url.port}`)
