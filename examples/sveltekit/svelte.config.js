import adapter from '@sveltejs/adapter-node'

/** @type {import('@sveltejs/kit').Config} */
export default {
  kit: {
    adapter: adapter(),
    // The example lives inside the package: build against its TypeScript sources, so neither
    // `npm run build` nor a published copy is needed. Order matters: the subpath before the root.
    alias: {
      'auth0-link-kit/sveltekit': '../../adapters/sveltekit.ts',
      'auth0-link-kit': '../../core/index.ts',
    },
  },
}
