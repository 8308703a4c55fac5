// `npm run check:snippets` must fail on a docs snippet that no longer type-checks, point at its
// Markdown line, and let a block through only with an explicit, reasoned snippet:skip marker.
// The check runs on a fixture page written under test/.generated/ (inside the repository, so
// `auth0-link-kit` resolves to the sources as it does for the real docs).
import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..', '..')
const dir = join(ROOT, 'test', '.generated', `snippets-${process.pid}`)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const fence = '```'
const page = [
  '# A page', // 1
  '', // 2
  `${fence}ts`, // 3
  "import { createAuth } from 'auth0-link-kit'", // 4
  'const auth = createAuth({ domain, clientId, clientSecret, secret, appBaseUrl })', // 5
  'export const user = await auth.getUser(request)', // 6
  fence, // 7
  '', // 8
  `${fence}ts`, // 9
  "import { createAuth } from 'auth0-link-kit'", // 10
  'export const auth = createAuth({ domain, clientId, clientSecret, secret, appBaseUrl, linkUser: true })', // 11
  fence, // 12
  '', // 13
  '<!-- snippet:skip a fragment of the block above -->', // 14
  `${fence}ts`, // 15
  'auth.nothingLikeThis()', // 16
  fence, // 17
  '', // 18
  '<!-- snippet:skip -->', // 19: no reason, so it does not count
  `${fence}tsx`, // 20
  "const n: number = 'not a number'", // 21
  fence, // 22
  '',
  `${fence}js`,
  'not TypeScript, not checked(',
  fence,
].join('\n')

it('reports each failing block at its Markdown line and honours only a reasoned snippet:skip', () => {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'page.md')
  writeFileSync(file, page)
  const relativePath = file.slice(ROOT.length + 1)
  const run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'check-snippets.mjs'), relativePath], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 170_000,
  })
  expect(run.status).toBe(1)
  const reported = run.stderr
    .split('\n')
    .filter((line) => line.startsWith(relativePath))
    .map((line) => line.slice(relativePath.length + 1).split(':')[0])
  expect(reported).toEqual(['11', '21'])
  expect(run.stderr).toContain("'linkUser' does not exist")
}, 180_000)
