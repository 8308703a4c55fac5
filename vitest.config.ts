import { randomUUID } from 'node:crypto'
import { defineConfig } from 'vitest/config'

// One id per run, inherited by every worker: suites serving the same framework example build it
// once per run between them (test/runtime/build-app.ts).
process.env.AUTH0_LINK_KIT_TEST_RUN ??= randomUUID()

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Several suites run apps against the built package: build dist/ first when it is stale.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
})
