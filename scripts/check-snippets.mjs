// `npm run check:snippets`: type-checks every TypeScript code block (```ts, ```tsx) in README.md and
// docs/**/*.md (docs/api/ is generated from TSDoc and skipped) against the sources, as a user's
// project would see the package: `auth0-link-kit/*` resolves through tsconfig.json's `paths`.
//
// How a block becomes a file (under node_modules/.cache/auth0-link-kit-snippets/, one folder per
// Markdown file, so the blocks of one page can import each other as an app's files do):
// - a block whose first line is a path comment (`// src/hooks.server.ts`, `// app/page.tsx: …`)
//   is written at that path; `@/…` imports resolve to the page's folder (Next's alias), and a
//   `./$types` import gets a small stand-in for SvelteKit's generated types;
// - any other block is a module of its own (`snippet-<line>.ts`).
// Free names that snippets lean on (`request`, `response`, `options`, `domain`, `app`, …) and the
// runtime globals the package does not type (`Bun`, `Deno`, `KVNamespace`) are declared in
// PRELUDE below, so a snippet stays as short as in the docs and still fails on a wrong call.
//
// Opting out: put `<!-- snippet:skip <why> -->` on the line right above the fence. The reason is
// required; use it for fragments that cannot stand alone, not to hide a mistake.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const root = fileURLToPath(new URL('..', import.meta.url))
// Markdown files named on the command line (relative to the repository) are checked instead of
// the docs; test/scripts/check-snippets.test.ts uses that to prove the check can fail.
const named = process.argv.slice(2)
const out = join(root, 'node_modules', '.cache', named.length > 0 ? `auth0-link-kit-snippets-${process.pid}` : 'auth0-link-kit-snippets')

const PRELUDE = `// Names the docs' snippets use without declaring them (see scripts/check-snippets.mjs).
import type { Auth, AuthOptions, ServerClient } from 'auth0-link-kit'
import type { BunRouteHandler } from 'auth0-link-kit/bun'
declare global {
  const auth: Auth
  const client: ServerClient
  const request: Request
  const response: Response
  const domain: string
  const clientId: string
  const clientSecret: string
  const secret: string
  const appBaseUrl: string
  const options: AuthOptions
  function app(request: Request): Response | Promise<Response>
  function audit(event: string, sub: string): Promise<void>
  interface Env {
    AUTH0_DOMAIN: string
    AUTH0_CLIENT_ID: string
    AUTH0_CLIENT_SECRET: string
    AUTH0_SECRET: string
    APP_BASE_URL?: string
  }
  interface KVNamespace {
    get(key: string): Promise<string | null>
    put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>
    delete(key: string): Promise<void>
    list(options?: { prefix?: string; cursor?: string }): Promise<{ keys: { name: string }[]; list_complete: boolean; cursor?: string }>
  }
  const Bun: {
    env: Record<string, string | undefined>
    serve(options: {
      port?: number
      routes?: Record<string, BunRouteHandler>
      fetch?: (request: Request, server: unknown) => Response | Promise<Response>
    }): unknown
  }
  const Deno: {
    env: { get(name: string): string | undefined }
    serve(handler: (request: Request, info: unknown) => Response | Promise<Response>): unknown
  }
}
export {}
`

// Ambient modules must be declared in a file that is not a module itself.
const AMBIENT = `declare module '$env/dynamic/private' {
  export const env: Record<string, string | undefined>
}
`

// SvelteKit generates ./$types per route; this stand-in types what the docs' routes use.
const SVELTEKIT_TYPES = `import type { RequestEvent } from '@sveltejs/kit'
export type PageServerLoad = (event: RequestEvent) => unknown
export type Actions = Record<string, (event: RequestEvent) => unknown>
`

const SKIP = /<!--\s*snippet:skip\s+\S[^>]*-->/
const FENCE_OPEN = /^```(ts|tsx|typescript)\s*$/
const PATH_COMMENT = /^\/\/\s*((?:[\w.@$[\]+-]+\/)*[\w.@$[\]+-]+\.tsx?)(?::|\s|$)/

/** README.md and every Markdown file under docs/, except the generated API reference. */
function markdownFiles() {
  const found = ['README.md']
  const walk = (dir) => {
    for (const name of readdirSync(join(root, dir)).sort()) {
      const path = `${dir}/${name}`
      if (path === 'docs/api') continue
      if (statSync(join(root, path)).isDirectory()) walk(path)
      else if (name.endsWith('.md')) found.push(path)
    }
  }
  walk('docs')
  return found
}

/** The TypeScript blocks of one Markdown file, with the line each one's code starts on. */
function blocksOf(markdown) {
  const lines = markdown.split('\n')
  const blocks = []
  let skipped = 0
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE_OPEN.exec(lines[i] ?? '')
    if (!open) continue
    let end = i + 1
    while (end < lines.length && !/^```\s*$/.test(lines[end] ?? '')) end++
    const code = lines.slice(i + 1, end).join('\n')
    if (SKIP.test(lines[i - 1] ?? '')) skipped++
    else blocks.push({ line: i + 2, code, tsx: open[1] === 'tsx' })
    i = end
  }
  return { blocks, skipped }
}

rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
writeFileSync(join(out, 'prelude.d.ts'), PRELUDE)
writeFileSync(join(out, 'ambient.d.ts'), AMBIENT)

/** Generated file → where its first line sits in the Markdown. */
const origins = new Map()
const rootNames = [join(out, 'prelude.d.ts'), join(out, 'ambient.d.ts')]
let total = 0
let skippedTotal = 0
for (const file of named.length > 0 ? named : markdownFiles()) {
  const { blocks, skipped } = blocksOf(readFileSync(join(root, file), 'utf8'))
  skippedTotal += skipped
  const pageDir = join(out, file.replace(/\.md$/, '').split('/').join('__'))
  for (const block of blocks) {
    const named = PATH_COMMENT.exec(block.code.split('\n')[0] ?? '')
    const target = join(pageDir, named?.[1] ?? `snippet-${block.line}.${block.tsx ? 'tsx' : 'ts'}`)
    mkdirSync(dirname(target), { recursive: true })
    let code = block.code.replace(/from '@\/([^']+)'/g, (_, path) => {
      const rel = relative(dirname(target), join(pageDir, path)).split(sep).join('/')
      return `from '${rel.startsWith('.') ? rel : `./${rel}`}'`
    })
    if (code.includes("from './$types'")) writeFileSync(join(dirname(target), '$types.d.ts'), SVELTEKIT_TYPES)
    // A block without import or export would be a script sharing one global scope with the rest.
    code += '\nexport {}\n'
    writeFileSync(target, code)
    origins.set(target, { file, line: block.line })
    rootNames.push(target)
    total++
  }
}

const config = ts.getParsedCommandLineOfConfigFile(
  join(root, 'tsconfig.json'),
  {},
  { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
)
const program = ts.createProgram({
  rootNames,
  options: { ...config.options, jsx: ts.JsxEmit.ReactJSX, noEmit: true, noUnusedLocals: false },
})
const problems = []
for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
  const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n  ')
  const fileName = diagnostic.file?.fileName
  const origin = fileName ? origins.get(fileName.split('/').join(sep)) : undefined
  if (origin && diagnostic.file && diagnostic.start !== undefined) {
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start)
    problems.push(`${origin.file}:${origin.line + line}: ${text}`)
  } else {
    problems.push(`${fileName ? relative(root, fileName) : '(global)'}: ${text}`)
  }
}
if (named.length > 0) rmSync(out, { recursive: true, force: true })
if (problems.length > 0) {
  console.error(`${problems.length} type error(s) in documentation snippets:\n${problems.join('\n')}`)
  process.exitCode = 1
} else {
  console.log(`${total} TypeScript snippet(s) type-check (${skippedTotal} marked snippet:skip)`)
}
