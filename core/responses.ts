import { Auth0LinkKitError, AuthorizationError } from './errors.js'
import { escapeHtml } from './safety.js'

/** Every auth response carries user- or token-specific data: never cache or index it. */
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' }

export function redirect(location: string | URL, headers = new Headers()): Response {
  headers.set('location', String(location))
  for (const [name, value] of Object.entries(NO_STORE)) headers.set(name, value)
  return new Response(null, { status: 302, headers })
}

export function json(body: unknown, status = 200, headers = new Headers()): Response {
  headers.set('content-type', 'application/json; charset=utf-8')
  for (const [name, value] of Object.entries(NO_STORE)) headers.set(name, value)
  return new Response(JSON.stringify(body), { status, headers })
}

export function empty(status: number, headers = new Headers()): Response {
  for (const [name, value] of Object.entries(NO_STORE)) headers.set(name, value)
  return new Response(null, { status, headers })
}

function wantsJson(request: Request): boolean {
  const accept = request.headers.get('accept') ?? ''
  return accept.includes('application/json') && !accept.includes('text/html')
}

/**
 * A safe answer for a failure: the typed error's status and code, a short message, Auth0's own
 * `error_description` HTML-escaped, and never a stack, token or secret. Unknown errors are 500
 * with a generic message. `headers` keeps cookies already set (a consumed transaction's deletion).
 */
export function errorResponse(error: unknown, request: Request, headers = new Headers()): Response {
  const typed = error instanceof Auth0LinkKitError ? error : undefined
  const status = typed?.status ?? 500
  const code = typed?.code ?? 'internal_error'
  // Typed messages are ours and hold no secrets; an unknown error's message might.
  const message = typed ? typed.message : 'Something went wrong while signing you in.'
  const body: Record<string, string> = { error: code, message }
  if (typed instanceof AuthorizationError) {
    body.auth0_error = typed.error
    if (typed.errorDescription !== undefined) body.auth0_error_description = typed.errorDescription
  }
  if (wantsJson(request)) return json(body, status, headers)
  headers.set('content-type', 'text/html; charset=utf-8')
  headers.set('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
  for (const [name, value] of Object.entries(NO_STORE)) headers.set(name, value)
  const details = Object.entries(body)
    .map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(value)}</dd>`)
    .join('')
  const html = `<!doctype html><meta charset="utf-8"><title>Sign-in problem</title><style>body{font:16px system-ui;margin:3rem auto;max-width:40rem;color:#222}dt{font-weight:600}</style><h1>That did not work</h1><dl>${details}</dl><p><a href="/">Back to the app</a></p>`
  return new Response(html, { status, headers })
}
