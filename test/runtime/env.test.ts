// The AUTH0_* → options mapping every adapter shares (adapters/env.ts).
import { describe, expect, it } from 'vitest'
import { optionsFromEnv, readRecord } from '../../adapters/env.js'

describe('optionsFromEnv', () => {
  it('fills each missing option from its variable', () => {
    const env = {
      AUTH0_DOMAIN: 'tenant.example.com',
      AUTH0_CLIENT_ID: 'id',
      AUTH0_CLIENT_SECRET: 'shh',
      AUTH0_SECRET: 's'.repeat(32),
      APP_BASE_URL: 'https://app.example.com',
    }
    expect(optionsFromEnv({}, readRecord(env))).toEqual({
      domain: 'tenant.example.com',
      clientId: 'id',
      clientSecret: 'shh',
      secret: 's'.repeat(32),
      appBaseUrl: 'https://app.example.com',
    })
  })

  it('lets explicit options win and reads no variable for them', () => {
    const read: string[] = []
    const options = optionsFromEnv({ domain: 'explicit.example.com', clientId: 'explicit', pushedAuthorizationRequests: false }, (name) => {
      read.push(name)
      return `from-env-${name}`
    })
    expect(options).toMatchObject({ domain: 'explicit.example.com', clientId: 'explicit', clientSecret: 'from-env-AUTH0_CLIENT_SECRET' })
    expect(options.pushedAuthorizationRequests).toBe(false)
    expect(read).toEqual(['AUTH0_CLIENT_SECRET', 'AUTH0_SECRET', 'APP_BASE_URL', 'AUTH0_ORGANIZATION', 'AUTH0_LINK_STRATEGY'])
  })

  it('treats an empty variable as unset, so the core reports the option as missing', () => {
    expect(optionsFromEnv({}, readRecord({ AUTH0_DOMAIN: '', APP_BASE_URL: '' }))).toEqual({})
  })

  it('turns pushed authorization requests on from AUTH0_PUSHED_AUTHORIZATION_REQUESTS=true (any case) and off from false', () => {
    expect(optionsFromEnv({}, readRecord({ AUTH0_PUSHED_AUTHORIZATION_REQUESTS: 'true' })).pushedAuthorizationRequests).toBe(true)
    expect(optionsFromEnv({}, readRecord({ AUTH0_PUSHED_AUTHORIZATION_REQUESTS: 'TRUE' })).pushedAuthorizationRequests).toBe(true)
    expect(optionsFromEnv({}, readRecord({ AUTH0_PUSHED_AUTHORIZATION_REQUESTS: 'false' })).pushedAuthorizationRequests).toBe(false)
  })

  it('refuses an AUTH0_PUSHED_AUTHORIZATION_REQUESTS that is neither true nor false with a ConfigurationError naming it', () => {
    expect(() => optionsFromEnv({}, readRecord({ AUTH0_PUSHED_AUTHORIZATION_REQUESTS: 'yes' }))).toThrow(
      expect.objectContaining({
        code: 'configuration_error',
        option: 'pushedAuthorizationRequests',
        message: expect.stringContaining('AUTH0_PUSHED_AUTHORIZATION_REQUESTS'),
      }),
    )
  })
})
