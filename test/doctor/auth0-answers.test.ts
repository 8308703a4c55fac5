// How the doctor reads answers a real tenant gives and the emulator does not: Universal Login's
// redirect to /u/login, the redirect to the tenant's error page for a callback it does not allow,
// a classic login page, and a client whose Client Credentials grant type is off. The tenant is
// the emulator with /authorize answered by an injected fetch, the way Auth0 answers it.

import { describe, expect, it } from 'vitest'
import { doctor } from '../../doctor/index.js'
import { APP_BASE_URL, check, doctorTenant, failing } from './tenant.js'

/** The tenant's fetch with `/authorize` answered by `answer`. */
async function tenantAnswering(answer: (url: URL) => Response) {
  const { options, emulator } = await doctorTenant()
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init)
    const url = new URL(request.url)
    return url.pathname === '/authorize' ? answer(url) : (options.fetch as typeof globalThis.fetch)(request)
  }
  return { options: { ...options, fetch }, emulator }
}

describe('the callback-url check reads Auth0 as Auth0 answers', () => {
  it('accepts a redirect to the Universal Login page', async () => {
    const { options } = await tenantAnswering(
      () => new Response(null, { status: 302, headers: { location: '/u/login?state=hKFo2SBzb21ldGhpbmc' } }),
    )
    const report = await doctor(options)
    expect(failing(report)).toEqual([])
    expect(check(report, 'callback-url').found).toContain('redirected to /u/login')
  })

  it('accepts a classic login page', async () => {
    const { options } = await tenantAnswering(
      () => new Response('<!doctype html><title>Sign In with Auth0</title>', { headers: { 'content-type': 'text/html' } }),
    )
    expect(check(await doctor(options), 'callback-url').status).toBe('pass')
  })

  it('refuses a redirect to the tenant error page, quoting its description', async () => {
    const { options, emulator } = await tenantAnswering((url) => {
      const error = new URL('/error', emulator.origin)
      error.searchParams.set('client', url.searchParams.get('client_id') ?? '')
      error.searchParams.set('error', 'invalid_request')
      error.searchParams.set(
        'error_description',
        `Callback URL mismatch. ${url.searchParams.get('redirect_uri')} is not in the list of allowed callback URLs`,
      )
      return new Response(null, { status: 302, headers: { location: error.href } })
    })
    const report = await doctor(options)
    expect(failing(report)).toEqual(['callback-url'])
    expect(check(report, 'callback-url').found).toContain('invalid_request: Callback URL mismatch.')
    expect(check(report, 'callback-url').fix).toContain(`add ${APP_BASE_URL}/auth/callback`)
  })

  it('strips terminal escapes from what the tenant says', async () => {
    const { options } = await tenantAnswering(
      () => new Response('<h1>Callback URL mismatch.\u001b[2J\u001b[31m</h1>', { status: 400, headers: { 'content-type': 'text/html' } }),
    )
    const report = await doctor(options)
    expect(failing(report)).toEqual(['callback-url'])
    expect(check(report, 'callback-url').found).not.toContain('\u001b')
  })
})

it('a client without the Client Credentials grant type authenticates, and management-api-grant says to tick it', async () => {
  const { options, emulator } = await doctorTenant()
  emulator.fail({
    endpoint: 'token',
    grant: 'client_credentials',
    oauthError: 'unauthorized_client',
    errorDescription: "Grant type 'client_credentials' not allowed for the client.",
    status: 403,
    times: Infinity,
  })
  const report = await doctor(options)
  expect(failing(report)).toEqual(['management-api-grant'])
  expect(check(report, 'client-authentication').status).toBe('pass')
  expect(check(report, 'management-api-grant').fix).toContain('Grant Types: tick Client Credentials')
})
