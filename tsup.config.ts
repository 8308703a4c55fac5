import { defineConfig } from 'tsup'

export default defineConfig({
  entry: {
    index: 'core/index.ts',
    node: 'adapters/node.ts',
    bun: 'adapters/bun.ts',
    deno: 'adapters/deno.ts',
    sveltekit: 'adapters/sveltekit.ts',
    next: 'adapters/next.ts',
    redis: 'adapters/redis.ts',
    hono: 'adapters/hono.ts',
    cloudflare: 'adapters/cloudflare.ts',
    fastify: 'adapters/fastify.ts',
    nuxt: 'adapters/nuxt.ts',
    'react-router': 'adapters/react-router.ts',
    astro: 'adapters/astro.ts',
    testing: 'testing/index.ts',
    doctor: 'doctor/index.ts',
    // The `auth0-link-kit` bin; esbuild keeps its #! line.
    cli: 'doctor/cli.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  sourcemap: true,
  // The optional features are lazy chunks (`import()` in core/), loaded on a feature's first
  // use; ESM and CJS are split alike. The CJS build loads them with `import()` too (Node,
  // webpack and turbopack resolve it; a `require` wrapped for CJS would be esbuild's
  // `__require` shim, which bundlers cannot follow).
  splitting: true,
  treeshake: true,
})
