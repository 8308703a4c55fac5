// The suggestion card of the demo, as a person uses it: a real Chromium signs Bob in (he signed
// up twice: password, and Google with the same verified email), then clicks "Link" in one run
// and "Not me" in another. Screenshots land in test/e2e/screenshots/.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SpawnedServer, spawnServer } from '../runtime/harness.js'

const ROOT = join(import.meta.dirname, '..', '..')
const CHROMIUM = '/usr/bin/chromium'
const SCREENSHOTS = join(import.meta.dirname, 'screenshots')
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync']
const CARD = 'You also have an account that signed in with Google. Link it?'

/** Starts the demo (no AUTH0_*: its built-in emulator) on a free port; the harness stops it by pid, bounded. */
function startDemo(env: Record<string, string> = {}): Promise<SpawnedServer> {
  return spawnServer({
    command: process.execPath,
    args: ['examples/demo/server.js'],
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
    isolatedEnv: true,
  })
}

const visible = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: 10_000 })
const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })

async function signInAsBob(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/auth/login?returnTo=/`)
  await page.getByRole('button', { name: /Bob Example/ }).click()
  await page.waitForURL(`${origin}/`)
  await visible(page.getByText('bob@example.com').first())
}

describe('the demo suggests linking Bob’s duplicate Google account', () => {
  const demos: Array<SpawnedServer> = []
  let context: BrowserContext | undefined
  let userDataDir: string | undefined

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is missing at ${CHROMIUM}: install it with \`apt-get update && apt-get install -y chromium\``)
    }
    mkdirSync(SCREENSHOTS, { recursive: true })
    // dist/ is built by the global setup; wait out a rebuild another run may have started.
    if (existsSync('/usr/bin/flock')) execFileSync('/usr/bin/flock', ['/tmp/auth0-link-kit-build.lock', 'true'])
    userDataDir = mkdtempSync(join(tmpdir(), 'link-kit-e2e-suggestions-'))
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1000, height: 760 },
    })
  }, 120_000)

  afterAll(async () => {
    await context?.close().catch(() => {})
    for (const demo of demos) await demo.stop()
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true })
  })

  it('Link: Bob signs into the Google account, it is merged and listed, and the card is gone', async () => {
    const demo = await startDemo()
    demos.push(demo)
    const page = await context!.newPage()
    const identities = page.locator('#identities li')
    await signInAsBob(page, demo.baseUrl)
    const card = page.getByRole('heading', { name: CARD })
    await visible(card)
    expect(await page.content()).not.toContain('5550003')
    await shot(page, '20-suggestion-card')

    await page.getByRole('button', { name: 'Link', exact: true }).click()
    await visible(page.getByRole('heading', { name: 'Sign in with Google' }))
    await shot(page, '21-suggestion-google-sign-in')
    await page.getByRole('button', { name: /Bob \(Google\)/ }).click()

    await page.waitForURL(`${demo.baseUrl}/`)
    await expect.poll(() => identities.filter({ hasText: 'Google' }).count()).toBe(1)
    await expect.poll(() => card.count()).toBe(0)
    await shot(page, '22-suggestion-linked')
    await page.reload()
    await visible(identities.first())
    expect(await card.count()).toBe(0)
    await page.close()
  }, 90_000)

  it('Not me: the card goes away and stays away', async () => {
    const demo = await startDemo()
    demos.push(demo)
    const page = await context!.newPage()
    await signInAsBob(page, demo.baseUrl)
    const card = page.getByRole('heading', { name: CARD })
    await visible(card)
    await page.getByRole('button', { name: 'Not me', exact: true }).click()
    await page.waitForURL(`${demo.baseUrl}/`)
    await expect.poll(() => card.count()).toBe(0)
    // Nothing was linked.
    await expect.poll(() => page.locator('#identities li').filter({ hasText: 'Google' }).count()).toBe(0)
    await page.reload()
    await visible(page.locator('#identities li').first())
    expect(await card.count()).toBe(0)
    await shot(page, '23-suggestion-declined')
    await page.close()
  }, 90_000)
})
