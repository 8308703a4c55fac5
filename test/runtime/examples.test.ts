// The examples as a user starts them, with no AUTH0_* set: each serves the built-in emulator with
// its own runtime's server, in 'page' interaction, and the clickable journey works end to end.

import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HttpBrowser, type HttpVisit, type SpawnedServer, spawnServer } from './harness.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const bin = (name: string) => `${root}node_modules/.bin/${name}`

const EXAMPLES = [
  { runtime: 'node', command: process.execPath, args: ['examples/node/server.js'] },
  { runtime: 'bun', command: bin('bun'), args: ['examples/bun/server.ts'] },
  {
    runtime: 'deno',
    command: bin('deno'),
    args: [
      'run',
      '--no-prompt',
      '--cached-only',
      '--node-modules-dir=manual',
      '--allow-read',
      '--allow-env',
      '--allow-net=127.0.0.1',
      'examples/deno/server.ts',
    ],
  },
  { runtime: 'hono', command: process.execPath, args: ['examples/hono/server.js'] },
  { runtime: 'express', command: process.execPath, args: ['examples/express/server.js'] },
  { runtime: 'fastify', command: process.execPath, args: ['examples/fastify/server.js'] },
  // workerd, with the emulator in the Node process beside it.
  { runtime: 'workers', command: process.execPath, args: ['examples/workers/serve.mjs'] },
  { runtime: 'workers', command: process.execPath, args: ['examples/workers/serve.mjs'], env: { WORKER: 'fetch' } },
]

// Nothing from the test process's environment may point the example at a tenant.
const noTenant = {
  AUTH0_DOMAIN: '',
  AUTH0_CLIENT_ID: '',
  AUTH0_CLIENT_SECRET: '',
  AUTH0_SECRET: '',
  APP_BASE_URL: '',
  PORT: '0',
  HOST: '127.0.0.1',
  DENO_NO_UPDATE_CHECK: '1',
}

/** Submits the emulator page's form whose button has `decision=approve` (for `userId`: the user, or the provider account, it names). */
async function approve(browser: HttpBrowser, page: HttpVisit, userId?: string): Promise<HttpVisit> {
  const html = await page.response.text()
  const forms = html.split('<form').slice(1)
  const form = forms.find((candidate) => candidate.includes('value="approve"') && (!userId || candidate.includes(`value="${userId}"`)))
  if (!form) throw new Error(`no approve form on ${page.url.href}:\n${html}`)
  const fields = new URLSearchParams({ decision: 'approve' })
  for (const [, name, value] of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields.set(name!, value!.replace(/&amp;/g, '&'))
  return browser.navigate(new URL('/authorize/decision', page.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
  })
}

const form = (connection: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ connection, returnTo: '/' }).toString(),
})

for (const { runtime, command, args, env } of EXAMPLES as Array<{
  runtime: string
  command: string
  args: string[]
  env?: Record<string, string>
}>) {
  describe(`examples/${runtime}${env?.WORKER ? ` (WORKER=${env.WORKER})` : ''} with the built-in emulator`, () => {
    let server: SpawnedServer | undefined
    beforeAll(async () => {
      server = await spawnServer({ command, args, cwd: root, env: { ...noTenant, ...env } })
    })
    afterAll(async () => {
      await server?.stop()
    })

    it('signs in on the emulator page, links GitHub, lists it and unlinks it', async () => {
      const { baseUrl } = server!
      expect(server!.output()).toMatch(/Auth0 emulator on http:\/\/127\.0\.0\.1:\d+/)
      const browser = new HttpBrowser(baseUrl)

      const signInPage = await browser.navigate('/auth/login?returnTo=/')
      expect(signInPage.url.origin).not.toBe(baseUrl)
      const home = await approve(browser, signInPage, 'auth0|alice')
      expect(home.url.href).toBe(`${baseUrl}/`)
      const signedIn = await home.response.text()
      expect(signedIn).toContain('alice@example.com')
      expect(signedIn).toContain('Link GitHub')

      // The emulator's GitHub page lists every GitHub account, Bob's linked one first: pick the
      // one nobody owns (user_id 5550001), as a person would.
      const linked = await approve(browser, await browser.navigate('/auth/link', form('github')), '5550001')
      expect(linked.url.href).toBe(`${baseUrl}/`)
      const identities = (await linked.response.text()).match(/<ul[^>]*id="identities"[^>]*>([\s\S]*?)<\/ul>/)?.[1] ?? ''
      expect(identities).toContain('GitHub')

      // Unlinking through the Management API signs the primary in again first: Alice, on her own connection.
      const unlinked = await approve(browser, await browser.navigate('/auth/unlink', form('github')), 'alice')
      expect(unlinked.url.href).toBe(`${baseUrl}/`)
      const after = (await unlinked.response.text()).match(/<ul[^>]*id="identities"[^>]*>([\s\S]*?)<\/ul>/)?.[1]
      expect(after).toBeDefined()
      expect(after).not.toContain('GitHub')
    })
  })
}
