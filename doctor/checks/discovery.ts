/**
 * @module The tenant answers: its discovery document names the configured issuer, its JWKS has
 * keys, and this machine's clock is within 60 s of the tenant's `Date`.
 */

import { printable } from '../report.js'
import { type Check, fail, pass } from './check.js'

/** ID tokens are checked against `iat`/`exp`; Auth0 tokens live long, but a clock this far off fails sign-ins. */
const MAX_SKEW_SECONDS = 60

const DOMAIN_FIX =
  'set AUTH0_DOMAIN to the tenant domain (Dashboard → Applications → Applications → your application → Settings → Domain) or a verified custom domain, and let this machine reach it over HTTPS'

/** @see [OpenID Connect Discovery 1.0 §4](https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig) */
export const discoveryCheck: Check = {
  id: 'discovery',
  needed: () => true,
  async run(facts) {
    const discovery = await facts.discovery()
    if (!discovery.ok) return fail('discovery', discovery.reason, DOMAIN_FIX)
    const jwksUri = discovery.metadata.jwks_uri
    if (typeof jwksUri !== 'string') return fail('discovery', 'the discovery document has no jwks_uri', DOMAIN_FIX)
    const jwks = await facts.probe.request('The JWKS', jwksUri, { headers: { accept: 'application/json' } })
    if (jwks.kind === 'no-answer') return fail('discovery', jwks.reason, DOMAIN_FIX)
    let keys = 0
    try {
      const body: unknown = JSON.parse(jwks.body)
      const list = body !== null && typeof body === 'object' ? (body as { keys?: unknown }).keys : undefined
      keys = Array.isArray(list) ? list.length : 0
    } catch {
      keys = 0
    }
    if (jwks.status !== 200 || keys === 0) {
      return fail('discovery', `the JWKS at ${printable(jwksUri, 100)} answered ${jwks.status} with ${keys} keys`, DOMAIN_FIX)
    }
    const date = discovery.answer.headers.get('date') ?? jwks.headers.get('date')
    const tenantTime = date ? Date.parse(date) : Number.NaN
    const keyText = `${keys} key${keys === 1 ? '' : 's'}`
    if (Number.isNaN(tenantTime))
      return pass('discovery', `discovery, issuer and JWKS (${keyText}) answer; the tenant sent no Date to compare clocks with`)
    const skew = Math.round(Math.abs(Date.now() - tenantTime) / 1000)
    if (skew >= MAX_SKEW_SECONDS) {
      return fail(
        'discovery',
        `this machine's clock is ${skew} s off the tenant's Date`,
        "sync this machine's clock (NTP): ID tokens are checked against it",
      )
    }
    // Date has one-second resolution: report the bound, not a number that changes from run to run.
    return pass('discovery', `discovery, issuer and JWKS (${keyText}) answer; clock within ${MAX_SKEW_SECONDS} s of the tenant's`)
  },
}
