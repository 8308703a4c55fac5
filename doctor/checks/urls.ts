/**
 * @module The URLs Auth0 must accept from this app: the callback (probed with an `/authorize`
 * request whose redirect is not followed), the logout return URL, and the configured organization.
 * Auth0 answers a callback it does not allow with its error page (or the tenant's custom error
 * page) and never redirects to it; an allowed one gets the login page or a redirect back.
 */

import { safeReturnTo } from '../../core/safety.js'
import { type Answer, jsonObject, type NoAnswer, oauthErrorText } from '../probe.js'
import { printable } from '../report.js'
import type { TenantFacts } from '../tenant-facts.js'
import { APP_SETTINGS, type Check, fail, needsDiscovery, pass, unknown } from './check.js'

/** What an `/authorize` (or PAR) probe showed. */
type AuthorizeOutcome =
  /** Auth0 went on with the request: a login page, or a redirect to the login page or back to the callback. */
  | { kind: 'accepted'; how: string; callbackError?: { error: string; description: string } }
  /** Auth0 refused it with an error page (or a redirect to one). */
  | { kind: 'refused'; text: string }
  | { kind: 'unavailable'; reason: string }

/** Phrases of Auth0's "Callback URL mismatch" page and of its logout error page. */
const MISMATCH = /callback url mismatch|not in the list of allowed callback urls|allowed logout urls|is not defined as a valid url/i

function random(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** One short, printable phrase for an HTML or JSON error answer. */
function pageSummary(answer: Answer): string {
  if (jsonObject(answer)) return oauthErrorText(answer)
  const mismatch = MISMATCH.exec(answer.body)
  if (mismatch) {
    // The sentence around the phrase, tags removed, says which URL Auth0 did not allow.
    const text = answer.body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ')
    const at = text.search(MISMATCH)
    return printable(text.slice(Math.max(0, at - 40), at + 120).trim(), 160)
  }
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(answer.body)?.[1]
  return printable(title?.trim() || `HTTP ${answer.status}`, 100)
}

function samePath(a: URL, b: URL): boolean {
  return a.origin === b.origin && a.pathname === b.pathname
}

function classifyAuthorize(answer: Answer | NoAnswer, base: string, redirectUri: URL): AuthorizeOutcome {
  if (answer.kind === 'no-answer') return { kind: 'unavailable', reason: answer.reason }
  const location = answer.headers.get('location')
  if (answer.status >= 300 && answer.status < 400 && location) {
    let target: URL
    try {
      target = new URL(location, base)
    } catch {
      return { kind: 'refused', text: 'Auth0 redirected to an unparsable URL' }
    }
    const error = target.searchParams.get('error')
    const description = printable(target.searchParams.get('error_description') ?? '')
    if (samePath(target, redirectUri)) {
      return {
        kind: 'accepted',
        how: 'redirected back to it',
        ...(error ? { callbackError: { error: printable(error, 60), description } } : {}),
      }
    }
    if (error) return { kind: 'refused', text: [printable(error, 60), description].filter(Boolean).join(': ') }
    if (/\/error\b/.test(target.pathname)) return { kind: 'refused', text: 'Auth0 sent the browser to its error page' }
    return {
      kind: 'accepted',
      how: `redirected to ${target.origin === new URL(base).origin ? '' : target.origin}${printable(target.pathname, 60)}`,
    }
  }
  if (answer.status === 200 && !MISMATCH.test(answer.body)) return { kind: 'accepted', how: 'answered with a login page' }
  return { kind: 'refused', text: pageSummary(answer) }
}

/**
 * Probes `/authorize` for the app's callback with `extra` parameters, as a browser would start a
 * sign-in (PKCE challenge, state and nonce of random values nobody holds the verifier of). With
 * "Require Pushed Authorization Requests" on, the parameters are pushed instead (RFC 9126), which
 * Auth0 validates the same way.
 */
async function probeAuthorize(facts: TenantFacts, redirectUri: URL, extra: Record<string, string> = {}): Promise<AuthorizeOutcome> {
  const discovery = await facts.discovery()
  if (!discovery.ok) return { kind: 'unavailable', reason: 'no discovery document' }
  const params = new URLSearchParams({
    client_id: facts.settings.clientId,
    response_type: 'code',
    redirect_uri: redirectUri.href,
    scope: 'openid',
    state: random(),
    nonce: random(),
    code_challenge: random() + random(),
    code_challenge_method: 'S256',
    ...extra,
  })
  const { metadata } = discovery
  if (metadata.require_pushed_authorization_requests === true) {
    const pushed = await facts.pushAuthorization(params)
    if (pushed.kind === 'no-answer') return { kind: 'unavailable', reason: pushed.reason }
    if (pushed.status === 201) return { kind: 'accepted', how: 'accepted in a pushed authorization request' }
    return { kind: 'refused', text: oauthErrorText(pushed) }
  }
  const endpoint = metadata.authorization_endpoint
  if (typeof endpoint !== 'string') return { kind: 'unavailable', reason: 'the discovery document has no authorization_endpoint' }
  const url = new URL(endpoint)
  for (const [key, value] of params) url.searchParams.set(key, value)
  const answer = await facts.probe.request('/authorize', url, { headers: { accept: 'text/html' } })
  return classifyAuthorize(answer, endpoint, redirectUri)
}

const callbackProbes = new WeakMap<TenantFacts, Promise<AuthorizeOutcome>>()

function callbackUrl(facts: TenantFacts): URL | undefined {
  const { appBaseUrl, routes } = facts.settings
  return appBaseUrl && new URL(routes.callback, appBaseUrl)
}

function probeCallback(facts: TenantFacts, callback: URL): Promise<AuthorizeOutcome> {
  let probe = callbackProbes.get(facts)
  if (!probe) {
    probe = probeAuthorize(facts, callback)
    callbackProbes.set(facts, probe)
  }
  return probe
}

const NO_BASE_URL_FIX = "set APP_BASE_URL (appBaseUrl) to the app's public origin so the doctor knows the URLs to check"

/** @see [Auth0: Allowed Callback URLs](https://auth0.com/docs/get-started/applications/application-settings#application-uris) */
export const callbackUrlCheck: Check = {
  id: 'callback-url',
  needed: () => true,
  async run(facts) {
    const callback = callbackUrl(facts)
    if (!callback) return unknown('callback-url', 'appBaseUrl is not set: the callback URL depends on each request', NO_BASE_URL_FIX)
    const fix = `${APP_SETTINGS} → Allowed Callback URLs: add ${callback.href} (or PATCH /api/v2/clients/{id} callbacks)`
    const outcome = await probeCallback(facts, callback)
    if (outcome.kind === 'accepted') {
      const note = outcome.callbackError ? ` with ${outcome.callbackError.error}` : ''
      return pass('callback-url', `Auth0 accepts ${callback.href} (${outcome.how}${note})`)
    }
    if (outcome.kind === 'refused') return fail('callback-url', `Auth0 refused ${callback.href}: ${outcome.text}`, fix)
    if (!(await facts.discovery()).ok) return needsDiscovery('callback-url')
    return fail('callback-url', outcome.reason, fix)
  },
}

/** @see [Auth0: Logout redirects](https://auth0.com/docs/authenticate/login/logout/redirect-users-after-logout) */
export const logoutUrlCheck: Check = {
  id: 'logout-url',
  needed: () => true,
  async run(facts) {
    const { appBaseUrl, clientId, issuer } = facts.settings
    if (!appBaseUrl) return unknown('logout-url', 'appBaseUrl is not set: the logout return URL depends on each request', NO_BASE_URL_FIX)
    const discovery = await facts.discovery()
    if (!discovery.ok) return needsDiscovery('logout-url')
    // The return URL the kit's logout sends when the app names none (core/flows/logout.ts).
    const target = new URL(safeReturnTo(undefined, appBaseUrl), appBaseUrl)
    const fix = `${APP_SETTINGS} → Allowed Logout URLs: add ${target.href} (or PATCH /api/v2/clients/{id} allowed_logout_urls)`
    const endSession = discovery.metadata.end_session_endpoint
    const url = typeof endSession === 'string' ? new URL(endSession) : new URL('v2/logout', issuer)
    url.searchParams.set('client_id', clientId)
    url.searchParams.set(typeof endSession === 'string' ? 'post_logout_redirect_uri' : 'returnTo', target.href)
    const answer = await facts.probe.request('Logout', url, { headers: { accept: 'text/html' } })
    if (answer.kind === 'no-answer')
      return fail('logout-url', answer.reason, 'check that this machine reaches the tenant, then run the doctor again')
    const location = answer.headers.get('location')
    if (answer.status >= 300 && answer.status < 400 && location && URL.canParse(location, url)) {
      const to = new URL(location, url)
      if (samePath(to, target)) return pass('logout-url', `Auth0 returns to ${target.href} after logout`)
      const error = to.searchParams.get('error')
      return fail('logout-url', `Auth0 did not return to ${target.href}${error ? `: ${printable(error, 60)}` : ''}`, fix)
    }
    return fail('logout-url', `Auth0 refused ${target.href}: ${pageSummary(answer)}`, fix)
  },
}

/** @see [Auth0 Organizations: login flows](https://auth0.com/docs/manage-users/organizations/login-flows-for-organizations) */
export const organizationCheck: Check = {
  id: 'organization',
  needed: (settings) => settings.organization !== undefined,
  async run(facts) {
    const organization = facts.settings.organization ?? ''
    const callback = callbackUrl(facts)
    if (!callback) return unknown('organization', 'appBaseUrl is not set, so no sign-in can be probed', NO_BASE_URL_FIX)
    if ((await probeCallback(facts, callback)).kind !== 'accepted') {
      return unknown('organization', 'cannot probe a sign-in while Auth0 refuses the callback URL', 'fix the callback-url check first')
    }
    const fix = `create the organization (Dashboard → Organizations) or correct AUTH0_ORGANIZATION (an org_… id or its name), and enable your application's connections for it`
    const outcome = await probeAuthorize(facts, callback, { organization })
    const complaint = (text: string) => /organi[sz]ation/i.test(text)
    if (outcome.kind === 'accepted') {
      const { callbackError } = outcome
      if (callbackError && callbackError.error === 'invalid_request' && complaint(callbackError.description)) {
        return fail('organization', `Auth0 does not know organization ${printable(organization, 60)}: ${callbackError.description}`, fix)
      }
      return pass('organization', `Auth0 starts sign-ins for organization ${printable(organization, 60)}`)
    }
    if (outcome.kind === 'refused') {
      return complaint(outcome.text)
        ? fail('organization', `Auth0 refused organization ${printable(organization, 60)}: ${outcome.text}`, fix)
        : unknown(
            'organization',
            `Auth0 refused the probe: ${outcome.text}`,
            'run the doctor again; if this persists, sign in once by hand',
          )
    }
    return fail('organization', outcome.reason, 'check that this machine reaches the tenant, then run the doctor again')
  },
}
