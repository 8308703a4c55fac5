/**
 * @module Signing in over real HTTP against a benchmark server (login start, the tenant's answer
 * through `POST /__bench/authorize`, callback), as a browser would: the session's `Cookie` header,
 * checked by one session read. Shared by the framework servers (Nuxt, Fastify, node:http).
 */

/** A cookie jar of one: Set-Cookie lines in, a Cookie header out (Max-Age=0 deletes). */
class Jar {
  readonly #cookies = new Map<string, string>()
  keep(response: Response): void {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';')
      const eq = pair.indexOf('=')
      if (/max-age=0\b/i.test(cookie) || /expires=thu, 01 jan 1970/i.test(cookie)) this.#cookies.delete(pair.slice(0, eq).trim())
      else this.#cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1))
    }
  }
  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }
}

/** Signs in through the server at `origin` and returns the session's Cookie header; throws when a step fails. */
export async function signInOverHttp(origin: string, sessionPath = '/home'): Promise<string> {
  const jar = new Jar()
  const login = await fetch(`${origin}/auth/login`, { redirect: 'manual' })
  if (login.status !== 302) throw new Error(`sign-in failed: /auth/login answered ${login.status}: ${await login.text()}`)
  jar.keep(login)
  const authorize = await fetch(`${origin}/__bench/authorize`, { method: 'POST', body: login.headers.get('location') })
  if (!authorize.ok) throw new Error(`sign-in failed: /__bench/authorize answered ${authorize.status}: ${await authorize.text()}`)
  const callback = await fetch(await authorize.text(), { redirect: 'manual', headers: { cookie: jar.header() } })
  if (callback.status !== 302) throw new Error(`sign-in failed: the callback answered ${callback.status}: ${await callback.text()}`)
  jar.keep(callback)
  const home = await fetch(`${origin}${sessionPath}`, { headers: { cookie: jar.header() } })
  if (home.status !== 200) throw new Error(`sign-in failed: ${sessionPath} answered ${home.status}`)
  return jar.header()
}
