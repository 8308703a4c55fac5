// `npm run check:docs` regenerates the API reference and compares it with the committed docs/api/:
// a copy of the committed reference passes (the output is deterministic), and an edited, a
// missing and a stray file each fail the check by name.
import { spawnSync } from 'node:child_process'
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..', '..')
const copies: string[] = []
afterAll(() => {
  for (const copy of copies) rmSync(copy, { recursive: true, force: true })
})

/** A copy of the committed docs/api/ in a temporary folder. */
function committedCopy(): string {
  const copy = mkdtempSync(join(tmpdir(), 'link-kit-api-copy-'))
  copies.push(copy)
  cpSync(join(ROOT, 'docs', 'api'), copy, { recursive: true })
  return copy
}

function checkAgainst(dir: string) {
  return spawnSync(process.execPath, [join(ROOT, 'scripts', 'docs.mjs'), '--check', '--against', dir], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 170_000,
  })
}

describe('check:docs', () => {
  it('passes on an unchanged copy of the committed reference', () => {
    const run = checkAgainst(committedCopy())
    expect(run.stderr).not.toContain('is not current')
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/is current \(\d+ files\)/)
  }, 180_000)

  it('names every file that differs, is missing or is no longer generated', () => {
    const copy = committedCopy()
    appendFileSync(join(copy, 'README.md'), '\nedited by hand\n')
    rmSync(join(copy, 'auth0-link-kit', 'README.md'))
    writeFileSync(join(copy, 'stray.md'), '# not generated\n')
    const run = checkAgainst(copy)
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('is not current (3 file(s)); run `npm run docs`')
    expect(run.stderr).toContain('README.md (differs)')
    expect(run.stderr).toContain('auth0-link-kit/README.md (missing)')
    expect(run.stderr).toContain('stray.md (no longer generated)')
  }, 180_000)
})
