// Runs the README's "Testing your app against a mocked Auth0" example exactly as printed, so the
// copy-pasteable test in the docs cannot rot. The block between the readme-testing-example
// markers is written next to this file and imported: its it() calls register in this run, and its
// imports resolve 'auth0-link-kit' to the built package (dist/), as in a user's project.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'

const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8')
const block = /<!-- readme-testing-example:start -->\s*```ts\n([\s\S]*?)```\s*<!-- readme-testing-example:end -->/.exec(readme)

it('finds the example in the README', () => {
  expect(block?.[1]).toContain("from 'auth0-link-kit/testing'")
})

if (block?.[1]) {
  const dir = join(import.meta.dirname, '.generated')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'readme-testing-example.ts')
  writeFileSync(file, `// Generated from README.md by test/readme-testing-example.test.ts; do not edit.\n${block[1]}`)
  await import(file)
}
