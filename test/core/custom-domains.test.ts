// Multiple custom domains: a domain resolver per request, discovery and keys per issuer, sessions
// and transactions bound to the domain they were made under.
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../core/config.js'
import { createFlowContext } from '../../core/flows/context.js'
import { type CustomDomains, customDomains, SHOP_A, SHOP_B, ShopBrowser, shopAuth } from '../support/custom-domains.js'
import { SECRET } from '../support/tenant.js'

async function signedInShop(domains: CustomDomains, auth: ReturnType<typeof shopAuth>, shop: string) {
  const browser = new ShopBrowser(auth, domains, shop)
  const { url } = await browser.navigate('/auth/login?returnTo=/cart')
  expect(url.href).toBe(`${shop}/cart`)
  return browser
}

describe('multiple custom domains', () => {
  it('signs each shop in at its own custom domain, with discovery and keys fetched once per domain', async () => {
    const domains = await customDomains()
    const auth = shopAuth(domains)
    const a = await signedInShop(domains, auth, SHOP_A)
    const b = await signedInShop(domains, auth, SHOP_B)
    await signedInShop(domains, auth, SHOP_A)
    expect(a.visitsTo('/authorize')[0]!.url.origin).toBe(domains.a.origin)
    expect(b.visitsTo('/authorize')[0]!.url.origin).toBe(domains.b.origin)
    expect(new URL(a.visitsTo('/authorize')[0]!.url.searchParams.get('redirect_uri')!).origin).toBe(SHOP_A)
    expect([domains.a.hits.discovery, domains.a.hits.jwks, domains.b.hits.discovery, domains.b.hits.jwks]).toEqual([1, 1, 1, 1])
    expect((await auth.getSession(a.request('/')))?.internal.issuer).toBe(domains.a.issuer)
    expect((await auth.getSession(b.request('/')))?.internal.issuer).toBe(domains.b.issuer)
  })

  it('links, refreshes and logs out at the session’s own domain', async () => {
    const domains = await customDomains()
    const auth = shopAuth(domains, { authorizationParams: { scope: 'openid profile email offline_access' } })
    const b = await signedInShop(domains, auth, SHOP_B)
    expect((await b.navigate('/auth/link?connection=github&returnTo=/account')).url.href).toBe(`${SHOP_B}/account`)
    expect(domains.b.getUser('auth0|alice')!.identities.map((identity) => identity.connection)).toContain('github')
    expect(domains.a.hits.authorize).toBe(0)
    const token = await auth.client.getAccessToken({ scope: 'openid' }, { request: b.request('/'), response: new Response() })
    expect(token.scope).toBe('openid')
    const logout = await b.send('/auth/logout')
    expect(new URL(logout.headers.get('location')!).origin).toBe(domains.b.origin)
  })

  it('reads a session made under one domain as signed out under another, and leaves it as it was', async () => {
    const domains = await customDomains()
    const auth = shopAuth(domains)
    const a = await signedInShop(domains, auth, SHOP_A)
    const replayed = new ShopBrowser(auth, domains, SHOP_B)
    for (const [name, value] of a.cookies) replayed.cookies.set(name, value)
    expect(await auth.getSession(replayed.request('/'))).toBeUndefined()
    const profile = await replayed.send('/auth/profile')
    expect(profile.status).toBe(401)
    expect(profile.headers.getSetCookie()).toEqual([])
    expect((await auth.getSession(a.request('/')))?.user.sub).toBe('auth0|alice')
  })

  it('ends, by back-channel logout, the sessions of the domain the token’s iss names', async () => {
    const domains = await customDomains()
    const auth = shopAuth(domains)
    const a = await signedInShop(domains, auth, SHOP_A)
    const b = await signedInShop(domains, auth, SHOP_B)
    const sidA = domains.a.lastSid('auth0|alice')!
    const logoutToken = await domains.a.createLogoutToken({ sid: sidA })
    // Auth0 posts to whichever host the Back-Channel Logout URI names.
    const posted = await b.send('/auth/backchannel-logout', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
      body: new URLSearchParams({ logout_token: logoutToken }).toString(),
    })
    expect(posted.status).toBe(200)
    expect(await auth.getSession(a.request('/'))).toBeUndefined()
    expect((await auth.getSession(b.request('/')))?.user.sub).toBe('auth0|alice')
  })

  it('keeps at most 100 domains’ discovery and keys, dropping the least recently used', async () => {
    const context = createFlowContext({
      domain: ({ request }) => new URL(request.url).searchParams.get('domain')!,
      clientId: 'c',
      clientSecret: 's',
      secret: SECRET,
    })
    const at = (n: number) => new Request(`https://app.test/?domain=login${n}.example.test`)
    for (let n = 0; n <= 100; n++) await context.tenants.forRequest(at(n === 100 ? 1 : n))
    await context.tenants.forRequest(at(100))
    await context.tenants.forRequest(at(101))
    expect(context.tenants.seen('https://login0.example.test/')).toBeUndefined()
    expect(context.tenants.seen('https://login2.example.test/')).toBeUndefined()
    expect(context.tenants.seen('https://login1.example.test/')).toBeDefined()
    expect(context.tenants.seen('https://login101.example.test/')).toBeDefined()
    expect(resolveConfig({ domain: () => 'x', clientId: 'c', clientSecret: 's', secret: SECRET }).issuer).toBeUndefined()
  })
})
