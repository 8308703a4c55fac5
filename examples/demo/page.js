// The demo's one page, as plain server-rendered HTML: every value is escaped where it is used.

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
/** @param {unknown} value */
export const esc = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[/** @type {keyof typeof ESCAPES} */ (c)])

const LABELS = { github: 'GitHub', 'google-oauth2': 'Google', 'Username-Password-Authentication': 'Email and password' }
/** @param {string} connection */
export const label = (connection) => LABELS[/** @type {keyof typeof LABELS} */ (connection)] ?? connection

const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; background: #f5f6f8; color: #1d2330; margin: 0 }
  main { max-width: 40rem; margin: 3rem auto; background: #fff; border-radius: 12px; padding: 2rem 2.5rem; box-shadow: 0 2px 12px #0001 }
  h1 { margin-top: 0; font-size: 1.5rem } h2 { font-size: 1.1rem; margin-top: 2rem }
  .who { display: flex; gap: 1rem; align-items: center } .who img { width: 48px; height: 48px; border-radius: 50% }
  ul { list-style: none; padding: 0 } li { display: flex; justify-content: space-between; align-items: center; padding: .6rem 0; border-bottom: 1px solid #eee }
  form { display: inline } button, .button { font: inherit; border: 0; border-radius: 6px; padding: .45rem 1rem; cursor: pointer; background: #3b5bdb; color: #fff; text-decoration: none }
  button.secondary { background: #e9ecef; color: #1d2330 } button.danger { background: #fff0f0; color: #c92a2a }
  .error { background: #fff0f0; border: 1px solid #ffc9c9; color: #c92a2a; padding: .75rem 1rem; border-radius: 8px }
  .note { color: #667; font-size: .9rem } .tag { font-size: .8rem; color: #667; margin-left: .5rem }
`

/**
 * @param {{ user?: Record<string, unknown>, identities?: Array<{ connection: string, user_id: string, provider: string }>,
 *   linkable: string[], error?: { code: string, description?: string | null }, mode: string }} view
 */
export function renderPage(view) {
  const { user, identities, linkable, error, mode } = view
  const errorBox = error
    ? `<p class="error" role="alert"><strong>That did not work (${esc(error.code)}).</strong> ${esc(error.description ?? '')}</p>`
    : ''
  let body
  if (!user) {
    body = `<h1>Account linking demo</h1>${errorBox}
      <p>You are signed out.</p>
      <a class="button" href="/auth/login?returnTo=/">Sign in</a>`
  } else {
    const linked = identities ?? []
    const rows = linked
      .map((identity, index) =>
        index === 0
          ? `<li><span>${esc(label(identity.connection))}<span class="tag">primary</span></span></li>`
          : `<li><span>${esc(label(identity.connection))}<span class="tag">${esc(identity.user_id)}</span></span>
              <form method="post" action="/auth/unlink"><input type="hidden" name="connection" value="${esc(identity.connection)}">
              <input type="hidden" name="returnTo" value="/"><button class="danger">Unlink</button></form></li>`,
      )
      .join('')
    const linkedConnections = new Set(linked.map((identity) => identity.connection))
    const buttons = linkable
      .filter((connection) => !linkedConnections.has(connection))
      .map(
        (connection) => `<form method="post" action="/auth/link"><input type="hidden" name="connection" value="${esc(connection)}">
          <input type="hidden" name="returnTo" value="/"><button>Link ${esc(label(connection))}</button></form>`,
      )
      .join(' ')
    body = `<h1>Account linking demo</h1>${errorBox}
      <div class="who">${user.picture ? `<img alt="" src="${esc(user.picture)}">` : ''}
        <div><strong>${esc(user.name ?? user.sub)}</strong><br><span class="note">${esc(user.email ?? '')} · ${esc(user.sub)}</span></div></div>
      <h2>Linked identities</h2>
      ${identities ? `<ul id="identities">${rows}</ul>` : `<p class="note">Identities come from Auth0's Management API, which this demo does not call on a real tenant. The session holds: ${esc(JSON.stringify(user))}</p>`}
      <h2>Link another identity</h2><p>${buttons || '<span class="note">Everything is linked.</span>'}</p>
      <h2>Done?</h2><form method="get" action="/auth/logout"><input type="hidden" name="returnTo" value="/"><button class="secondary">Log out</button></form>`
  }
  return `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
    <title>auth0-link-kit demo</title><style>${STYLE}</style>
    <main>${body}<p class="note">Mode: ${esc(mode)}</p></main></html>`
}
