/**
 * @module Requests to the emulated tenant's `/oauth/token`, as a confidential client sends them:
 * for the emulator's own tests, which speak the protocol by hand.
 */
import type { Auth0Emulator } from '../../testing/index.js'

/** A token request with `form`, the client authenticated in the body (`post`) or with HTTP Basic. */
export function tokenRequest(emulator: Auth0Emulator, form: Record<string, string>, auth: 'basic' | 'post' = 'post'): Request {
  const body = new URLSearchParams(form)
  const headers = new Headers({ 'content-type': 'application/x-www-form-urlencoded' })
  if (auth === 'post') {
    body.set('client_id', emulator.clientId)
    body.set('client_secret', emulator.clientSecret)
  } else {
    headers.set('authorization', `Basic ${btoa(`${emulator.clientId}:${emulator.clientSecret}`)}`)
  }
  return new Request(`${emulator.origin}/oauth/token`, { method: 'POST', headers, body })
}

/** Exchanges an authorization code (with its PKCE verifier) at the emulator; the raw response. */
export function exchangeCode(emulator: Auth0Emulator, code: string, verifier: string, redirectUri: string): Promise<Response> {
  return emulator.handle(
    tokenRequest(emulator, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri }),
  )
}
