import { describe, expect, it } from 'vitest'
import { CookieCodec } from '../../core/cookies/codec.js'
import { serializeCookie } from '../../core/cookies/header.js'
import { ConfigurationError, errorResponse, type ServerClient } from '../../core/index.js'
import { flowContextOf } from '../../core/server-client.js'

const request = new Request('https://app.example.com/auth/login', { headers: { accept: 'application/json' } })
const attributes = { maxAge: 60, secure: true, sameSite: 'Lax' } as const

/** What a handler answers for `error`: the one error answer, as JSON. */
async function answerFor(error: unknown) {
  const response = errorResponse(error, request)
  return { status: response.status, body: (await response.json()) as { error: string; message: string } }
}

describe('internal guards throw the kit’s typed errors, never a plain TypeError', () => {
  it('refuses a cookie name that is not a token with a ConfigurationError, answered 500 configuration_error', async () => {
    const error = (() => {
      try {
        return serializeCookie('__session; Domain=evil.example', 'v', attributes)
      } catch (caught) {
        return caught
      }
    })()
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(await answerFor(error)).toMatchObject({ status: 500, body: { error: 'configuration_error' } })
  })

  it('refuses a cookie value that is not cookie-octets without quoting it', async () => {
    const value = 'secret-session\r\nSet-Cookie: a=b'
    const error = (() => {
      try {
        return serializeCookie('__session', value, attributes)
      } catch (caught) {
        return caught
      }
    })()
    expect(error).toBeInstanceOf(ConfigurationError)
    const answer = await answerFor(error)
    expect(answer).toMatchObject({ status: 500, body: { error: 'configuration_error' } })
    expect(answer.body.message).not.toContain('secret-session')
  })

  it('refuses a cookie codec without a secret when it is built', () => {
    expect(() => new CookieCodec([], 'session')).toThrow(ConfigurationError)
    expect(() => new CookieCodec([], 'session')).toThrow(/^secret: /)
  })

  it('refuses to read the context of an object that is not a ServerClient', async () => {
    const error = (() => {
      try {
        return flowContextOf({} as ServerClient<unknown>)
      } catch (caught) {
        return caught
      }
    })()
    expect(error).toBeInstanceOf(ConfigurationError)
    expect(error).toMatchObject({ option: 'client' })
    expect(await answerFor(error)).toMatchObject({ status: 500, body: { error: 'configuration_error' } })
  })
})
