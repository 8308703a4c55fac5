import type { ConnectionAccount, EmulatedUser } from './users.js'

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Every interpolated value goes through this: names, emails and connections come from tests and URLs. */
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c)

const CONNECTION_LABELS: Record<string, string> = {
  github: 'GitHub',
  'google-oauth2': 'Google',
  windowslive: 'Microsoft',
  facebook: 'Facebook',
  apple: 'Apple',
  linkedin: 'LinkedIn',
  'Username-Password-Authentication': 'Username and password',
}

export const connectionLabel = (connection: string): string => CONNECTION_LABELS[connection] ?? connection

const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; background: #f4f5f7; color: #1f2328; margin: 0; }
  main { max-width: 24rem; margin: 4rem auto; background: #fff; padding: 2rem; border-radius: 12px;
         box-shadow: 0 2px 12px rgb(0 0 0 / 0.08); }
  h1 { font-size: 1.25rem; margin: 0 0 1rem; }
  p.tenant { color: #59636e; font-size: 0.875rem; margin: -0.75rem 0 1.5rem; }
  form { margin: 0 0 0.75rem; }
  button { width: 100%; padding: 0.7rem 1rem; font: inherit; border-radius: 8px; cursor: pointer;
           border: 1px solid #d1d9e0; background: #fff; text-align: left; }
  button.primary { background: #635dff; color: #fff; border-color: #635dff; text-align: center; }
  button.secondary { text-align: center; }
  button small { display: block; color: #59636e; }
`

function page(title: string, domain: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p class="tenant">${escapeHtml(domain)} (Auth0 emulator)</p>
${body}
</main></body></html>`
}

const pendingField = (pendingId: string): string => `<input type="hidden" name="pending" value="${escapeHtml(pendingId)}">`

/** One POST form per user, so signing in needs no script. */
export function signInPage(domain: string, pendingId: string, users: EmulatedUser[]): string {
  const buttons = users.map(
    (user) => `<form method="post" action="/authorize/decision">${pendingField(pendingId)}
<input type="hidden" name="user_id" value="${escapeHtml(user.user_id)}">
<button type="submit" name="decision" value="approve">${escapeHtml(user.name)}<small>${escapeHtml(user.email)}</small></button></form>`,
  )
  const cancel = `<form method="post" action="/authorize/decision">${pendingField(pendingId)}
<button class="secondary" type="submit" name="decision" value="cancel">Cancel</button></form>`
  return page('Sign in', domain, [...buttons, cancel].join('\n'))
}

/**
 * The provider's own sign-in, played by the emulator: one button per account of that connection,
 * saying who owns it already, so a tester can pick "the GitHub account linked to Bob".
 */
export function connectionSignInPage(domain: string, pendingId: string, connection: string, accounts: ConnectionAccount[]): string {
  const buttons = accounts.map((account) => {
    const owner = account.owner
    const note = !owner
      ? 'not used with this tenant yet'
      : owner.identities[0] === account.identity
        ? `user ${owner.user_id}`
        : `linked to ${owner.name} (${owner.user_id})`
    return `<form method="post" action="/authorize/decision">${pendingField(pendingId)}
<input type="hidden" name="account" value="${escapeHtml(account.identity.user_id)}">
<button type="submit" name="decision" value="approve">${escapeHtml(account.name)}<small>${escapeHtml(account.email)} · ${escapeHtml(note)}</small></button></form>`
  })
  const cancel = `<form method="post" action="/authorize/decision">${pendingField(pendingId)}
<button class="secondary" type="submit" name="decision" value="cancel">Cancel</button></form>`
  return page(`Sign in with ${connectionLabel(connection)}`, domain, [...buttons, cancel].join('\n'))
}

export function messagePage(domain: string, title: string, message: string): string {
  return page(title, domain, `<p>${escapeHtml(message)}</p>`)
}

/** The connect page of Connected Accounts: the provider's consent, played by the emulator. */
export function connectConsentPage(domain: string, ticket: string, connection: string, scopes: string[]): string {
  const items = scopes.map((scope) => `<li><code>${escapeHtml(scope)}</code></li>`).join('')
  return page(
    `Connect ${connectionLabel(connection)}?`,
    domain,
    `<p>The application asks to use your ${escapeHtml(connectionLabel(connection))} account with these permissions:</p><ul>${items}</ul>
<form method="post" action="/connect/decision"><input type="hidden" name="ticket" value="${escapeHtml(ticket)}">
<p><button class="primary" type="submit" name="decision" value="approve">Allow</button></p>
<p><button class="secondary" type="submit" name="decision" value="cancel">Cancel</button></p></form>`,
  )
}
