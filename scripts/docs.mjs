// `npm run docs`: the API reference from the TSDoc (typedoc.json → docs/api/), and a check that
// every public export documents itself with an `@example`, the project's rule for public API.
// `--check` converts and checks without writing HTML (what CI runs).
import { Application, ReflectionKind } from 'typedoc'

const checkOnly = process.argv.includes('--check')
const app = await Application.bootstrapWithPlugins({ options: 'typedoc.json' })
const project = await app.convert()
if (!project) {
  console.error('typedoc could not convert the project (see the errors above)')
  process.exit(1)
}
app.validate(project)

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

if (!checkOnly && process.exitCode !== 1) {
  await app.generateOutputs(project)
  console.log(`API reference written to ${app.options.getValue('out')}`)
}
