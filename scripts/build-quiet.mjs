// Builds for `npm start`, the `example:*` scripts and the test run's global setup, and says so in
// one line: tsup lists every file it writes (~90 lines) and SvelteKit's build a screenful more,
// which buries the app's address. A build's whole output is printed only when it fails (its
// warnings, when there are any, also on success). `npm run build` stays verbose.
//
//   node scripts/build-quiet.mjs [--out-dir DIR]   the package, with tsup, into DIR (default dist)
//   node scripts/build-quiet.mjs --app DIR         the Vite app in DIR (examples/sveltekit), with vite build
//
// The package is built beside its output and swapped in, under a lock shared with test runs, so an
// app or a test already using dist/ never sees it half-written and two builds never interleave.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../', import.meta.url))
const LOCK = '/tmp/auth0-link-kit-build.lock'
const FLOCK = '/usr/bin/flock'
const LOCKED = 'AUTH0_LINK_KIT_BUILD_LOCKED'

/** Runs `command` and resolves with its exit code and everything it wrote, in order. */
function run(command, args, options) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], ...options })
    let output = ''
    child.stdout?.on('data', (chunk) => (output += chunk))
    child.stderr?.on('data', (chunk) => (output += chunk))
    child.once('error', (error) => resolve({ code: 1, output: `${output}could not start ${command}: ${error.message}\n` }))
    child.once('close', (code, signal) =>
      resolve({ code: code ?? 1, output: signal ? `${output}${command} ended by ${signal}\n` : output }),
    )
  })
}

const optionValue = (args, name) => {
  const index = args.indexOf(name)
  return index >= 0 ? args[index + 1] : undefined
}

/** Runs one build tool quietly; resolves with its exit code after printing the outcome. */
async function quietly(label, tool, args, options, afterSuccess = () => {}) {
  const started = performance.now()
  const binary = path.join(root, 'node_modules/.bin', tool)
  if (!existsSync(binary)) {
    console.error(`${tool} is not installed: run \`npm install\` first`)
    return 1
  }
  const { code, output } = await run(binary, args, options)
  if (code !== 0) {
    process.stderr.write(output)
    console.error(`Building ${label} failed (${tool} exited with ${code}); its output above says why.`)
    return code
  }
  afterSuccess()
  // Warnings are worth a line each even when the build worked; the file listing is not.
  for (const line of output.split('\n')) if (/\bwarn(ing)?\b|▲/i.test(line)) console.warn(line.trim())
  console.log(`Built ${label} in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  return 0
}

async function buildPackage(args) {
  const outDir = path.resolve(root, optionValue(args, '--out-dir') ?? 'dist')
  const staging = path.join(root, `node_modules/.cache/auth0-link-kit-dist-${process.pid}`)
  const { name } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
  const code = await quietly(name, 'tsup', ['--out-dir', staging], {}, () => {
    const old = `${staging}-old`
    if (existsSync(outDir)) renameSync(outDir, old)
    renameSync(staging, outDir)
    rmSync(old, { recursive: true, force: true })
  })
  rmSync(staging, { recursive: true, force: true })
  return code
}

async function buildApp(dir) {
  const cwd = path.resolve(root, dir)
  if (!existsSync(cwd)) {
    console.error(`No app at ${dir}`)
    return 1
  }
  return quietly(path.relative(root, cwd), 'vite', ['build'], { cwd })
}

const args = process.argv.slice(2)
const app = optionValue(args, '--app')
if (app) {
  process.exitCode = await buildApp(app)
} else if (existsSync(FLOCK) && !process.env[LOCKED]) {
  // Hold the lock for the build and the swap: re-run this script under flock.
  const self = fileURLToPath(import.meta.url)
  const { code } = await run(FLOCK, [LOCK, process.execPath, self, ...args], { stdio: 'inherit', env: { ...process.env, [LOCKED]: '1' } })
  process.exitCode = code
} else {
  process.exitCode = await buildPackage(args)
}
