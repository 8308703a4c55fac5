import path from 'node:path'
import { fileURLToPath } from 'node:url'

// The example has no node_modules of its own: next, react and the built package come from the
// repository root, which Turbopack and output tracing must therefore treat as the project root.
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** @type {import('next').NextConfig} */
export default {
  turbopack: { root },
  outputFileTracingRoot: root,
  poweredByHeader: false,
}
