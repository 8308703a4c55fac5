/**
 * @module auth0-link-kit's post-login Action: client-initiated account linking and unlinking for
 * apps configured with `linking.strategy: 'tenant-action'`.
 *
 * A link request is `/authorize?scope=openid link_account&requested_connection=<name>&id_token_hint=<primary's ID token>`
 * (unlink: `unlink_account`). The Action checks the hint, then for a link sends the user through a
 * fresh sign-in to the requested connection (a nested `/authorize` of the linking application,
 * `prompt=login`, `max_age=0`, back to `/continue`), verifies that sign-in, and links it through
 * the Management API; an unlink is one Management API call. On success the ID token carries
 * `https://auth0-link-kit.dev/linking` = `{ op, connection, provider, user_id }`.
 *
 * Secrets (Actions → this Action → Secrets):
 * - `AUTH0_DOMAIN`: the tenant's domain, e.g. `example.eu.auth0.com` (the canonical one, not a custom domain).
 * - `LINKING_CLIENT_ID`, `LINKING_CLIENT_SECRET`: a Regular Web Application with the Allowed
 *   Callback URL `https://<AUTH0_DOMAIN>/continue`, the client-credentials grant, and a grant on
 *   the Auth0 Management API with `read:users update:users`.
 * - `REQUIRE_VERIFIED_EMAIL` (optional, default `true`): refuse to link an account whose email is not verified.
 *
 * It needs no npm dependency: WebCrypto and `fetch` of the Actions runtime (Node 18+) only.
 */

const CLAIM = 'https://auth0-link-kit.dev/linking'
/** The `id_token_hint` must be this fresh (seconds). */
const HINT_MAX_AGE = 600
/** The nested sign-in must have authenticated this recently (seconds). */
const FRESH_SIGN_IN = 300

function tenantBase(event) {
  const domain = String(event.secrets.AUTH0_DOMAIN || '')
  if (!domain) throw new Error('The AUTH0_DOMAIN secret is missing')
  // A full origin is accepted so tests can point it at a local emulator.
  return domain.startsWith('http://') || domain.startsWith('https://') ? domain.replace(/\/+$/, '') : `https://${domain}`
}

function decodeSegment(segment) {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/')
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4)
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0))
}

/** An RS256 JWT of this tenant, signature checked against its JWKS; the claims, or an Error. */
async function verifyTenantJwt(token, base) {
  const parts = typeof token === 'string' ? token.split('.') : []
  if (parts.length !== 3) return new Error('not a JWT')
  let header
  let claims
  try {
    header = JSON.parse(new TextDecoder().decode(decodeSegment(parts[0])))
    claims = JSON.parse(new TextDecoder().decode(decodeSegment(parts[1])))
  } catch {
    return new Error('not a JWT')
  }
  if (header.alg !== 'RS256') return new Error('not signed with RS256')
  const response = await fetch(`${base}/.well-known/jwks.json`)
  if (!response.ok) return new Error(`the tenant JWKS answered ${response.status}`)
  const { keys } = await response.json()
  const jwk = (keys || []).find((key) => key.kid === header.kid)
  if (!jwk) return new Error('signed with a key that is not in the tenant JWKS')
  const key = await crypto.subtle.importKey('jwk', jwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify'])
  const signed = new TextEncoder().encode(`${parts[0]}.${parts[1]}`)
  const valid = await crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, decodeSegment(parts[2]), signed)
  if (!valid) return new Error('bad signature')
  if (claims.iss !== `${base}/`) return new Error('issued by another tenant')
  return claims
}

const audiences = (claims) => (Array.isArray(claims.aud) ? claims.aud : [claims.aud])
const now = () => Math.floor(Date.now() / 1000)

async function managementToken(event, base) {
  const response = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: event.secrets.LINKING_CLIENT_ID,
      client_secret: event.secrets.LINKING_CLIENT_SECRET,
      audience: `${base}/api/v2/`,
    }),
  })
  if (!response.ok) throw new Error(`the Management API token was refused (${response.status})`)
  return (await response.json()).access_token
}

async function management(event, base, method, path, body) {
  const token = await managementToken(event, base)
  const response = await fetch(`${base}/api/v2/${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  const payload = await response.json().catch(() => ({}))
  return { status: response.status, payload }
}

/** The requested operation, or `undefined` when this sign-in is not a link or unlink request. */
function requestedOperation(event) {
  const scopes = String(event.request.query.scope || '').split(' ')
  const link = scopes.includes('link_account')
  const unlink = scopes.includes('unlink_account')
  if (link && unlink) return { error: 'link_account and unlink_account cannot be combined' }
  if (!link && !unlink) return undefined
  return { op: link ? 'link' : 'unlink' }
}

/** The hint must be this tenant's ID token for this client and this user, at most 10 minutes old. */
async function checkHint(event, base) {
  const claims = await verifyTenantJwt(event.request.query.id_token_hint, base)
  if (claims instanceof Error) return `id_token_hint: ${claims.message}`
  if (!audiences(claims).includes(event.client.client_id)) return 'id_token_hint was issued to another client'
  if (claims.sub !== event.user.user_id) return 'id_token_hint is for another user'
  if (typeof claims.iat !== 'number' || now() - claims.iat > HINT_MAX_AGE) return 'id_token_hint is older than 10 minutes'
  return undefined
}

exports.onExecutePostLogin = async (event, api) => {
  // The Action's own nested sign-in (the linking application) is not a request of the app.
  if (event.client.client_id === event.secrets.LINKING_CLIENT_ID) return
  const request = requestedOperation(event)
  if (!request) return
  if (request.error) return api.access.deny(request.error)
  const connection = event.request.query.requested_connection
  if (!connection) return api.access.deny(`requested_connection is required with ${request.op}_account`)
  const base = tenantBase(event)
  const problem = await checkHint(event, base)
  if (problem) return api.access.deny(problem)

  if (request.op === 'unlink') {
    const index = event.user.identities.findIndex((identity) => identity.connection === connection)
    if (index === 0) return api.access.deny('The primary identity cannot be unlinked')
    const identity = event.user.identities[index]
    if (!identity) return api.access.deny(`No ${connection} identity is linked to this user`)
    const path = `users/${encodeURIComponent(event.user.user_id)}/identities/${encodeURIComponent(identity.provider)}/${encodeURIComponent(identity.user_id)}`
    const { status, payload } = await management(event, base, 'DELETE', path)
    if (status !== 200) return api.access.deny(`Auth0 refused the unlink (${status}): ${payload.message || ''}`)
    api.idToken.setCustomClaim(CLAIM, { op: 'unlink', connection, provider: identity.provider, user_id: identity.user_id })
    return
  }

  if (event.user.identities.some((identity) => identity.connection === connection)) {
    return api.access.deny(`A ${connection} identity is already linked to this user`)
  }
  // A fresh sign-in to the account to link, by the linking application; Auth0 adds its state and resumes at /continue.
  api.redirect.sendUserTo(`${base}/authorize`, {
    query: {
      client_id: event.secrets.LINKING_CLIENT_ID,
      response_type: 'code',
      redirect_uri: `${base}/continue`,
      scope: 'openid profile email',
      connection,
      prompt: 'login',
      max_age: '0',
      ...(event.request.query.requested_connection_scope ? { connection_scope: event.request.query.requested_connection_scope } : {}),
    },
  })
}

exports.onContinuePostLogin = async (event, api) => {
  const base = tenantBase(event)
  const { code, error, error_description: description } = event.request.query
  if (error || !code) return api.access.deny(`The sign-in to the account to link failed: ${description || error || 'no code'}`)
  const response = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: event.secrets.LINKING_CLIENT_ID,
      client_secret: event.secrets.LINKING_CLIENT_SECRET,
      code,
      redirect_uri: `${base}/continue`,
    }),
  })
  if (!response.ok) return api.access.deny(`The code of the account to link was refused (${response.status})`)
  const secondary = await verifyTenantJwt((await response.json()).id_token, base)
  if (secondary instanceof Error) return api.access.deny(`The account to link: ${secondary.message}`)
  if (!audiences(secondary).includes(event.secrets.LINKING_CLIENT_ID))
    return api.access.deny('The account to link signed in for another client')
  if (typeof secondary.auth_time !== 'number' || now() - secondary.auth_time > FRESH_SIGN_IN) {
    return api.access.deny('The account to link did not sign in afresh')
  }
  if (secondary.sub === event.user.user_id) return api.access.deny('That account is already linked to this user')
  const requireVerified = String(event.secrets.REQUIRE_VERIFIED_EMAIL ?? 'true') !== 'false'
  if (requireVerified && secondary.email_verified !== true) return api.access.deny('The account to link has no verified email')

  const found = await management(event, base, 'GET', `users/${encodeURIComponent(secondary.sub)}`)
  if (found.status !== 200) return api.access.deny(`Auth0 could not read the account to link (${found.status})`)
  const identities = found.payload.identities || []
  // Signing in with an identity linked elsewhere yields its owner, who has identities of its own.
  if (identities.length !== 1) return api.access.deny('identity_already_linked: that account belongs to another user')
  const [identity] = identities
  const linked = await management(event, base, 'POST', `users/${encodeURIComponent(event.user.user_id)}/identities`, {
    provider: identity.provider,
    user_id: identity.user_id,
  })
  if (linked.status !== 201) return api.access.deny(`Auth0 refused the link (${linked.status}): ${linked.payload.message || ''}`)
  api.idToken.setCustomClaim(CLAIM, { op: 'link', connection: identity.connection, provider: identity.provider, user_id: identity.user_id })
}
