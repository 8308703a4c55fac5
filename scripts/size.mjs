// The size budget of the core entry (`auth0-link-kit`), as an app bundler would ship it: dist/index.js
// bundled and minified with its runtime dependencies (jose, oauth4webapi) left out, then gzipped.
// Usage: `node scripts/size.mjs` (after `npm run build`); exits 1 over budget.

import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

// 15 KB held login, link and unlink; Connected Accounts, Token Vault, PAR, organizations, DPoP,
// private_key_jwt key import and custom domains brought it to about 24 KB; Management-API linking,
// link suggestions with the metadata merge, the route table, bindRequest and the hardening rules to
// 33.4 KB. Every feature is a ServerClient method, so every app ships it until the features are
// split into modules an app imports only when it turns them on; until then the budget holds 33.4 KB.
const BUDGET_BYTES = 34 * 1024
const entry = new URL('../dist/index.js', import.meta.url).pathname

const result = await build({
  entryPoints: [entry],
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  external: ['jose', 'oauth4webapi'],
  write: false,
  logLevel: 'silent',
})
const code = result.outputFiles[0].contents
const gzipped = gzipSync(code, { level: 9 }).length
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`
console.log(
  `core entry (dist/index.js, jose + oauth4webapi external): ${kb(code.length)} min, ${kb(gzipped)} min+gzip; budget ${kb(BUDGET_BYTES)}`,
)
if (gzipped > BUDGET_BYTES) {
  console.error(`over the size budget by ${kb(gzipped - BUDGET_BYTES)}`)
  process.exit(1)
}
