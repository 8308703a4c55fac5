import { expect } from 'vitest'
import { type Auth, Auth0LinkKitError } from '../../core/index.js'
import { escapeHtml } from '../../core/safety.js'
import type { BrowserBase } from '../support/browser.js'
import { SECRET } from '../support/tenant.js'

/** The session as the browser held it before an attempt: its cookies and who it belongs to. */
export interface SessionSnapshot {
  /** `__session` and `__session.N` cookies (`__Host-session…` on https), name → value. */
  cookies: Map<string, string>
  sub: string | undefined
  /** Token values that must never appear in an error page. */
  tokens: string[]
}

/** A browser with no session: a failure must not create one. */
export const SIGNED_OUT: SessionSnapshot = { cookies: new Map(), sub: undefined, tokens: [] }

/** The default session cookie and its chunks, by either name (`__Host-session` on https). */
const SESSION_COOKIE = /^(__session|__Host-session)(\.\d+)?$/

function sessionCookies(browser: BrowserBase): Map<string, string> {
  return new Map([...browser.cookies].filter(([name]) => SESSION_COOKIE.test(name)))
}

/** Records the browser's session so a failed attempt can be shown not to have touched it. */
export async function snapshotSession(auth: Auth<unknown>, browser: BrowserBase): Promise<SessionSnapshot> {
  const session = await auth.getSession(browser.request('/'))
  const tokens = session
    ? [session.idToken, ...(session.refreshToken ? [session.refreshToken] : []), ...session.tokenSets.map((set) => set.accessToken)]
    : []
  return { cookies: sessionCookies(browser), sub: session?.user.sub, tokens }
}

export interface SafeFailureExpectation {
  /** What the handler answered (already stored in `browser`'s jar by `browser.send`). */
  response: Response
  /** The error `onError` saw for this request. */
  error: unknown
  code: string
  status: number
  browser: BrowserBase
  auth: Auth<unknown>
  /** The session before the attempt; `undefined` when the browser was signed out. */
  before: SessionSnapshot
  /** Auth0's `error_description`: it arrived in the callback's query, so the body must not show it at all. */
  auth0Description?: string
  /** More strings the body must not contain (client secret, injected tokens…). */
  secrets?: string[]
}

const STACK_FRAME = /\n\s*at\s|\bat\s+\S+\s+\(|\.ts:\d+|\.js:\d+/

/**
 * The three things every negative case asserts: (1) a typed error with the expected `code`,
 * (2) a safe answer: right status, the code in the body, no stack, secret, token, cookie value or
 * Auth0 description (raw or escaped) in it, and no session cookie written, (3) the session the
 * user had is unchanged.
 */
export async function expectSafeFailure(expected: SafeFailureExpectation): Promise<void> {
  const { response, error, browser, auth, before } = expected
  expect(error, 'onError saw a typed error').toBeInstanceOf(Auth0LinkKitError)
  expect((error as Auth0LinkKitError).code).toBe(expected.code)
  expect((error as Auth0LinkKitError).status).toBe(expected.status)

  expect(response.status).toBe(expected.status)
  expect(response.headers.get('cache-control')).toBe('no-store')
  const body = await response.clone().text()
  // The page's words are chosen by the code, and the code itself is on it (or in the JSON).
  expect(body).toContain(expected.code)
  if (response.headers.get('content-type')?.startsWith('text/html')) {
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/)
  }
  expect(body).not.toMatch(STACK_FRAME)
  const forbidden = [SECRET, ...before.tokens, ...before.cookies.values(), ...browser.cookies.values(), ...(expected.secrets ?? [])]
  for (const value of forbidden) if (value.length >= 8) expect(body.includes(value), `body leaks ${value.slice(0, 12)}…`).toBe(false)
  if (expected.auth0Description !== undefined) {
    expect(body, "the body shows Auth0's error_description").not.toContain(expected.auth0Description)
    expect(body, "the body shows Auth0's error_description, escaped").not.toContain(escapeHtml(expected.auth0Description))
  }
  const written = response.headers.getSetCookie().filter((cookie) => SESSION_COOKIE.test(cookie.slice(0, cookie.indexOf('='))))
  expect(written, 'a failed attempt writes no session cookie').toEqual([])

  expect(sessionCookies(browser)).toEqual(before.cookies)
  const after = await auth.getSession(browser.request('/'))
  expect(after?.user.sub).toBe(before.sub)
}
