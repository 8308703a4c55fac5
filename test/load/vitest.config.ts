import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// `npm run test:load`: kept out of `npm test` (its include only matches *.load.ts here) and
// bounded by the test timeout, well under a minute.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/load/**/*.load.ts'],
    testTimeout: 55_000,
    hookTimeout: 20_000,
  },
})
