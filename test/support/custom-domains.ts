// Several Auth0 custom domains (one emulator each) in front of one app served under several hosts.
import { type AuthOptions, createAuth, type DomainResolver } from '../../core/index.js'
import { type Auth0Emulator, createAuth0Emulator } from '../../testing/index.js'
import { BrowserBase } from './browser.js'
import { SECRET } from './tenant.js'

export const SHOP_A = 'https://shop.brand-a.test'
export const SHOP_B = 'https://shop.brand-b.test'

export interface CustomDomains {
  a: Auth0Emulator
  b: Auth0Emulator
  /** A third domain the app never resolves to. */
  stranger: Auth0Emulator
  emulators: Auth0Emulator[]
  /** Sends each call to the emulator of its origin; others fail as a refused connection would. */
  fetch: typeof fetch
}

export async function customDomains(): Promise<CustomDomains> {
  const a = await createAuth0Emulator({ origin: 'https://login.brand-a.test' })
  const b = await createAuth0Emulator({ origin: 'https://login.brand-b.test' })
  const stranger = await createAuth0Emulator({ origin: 'https://login.stranger.test' })
  const emulators = [a, b, stranger]
  const routed: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    const emulator = emulators.find((candidate) => candidate.origin === url.origin)
    return emulator ? emulator.fetch(input, init) : Promise.reject(new TypeError(`fetch failed: ${url.origin}`))
  }
  return { a, b, stranger, emulators, fetch: routed }
}

/** Brand A's shop signs in at brand A's custom domain, brand B's at brand B's. */
export function shopResolver(domains: CustomDomains): DomainResolver {
  const byHost: Record<string, string> = { [new URL(SHOP_A).host]: domains.a.domain, [new URL(SHOP_B).host]: domains.b.domain }
  return ({ request }) => {
    const domain = byHost[new URL(request.url).host]
    if (!domain) throw new Error('not one of our shops')
    return domain
  }
}

export function shopAuth(domains: CustomDomains, overrides: Partial<AuthOptions> = {}) {
  return createAuth({
    domain: shopResolver(domains),
    clientId: domains.a.clientId,
    clientSecret: domains.a.clientSecret,
    secret: SECRET,
    fetch: domains.fetch,
    ...overrides,
  })
}

/** A browser on one shop host; tenant requests go to whichever emulator serves their origin. */
export class ShopBrowser extends BrowserBase {
  readonly #auth: ReturnType<typeof createAuth>
  readonly #emulators: Auth0Emulator[]

  constructor(auth: ReturnType<typeof createAuth>, domains: CustomDomains, appOrigin: string) {
    super(appOrigin)
    this.#auth = auth
    this.#emulators = domains.emulators
  }

  protected async transport(request: Request, toApp: boolean): Promise<Response> {
    if (toApp) return (await this.#auth.handler(request)) ?? new Response('shop page', { status: 200 })
    const emulator = this.#emulators.find((candidate) => candidate.origin === new URL(request.url).origin)
    if (!emulator) throw new Error(`no tenant at ${request.url}`)
    return emulator.handle(request)
  }
}
