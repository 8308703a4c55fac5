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
  // The optional features are lazy chunks of the ESM build (`import()` in core/), loaded on a
  // feature's first use, so an app bundler ships only what the app turns on. The CJS build is
  // not split: each entry inlines its lazy modules (esbuild turns their `import()` into a
  // promise of the bundled module), so a CommonJS consumer without ESM support (Jest without
  // `--experimental-vm-modules`) never has to load a chunk with `import()`.
  splitting: true,
  esbuildOptions(options, { format }) {
    if (format === 'cjs') options.splitting = false
  },
  treeshake: true,
})
