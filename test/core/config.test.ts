import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../core/config.js'
import { type AuthOptions, ConfigurationError, createAuth } from '../../core/index.js'

const valid: AuthOptions = {
  domain: 'tenant.eu.auth0.com',
  clientId: 'client',
  clientSecret: 'secret',
  secret: 'x'.repeat(32),
}

describe('configuration', () => {
  it.each([
    ['domain', { domain: '' }],
    ['domain', { domain: 'http://tenant.example.com' }],
    ['domain', { domain: 'https://tenant.example.com/path' }],
    ['clientId', { clientId: undefined }],
    ['clientSecret', { clientSecret: undefined }],
    ['secret', { secret: 'short' }],
    ['secret', { secret: [] }],
    ['secret', { secret: ['x'.repeat(32), 'short'] }],
    ['appBaseUrl', { appBaseUrl: 'not a url' }],
    ['appBaseUrl', { appBaseUrl: 'ftp://example.com' }],
    ['routes.login', { routes: { login: 'auth/login' } }],
    ['httpTimeout', { httpTimeout: -1 }],
    ['session.cookie.name', { session: { cookie: { name: 'my session' } } }],
    ['session.cookie.name', { session: { cookie: { name: 'a;b' } } }],
    ['session.cookie.domain', { session: { cookie: { domain: 'example.com; Secure' } } }],
    ['session.cookie.sameSite', { session: { cookie: { sameSite: 'Strict' } } }],
    ['transactionCookie.prefix', { transactionCookie: { prefix: 'tx=' } }],
    ['transactionCookie.domain', { transactionCookie: { domain: '' } }],
    ['transactionCookie.secure', { transactionCookie: { secure: 'yes' } }],
    ['beforeSessionSaved', { beforeSessionSaved: 'not a function' }],
    ['onError', { onError: {} }],
    ['onCallback', { onCallback: 1 }],
  ])('fails at construction naming %s', (option, override) => {
    const error = (() => {
      try {
        createAuth({ ...valid, ...override } as AuthOptions)
      } catch (caught) {
        return caught
      }
    })()
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error).toMatchObject({ code: 'configuration_error', option })
  })

  it('turns a domain into an Auth0 issuer with a trailing slash', () => {
    expect(resolveConfig(valid).issuer?.href).toBe('https://tenant.eu.auth0.com/')
    expect(resolveConfig({ ...valid, domain: 'https://login.example.com' }).issuer?.href).toBe('https://login.example.com/')
  })

  it('allows plain http only for loopback issuers', () => {
    expect(resolveConfig({ ...valid, domain: 'http://127.0.0.1:4000' })).toMatchObject({ http: { allowInsecureRequests: true } })
    expect(resolveConfig(valid)).toMatchObject({ http: { allowInsecureRequests: false } })
  })
})
