// Runs the "Testing your app against a mocked Auth0" example of docs/concepts/testing.md exactly as
// printed, so the copy-pasteable test in the docs cannot rot. The block between the
// docs-testing-example markers is written next to this file and imported: its it() calls register
// in this run, and its imports resolve 'auth0-link-kit' to the built package (dist/), as in a
// user's project.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'

const page = readFileSync(join(import.meta.dirname, '..', 'docs', 'concepts', 'testing.md'), 'utf8')
const block = /<!-- docs-testing-example:start -->\s*```ts\n([\s\S]*?)```\s*<!-- docs-testing-example:end -->/.exec(page)

it('finds the example in docs/concepts/testing.md', () => {
  expect(block?.[1]).toContain("from 'auth0-link-kit/testing'")
})

if (block?.[1]) {
  const dir = join(import.meta.dirname, '.generated')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'docs-testing-example.ts')
  writeFileSync(file, `// Generated from docs/concepts/testing.md by test/docs-testing-example.test.ts; do not edit.\n${block[1]}`)
  await import(file)
}
