/**
 * @module The five framework examples (Express 5, Fastify 5, Nuxt 4, React Router 8, Astro 7) as
 * a person uses them: each example is built once (test/runtime/build-app.ts, shared with the
 * runtime suites), started as `npm run example:<name>` starts it (its own server or start.js,
 * PORT=0, no AUTH0_* so it starts its built-in Auth0 emulator), and a real Chromium clicks through
 * it: sign in, link GitHub, see it listed, unlink it, connect Google Calendar, disconnect it, log
 * out. Every step leaves a screenshot in test/e2e/screenshots/frameworks/.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import { buildApp, NODE22, NODE24 } from '../runtime/build-app.js'
import { type SpawnedServer, spawnServer } from '../runtime/harness.js'

const ROOT = join(import.meta.dirname, '..', '..')
const CHROMIUM = '/usr/bin/chromium'
const SCREENSHOTS = join(import.meta.dirname, 'screenshots', 'frameworks')
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
/** Every wait in a click-through; a page that takes longer than this is a failure, not a slow pass. */
const STEP_MS = 15_000
/** How long an app gets to print `LISTENING <port>` (Nuxt and Astro load their whole server first). */
const START_MS = 60_000

interface Example {
  /** As in `npm run example:<name>` and the screenshot names. */
  name: string
  /** The framework's build (once per test run), or none for the frameworks that need none. */
  build?: () => Promise<void>
  buildTimeoutMs: number
  command: string
  args: string[]
  cwd: string
}

const exampleDir = (name: string) => join(ROOT, 'examples', name)
/** Leaves the build itself 10 s less than its hook, so its own time limit reports first. */
const build =
  (cli: string, name: string, timeoutMs: number, node = NODE22) =>
  () =>
    buildApp(cli, ['build'], exampleDir(name), timeoutMs - 10_000, node)

const EXAMPLES: Example[] = [
  { name: 'express', buildTimeoutMs: 0, command: process.execPath, args: ['examples/express/server.js'], cwd: ROOT },
  { name: 'fastify', buildTimeoutMs: 0, command: process.execPath, args: ['examples/fastify/server.js'], cwd: ROOT },
  {
    name: 'nuxt',
    build: build('nuxt/bin/nuxt.mjs', 'nuxt', 400_000),
    buildTimeoutMs: 400_000,
    command: NODE22,
    args: ['start.js'],
    cwd: exampleDir('nuxt'),
  },
  {
    name: 'react-router',
    build: build('@react-router/dev/bin.cjs', 'react-router', 300_000),
    buildTimeoutMs: 300_000,
    command: NODE22,
    args: ['start.js'],
    cwd: exampleDir('react-router'),
  },
  {
    name: 'astro',
    build: build('astro/bin/astro.mjs', 'astro', 300_000, NODE24),
    buildTimeoutMs: 300_000,
    command: NODE24,
    args: ['start.js'],
    cwd: exampleDir('astro'),
  },
]

/** dist/ is built by the global setup; wait out a rebuild someone else's run may have started. */
function waitForBuild(): void {
  if (existsSync('/usr/bin/flock')) execFileSync('/usr/bin/flock', ['/tmp/auth0-link-kit-build.lock', 'true'])
}

/**
 * Starts an example as its npm script does, on a free loopback port, once it prints `LISTENING
 * <port>`. Its environment has no AUTH0_* (nor anything else of this process's), so it always
 * starts its built-in emulator, whatever the machine running the tests has set. The harness
 * stops it by pid (SIGTERM, then SIGKILL, bounded), also when the test process dies.
 */
function startExample(example: Example): Promise<SpawnedServer> {
  return spawnServer({
    command: example.command,
    args: example.args,
    cwd: example.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: '0', HOST: '127.0.0.1' },
    isolatedEnv: true,
    timeout: START_MS,
  })
}

/** Waits (bounded) for `locator` to be visible; fails with the locator in the message otherwise. */
const visible = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: STEP_MS })

/** A button or a link with this accessible name: the examples offer some actions as forms, some as links. */
const action = (page: Page, name: string | RegExp) =>
  page.getByRole('button', { name, exact: typeof name === 'string' }).or(page.getByRole('link', { name, exact: typeof name === 'string' }))

describe('the framework examples in a real browser', () => {
  let browser: Browser | undefined

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is missing at ${CHROMIUM}: install it with \`apt-get update && apt-get install -y chromium\` (npm test does this when run as root with apt-get)`,
      )
    }
    mkdirSync(SCREENSHOTS, { recursive: true })
    waitForBuild()
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 })
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
  })

  for (const example of EXAMPLES) {
    describe(`examples/${example.name}`, () => {
      let app: SpawnedServer | undefined
      let context: BrowserContext | undefined

      beforeAll(
        async () => {
          await example.build?.()
          app = await startExample(example)
          // A fresh cookie jar per example: each starts signed out.
          context = await browser!.newContext({ viewport: { width: 1000, height: 760 } })
        },
        example.buildTimeoutMs + START_MS + 30_000,
      )

      afterAll(async () => {
        await context?.close()
        await app?.stop()
      })

      it(`${example.name}: signs in, links GitHub, lists it, unlinks it, connects Google Calendar, disconnects it and logs out`, async () => {
        // What the example printed (its own errors included) goes with a failure.
        onTestFailed(() => console.log(`--- examples/${example.name} output ---\n${app?.output() ?? ''}`))
        const page = await context!.newPage()
        page.setDefaultTimeout(STEP_MS)
        // A page that throws in the browser (a failed hydration, say) fails the click-through.
        const pageErrors: string[] = []
        page.on('pageerror', (error) => pageErrors.push(error.message))
        const origin = app!.baseUrl
        const home = `${origin}/`
        const identities = page.locator('#identities > li')
        const connected = page.locator('#connected-accounts > li')
        let step = 0
        const shot = (what: string) =>
          page.screenshot({ path: join(SCREENSHOTS, `${example.name}-${String(++step).padStart(2, '0')}-${what}.png`), fullPage: true })

        await page.goto(home)
        await visible(page.getByText('You are signed out.'))
        await shot('signed-out')

        // The emulator's Universal Login stand-in: one button per user.
        await page.getByRole('link', { name: 'Sign in', exact: true }).click()
        await visible(page.getByRole('heading', { name: 'Sign in', exact: true }))
        expect(new URL(page.url()).origin).not.toBe(origin)
        await shot('auth0-sign-in')
        await page.getByRole('button', { name: /Alice Example/ }).click()

        await page.waitForURL(home)
        await visible(page.getByText('alice@example.com').first())
        await expect.poll(() => identities.count(), { timeout: STEP_MS }).toBe(1)
        await shot('signed-in')

        // Linking through the Management API: the emulator plays GitHub's own sign-in.
        await action(page, /^link github$/i).click()
        await visible(page.getByRole('heading', { name: 'Sign in with GitHub' }))
        expect(new URL(page.url()).origin).not.toBe(origin)
        await shot('github-sign-in')
        await page.getByRole('button', { name: /alice-on-github/ }).click()

        await page.waitForURL(home)
        await expect.poll(() => identities.count(), { timeout: STEP_MS }).toBe(2)
        expect(await identities.nth(1).textContent()).toMatch(/github/i)
        await expect.poll(() => action(page, /^link github$/i).count(), { timeout: STEP_MS }).toBe(0)
        await shot('github-linked')

        // Unlinking first has Alice sign in again with her primary identity (prompt=login on its connection).
        await action(page, /^unlink github$/i).click()
        await visible(page.getByRole('heading', { name: /^Sign in with / }))
        expect(new URL(page.url()).origin).not.toBe(origin)
        await shot('unlink-sign-in-again')
        await page.getByRole('button', { name: /alice@example\.com/ }).click()

        await page.waitForURL(home)
        await expect.poll(() => identities.count(), { timeout: STEP_MS }).toBe(1)
        await visible(action(page, /^link github$/i))
        await shot('github-unlinked')

        // Connected Accounts: the emulator plays Google's consent.
        await action(page, 'Connect Google Calendar').click()
        await visible(page.getByRole('heading', { name: 'Connect Google?' }))
        expect(new URL(page.url()).origin).not.toBe(origin)
        await shot('google-consent')
        await page.getByRole('button', { name: 'Allow', exact: true }).click()

        await page.waitForURL(home)
        await expect.poll(() => connected.count(), { timeout: STEP_MS }).toBe(1)
        expect(await connected.first().textContent()).toContain('google-oauth2')
        await shot('google-connected')

        await page.getByRole('button', { name: 'Disconnect', exact: true }).click()
        await page.waitForURL(home)
        await expect.poll(() => connected.count(), { timeout: STEP_MS }).toBe(0)
        await visible(page.getByText('alice@example.com').first())
        await shot('google-disconnected')

        await action(page, /^(log|sign) out$/i).click()
        await page.waitForURL(home)
        await visible(page.getByText('You are signed out.'))
        expect(await page.getByText('alice@example.com').count()).toBe(0)
        await shot('logged-out')

        expect(pageErrors).toEqual([])
        await page.close()
      }, 120_000)
    })
  }
})
