// `npm run docs`: the API reference from the TSDoc (typedoc.json + typedoc-plugin-markdown →
// docs/api/, committed), and a check that every public export documents itself with an `@example`,
// the project's rule for public API.
// `--check` (what CI runs, as `npm run check:docs`) writes nothing in the tree: it generates the
// reference into a temporary folder and fails when it differs from the committed docs/api/, so a
// change to the public API or its TSDoc must come with `npm run docs`.
// The output is deterministic (no sources links, timestamps or absolute paths: see typedoc.json),
// so any branch regenerates it with the one command after a merge.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative, sep } from 'node:path'
import { Application, ReflectionKind } from 'typedoc'

const checkOnly = process.argv.includes('--check')
// `--against <dir>` compares with another folder than docs/api/ (test/scripts/docs.test.ts).
const against = process.argv.indexOf('--against')
const committed = against > 0 && process.argv[against + 1] ? process.argv[against + 1] : 'docs/api'
const out = checkOnly ? await mkdtemp(join(tmpdir(), 'auth0-link-kit-api-')) : committed

const app = await Application.bootstrapWithPlugins({ options: 'typedoc.json', out })
const project = await app.convert()
if (!project) {
  console.error('typedoc could not convert the project (see the errors above)')
  process.exit(1)
}
app.validate(project)

// Each module is named by its import path (`auth0-link-kit/hono`), as users write it, whether or not
// its entry file says so with `@module auth0-link-kit/hono`: tsconfig.json's `paths` map import
// paths to entry files, and typedoc names an unnamed module by its file (`adapters/hono`, `core`).
const { paths } = JSON.parse((await readFile('tsconfig.json', 'utf8')).replace(/^\s*\/\/.*$/gm, '')).compilerOptions
const importPathOf = new Map(
  Object.entries(paths).map(([importPath, [file]]) => [file.replace(/^\.\//, '').replace(/(\/index)?\.ts$/, ''), importPath]),
)
for (const module of project.children ?? []) module.name = importPathOf.get(module.name) ?? module.name
// typedoc sorted the modules and their groups under the old names.
const byName = (a, b) => a.name.localeCompare(b.name)
project.children?.sort(byName)
for (const group of project.groups ?? []) group.children.sort(byName)

const EXPORT_KINDS =
  ReflectionKind.Class |
  ReflectionKind.Interface |
  ReflectionKind.Function |
  ReflectionKind.TypeAlias |
  ReflectionKind.Variable |
  ReflectionKind.Enum

/** A function keeps its TSDoc on its signature; everything else on itself. */
function commentOf(reflection) {
  return reflection.comment ?? reflection.signatures?.find((signature) => signature.comment)?.comment
}

const missing = []
for (const module of project.children ?? []) {
  for (const reflection of module.children ?? []) {
    if (!reflection.kindOf(EXPORT_KINDS)) continue
    const comment = commentOf(reflection)
    const hasExample = comment?.blockTags.some((tag) => tag.tag === '@example') ?? false
    if (!hasExample) {
      const source = reflection.sources?.[0] ?? reflection.signatures?.[0]?.sources?.[0]
      missing.push(
        `${module.name}: ${reflection.name}${source ? ` (${source.fileName}:${source.line})` : ''}${comment ? '' : ', no TSDoc at all'}`,
      )
    }
  }
}
if (missing.length > 0) {
  console.error(`${missing.length} public export(s) without an @example:\n  ${missing.join('\n  ')}`)
  process.exitCode = 1
}
if (app.logger.hasErrors()) process.exitCode = 1

/** Every file under `dir`, as `/`-separated paths relative to it; none when `dir` is missing. */
async function filesUnder(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort()
}

if (process.exitCode !== 1) {
  await app.generateOutputs(project)
  if (!checkOnly) {
    console.log(`API reference written to ${committed}/`)
  } else {
    const [fresh, old] = await Promise.all([filesUnder(out), filesUnder(committed)])
    const stale = []
    for (const file of new Set([...fresh, ...old])) {
      if (!fresh.includes(file)) stale.push(`${file} (no longer generated)`)
      else if (!old.includes(file)) stale.push(`${file} (missing)`)
      else if ((await readFile(join(out, file), 'utf8')) !== (await readFile(join(committed, file), 'utf8')))
        stale.push(`${file} (differs)`)
    }
    await rm(out, { recursive: true, force: true })
    if (stale.length > 0) {
      console.error(
        `${committed}/ is not current (${stale.length} file(s)); run \`npm run docs\` and commit the result:\n  ${stale.sort().join('\n  ')}`,
      )
      process.exitCode = 1
    } else {
      console.log(`${committed}/ is current (${fresh.length} files)`)
    }
  }
} else if (checkOnly) {
  await rm(out, { recursive: true, force: true })
}
