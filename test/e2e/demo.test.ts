// The demo as a person uses it: a real Chromium clicks through the real demo process (Node
// adapter + the Auth0 emulator on loopback), and each step leaves a screenshot behind.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SpawnedServer, spawnServer } from '../runtime/harness.js'

const ROOT = join(import.meta.dirname, '..', '..')
const CHROMIUM = '/usr/bin/chromium'
const SCREENSHOTS = join(import.meta.dirname, 'screenshots')
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

/** dist/ is built by the global setup; wait out a rebuild someone else's run may have started. */
function waitForBuild(): void {
  if (existsSync('/usr/bin/flock')) execFileSync('/usr/bin/flock', ['/tmp/auth0-link-kit-build.lock', 'true'])
}

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

/** Waits for `locator` to be visible; fails the test with the locator in the message otherwise. */
const visible = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: 10_000 })

const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })

describe('the demo in a real browser', () => {
  let demo: SpawnedServer | undefined
  let ungrantedDemo: SpawnedServer | undefined
  let context: BrowserContext | undefined
  let userDataDir: string | undefined

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is missing at ${CHROMIUM}: install it with \`apt-get update && apt-get install -y chromium\` (npm test does this when run as root with apt-get)`,
      )
    }
    mkdirSync(SCREENSHOTS, { recursive: true })
    waitForBuild()
    demo = await startDemo()
    userDataDir = mkdtempSync(join(tmpdir(), 'link-kit-e2e-'))
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1000, height: 760 },
    })
  }, 120_000)

  afterAll(async () => {
    await context?.close().catch(() => {})
    await demo?.stop()
    await ungrantedDemo?.stop()
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true })
  })

  it('signs in, links GitHub, lists it, unlinks it, refuses Bob’s GitHub with a 409, shows a cancelled link on the error page, and logs out', async () => {
    const page = context!.pages()[0] ?? (await context!.newPage())
    const origin = demo!.baseUrl
    const identities = page.locator('#identities li')

    await page.goto(`${origin}/`)
    await visible(page.getByRole('heading', { name: 'Welcome' }))
    await visible(page.getByText('You are signed out.'))
    await shot(page, '01-signed-out')

    await page.getByRole('link', { name: 'Sign in' }).click()
    await visible(page.getByRole('heading', { name: 'Sign in' }))
    expect(new URL(page.url()).origin).not.toBe(origin)
    await shot(page, '02-auth0-sign-in')
    await page.getByRole('button', { name: /Alice Example/ }).click()

    await page.waitForURL(`${origin}/`)
    await visible(page.getByText('alice@example.com'))
    await expect.poll(() => identities.count()).toBe(1)
    expect(await identities.first().textContent()).toContain('Email and password')
    expect(await identities.first().textContent()).toContain('Primary')
    // The primary identity cannot be unlinked, so the page offers no button for it.
    await expect.poll(() => identities.first().getByRole('button').count()).toBe(0)
    await shot(page, '03-signed-in')

    // Management-API linking: the emulator plays GitHub's own sign-in, one button per GitHub
    // account, saying who owns it. Alice picks the one nobody uses yet.
    await page.getByRole('button', { name: 'Link GitHub', exact: true }).click()
    await visible(page.getByRole('heading', { name: 'Sign in with GitHub' }))
    expect(new URL(page.url()).origin).not.toBe(origin)
    await shot(page, '04-github-account-picker')
    await page.getByRole('button', { name: /alice-on-github/ }).click()

    await page.waitForURL(`${origin}/`)
    await expect.poll(() => identities.count()).toBe(2)
    expect(await identities.nth(1).textContent()).toContain('GitHub')
    expect(await identities.nth(1).textContent()).toContain('5550001')
    await expect.poll(() => page.getByRole('button', { name: 'Link GitHub', exact: true }).count()).toBe(0)
    await shot(page, '05-github-linked')

    // Unlinking through the Management API first has Alice sign in again with her primary
    // identity (prompt=login on its connection), so the emulator offers only that connection's accounts.
    await page.getByRole('button', { name: 'Unlink GitHub', exact: true }).click()
    await visible(page.getByRole('heading', { name: /^Sign in with / }))
    expect(new URL(page.url()).origin).not.toBe(origin)
    await shot(page, '05b-unlink-sign-in-again')
    await page.getByRole('button', { name: /alice@example\.com/ }).click()
    await page.waitForURL(`${origin}/`)
    await expect.poll(() => identities.count()).toBe(1)
    await visible(page.getByRole('button', { name: 'Link GitHub', exact: true }))
    await shot(page, '06-github-unlinked')

    // The GitHub account Bob already has linked: Auth0 refuses to move an identity from one user
    // to another, so the link fails with a 409 and Alice stays signed in, her identities untouched.
    await page.getByRole('button', { name: 'Link GitHub', exact: true }).click()
    await visible(page.getByRole('heading', { name: 'Sign in with GitHub' }))
    await visible(page.getByRole('button', { name: /bob-on-github.*linked to/ }))
    const owned = page.waitForResponse((response) => new URL(response.url()).pathname === '/auth/callback')
    await page.getByRole('button', { name: /bob-on-github/ }).click()
    expect((await owned).status()).toBe(409)
    await page.waitForLoadState()
    expect(await page.content()).toContain('identity_already_linked')
    expect(await page.content()).not.toMatch(/^\s*\{/)
    await visible(page.getByRole('heading', { name: 'That account is already linked to another user' }))
    await visible(page.getByText('(HTTP 409)'))
    await shot(page, '06b-github-owned-by-bob')
    await page.getByRole('link', { name: 'Back to the app' }).click()
    await page.waitForURL(`${origin}/`)
    await visible(page.getByText('alice@example.com'))
    await expect.poll(() => identities.count()).toBe(1)

    await page.getByRole('button', { name: 'Link Google', exact: true }).click()
    // A cancelled link lands on the error page itself, with its 400: no redirect to a page that
    // would print text from the URL (Auth0's own description included).
    const callback = page.waitForResponse((response) => new URL(response.url()).pathname === '/auth/callback')
    await page.getByRole('button', { name: 'Cancel', exact: true }).click()
    expect((await callback).status()).toBe(400)
    await visible(page.getByRole('heading', { name: 'Auth0 did not complete that request' }))
    expect(await page.content()).toContain('authorization_error')
    expect(await page.content()).not.toContain('The user cancelled')
    await shot(page, '07-link-cancelled')
    await page.getByRole('link', { name: 'Back to the app' }).click()
    await page.waitForURL(`${origin}/`)
    // A failed link leaves the session and the identities as they were.
    await expect.poll(() => identities.count()).toBe(1)

    await page.getByRole('button', { name: 'Log out', exact: true }).click()
    await page.waitForURL(`${origin}/`)
    await visible(page.getByText('You are signed out.'))
    await shot(page, '08-logged-out')
    expect(readdirSync(SCREENSHOTS).filter((file) => file.endsWith('.png')).length).toBeGreaterThanOrEqual(8)
  }, 90_000)

  it('connects Google Calendar, lists it with its scopes, shows a token expiry but never the token, and disconnects', async () => {
    const page = await context!.newPage()
    const origin = demo!.baseUrl
    const accounts = page.locator('#connected-accounts > li')
    await page.goto(`${origin}/auth/login?returnTo=/`)
    await page.getByRole('button', { name: /Alice Example/ }).click()
    await page.waitForURL(`${origin}/`)
    await visible(page.getByRole('heading', { name: 'Connected accounts' }))
    await visible(page.getByText('No account is connected yet.'))

    await page.getByRole('button', { name: 'Connect Google Calendar', exact: true }).click()
    await visible(page.getByRole('heading', { name: 'Connect Google?' }))
    expect(await page.content()).toContain('https://www.googleapis.com/auth/calendar.readonly')
    await shot(page, '10-connect-consent')
    await page.getByRole('button', { name: 'Allow', exact: true }).click()

    await page.waitForURL(`${origin}/`)
    await expect.poll(() => accounts.count()).toBe(1)
    expect(await accounts.first().textContent()).toContain('https://www.googleapis.com/auth/calendar.readonly')
    await shot(page, '11-calendar-connected')

    await page.getByRole('button', { name: 'Fetch a token', exact: true }).click()
    await visible(page.getByText(/It expires at \d{4}-\d\d-\d\d/))
    expect(await page.content()).not.toContain('emu-google-oauth2-')
    await shot(page, '12-provider-token-expiry')

    await page.getByRole('button', { name: 'Disconnect', exact: true }).click()
    await page.waitForURL(`${origin}/`)
    await visible(page.getByText('No account is connected yet.'))
    await visible(page.getByRole('button', { name: 'Connect Google Calendar', exact: true }))
    await shot(page, '13-calendar-disconnected')
    await page.close()
  }, 60_000)

  it('says why the identities are missing when the app has no Management API grant', async () => {
    // The emulator grants Management API tokens only for its own /api/v2/ audience, as Auth0 does.
    ungrantedDemo = await startDemo({ AUTH0_MANAGEMENT_AUDIENCE: 'https://not-granted.example.com/api/v2/' })
    const page = await context!.newPage()
    const origin = ungrantedDemo.baseUrl
    await page.goto(`${origin}/auth/login?returnTo=/`)
    await page.getByRole('button', { name: /Alice Example/ }).click()
    await page.waitForURL(`${origin}/`)
    const problem = page.getByRole('status')
    await visible(problem)
    expect(await problem.textContent()).toContain('The linked identities could not be read.')
    expect(await problem.textContent()).toContain('management_api_error')
    expect(await problem.textContent()).toContain('read:users')
    // Where to grant it is said once, not by the kit's message and again by the page.
    expect((await problem.textContent())!.split('Machine to Machine Applications').length).toBe(2)
    // Signed in all the same: linking still works without the list.
    await visible(page.getByRole('button', { name: 'Link GitHub', exact: true }))
    await shot(page, '09-no-management-api-grant')
    await page.close()
  }, 60_000)
})
