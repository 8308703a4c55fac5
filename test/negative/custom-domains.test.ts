// Domain resolvers that fail, and sessions, callbacks and logout tokens of another domain.
import { describe, expect, it } from 'vitest'
import { type DomainResolver, InvalidHostError } from '../../core/index.js'
import { customDomains, SHOP_A, SHOP_B, ShopBrowser, shopAuth, shopResolver } from '../support/custom-domains.js'
import { expectSafeFailure, SIGNED_OUT, snapshotSession } from './expect-safe-failure.js'

/** The shop resolver, except for requests that carry `?case=`: those get the case's answer. */
function resolverWith(domains: Awaited<ReturnType<typeof customDomains>>, answer: () => unknown): DomainResolver {
  const shops = shopResolver(domains)
  return (context) => (new URL(context.request.url).searchParams.has('case') ? (answer() as string) : shops(context))
}

function recording(domains: Awaited<ReturnType<typeof customDomains>>, domain?: DomainResolver) {
  const errors: Error[] = []
  const auth = shopAuth(domains, {
    ...(domain ? { domain } : {}),
    onError: (error) => {
      errors.push(error)
    },
  })
  return { auth, lastError: () => errors.at(-1) }
}

describe('domain resolver failures', () => {
  it.each<[string, () => unknown, string, number]>([
    [
      'throws',
      () => {
        throw new Error('lookup table unavailable')
      },
      'configuration_error',
      500,
    ],
    [
      'throws InvalidHostError (passed through)',
      () => {
        throw new InvalidHostError('not one of our shops')
      },
      'invalid_host',
      400,
    ],
    ['rejects', () => Promise.reject(new Error('database down')), 'configuration_error', 500],
    ['returns an empty string', () => '', 'configuration_error', 500],
    ['returns a URL with a path', () => 'https://login.brand-a.test/tenant-a', 'configuration_error', 500],
    ['returns a URL with a query', () => 'https://login.brand-a.test/?x=1', 'configuration_error', 500],
    ['returns plain http off loopback', () => 'http://login.brand-a.test', 'configuration_error', 500],
    ['returns a number', () => 42, 'configuration_error', 500],
  ])('answers a resolver that %s with a typed error and a safe page, keeping the session', async (_, answer, code, status) => {
    const domains = await customDomains()
    const { auth, lastError } = recording(domains, resolverWith(domains, answer))
    const browser = new ShopBrowser(auth, domains, SHOP_A)
    await browser.navigate('/auth/login')
    const before = await snapshotSession(auth, browser)
    expect(before.sub).toBe('auth0|alice')
    const response = await browser.send('/auth/link?connection=github&case=1')
    await expectSafeFailure({ response, error: lastError(), code, status, browser, auth, before })
    expect(domains.a.hits.authorize).toBe(1)
  })

  it('answers a resolver failure on the login route the same way, signed out', async () => {
    const domains = await customDomains()
    const { auth, lastError } = recording(
      domains,
      resolverWith(domains, () => ''),
    )
    const browser = new ShopBrowser(auth, domains, SHOP_A)
    const response = await browser.send('/auth/login?case=1')
    await expectSafeFailure({ response, error: lastError(), code: 'configuration_error', status: 500, browser, auth, before: SIGNED_OUT })
  })
})

describe('another domain’s session, callback or logout token', () => {
  it('treats a session from domain A presented on domain B as signed out (401 on the access-token route), cookie untouched', async () => {
    const domains = await customDomains()
    const { auth, lastError } = recording(domains)
    const a = new ShopBrowser(auth, domains, SHOP_A)
    await a.navigate('/auth/login')
    const b = new ShopBrowser(auth, domains, SHOP_B)
    for (const [name, value] of a.cookies) b.cookies.set(name, value)
    const before = await snapshotSession(auth, b)
    expect(before.sub).toBeUndefined()
    expect(before.cookies.size).toBeGreaterThan(0)
    const response = await b.send('/auth/access-token', { headers: { accept: 'application/json' } })
    await expectSafeFailure({ response, error: lastError(), code: 'missing_session', status: 401, browser: b, auth, before })
    expect(domains.b.hits.token).toBe(0)
  })

  it('refuses a callback whose transaction was started under another domain (invalid_callback), writing no session', async () => {
    const domains = await customDomains()
    const { auth, lastError } = recording(domains)
    const a = new ShopBrowser(auth, domains, SHOP_A)
    const started = await a.send('/auth/login')
    const answered = await a.send(started.headers.get('location')!)
    const callback = new URL(answered.headers.get('location')!)
    // The same code and state, with A's transaction cookie, delivered to shop B.
    const b = new ShopBrowser(auth, domains, SHOP_B)
    for (const [name, value] of a.cookies) b.cookies.set(name, value)
    const response = await b.send(new URL(`${callback.pathname}${callback.search}`, SHOP_B))
    await expectSafeFailure({ response, error: lastError(), code: 'invalid_callback', status: 400, browser: b, auth, before: SIGNED_OUT })
    expect(domains.a.hits.token + domains.b.hits.token).toBe(0)
  })

  it.each([
    ['from a domain the app never used', 'stranger'],
    ['naming domain A but signed with domain B’s key', 'forged'],
  ] as const)('refuses a logout token %s (backchannel_logout_error) and ends no session', async (_, kind) => {
    const domains = await customDomains()
    const { auth, lastError } = recording(domains)
    const a = new ShopBrowser(auth, domains, SHOP_A)
    await a.navigate('/auth/login')
    const sid = domains.a.lastSid('auth0|alice')!
    const token =
      kind === 'stranger'
        ? await domains.stranger.createLogoutToken({ sid })
        : await domains.b.createLogoutToken({ sid }, { iss: domains.a.issuer })
    const response = await a.send('/auth/backchannel-logout', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
      body: new URLSearchParams({ logout_token: token }).toString(),
    })
    expect(response.status).toBe(400)
    expect((lastError() as { code?: string }).code).toBe('backchannel_logout_error')
    expect((await auth.getSession(a.request('/')))?.user.sub).toBe('auth0|alice')
  })
})
