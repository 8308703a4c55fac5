// The demo's one page, as plain server-rendered HTML: every value is escaped where it is used,
// and every action is a plain form, so it works without any script.

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
/** @param {unknown} value */
export const esc = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[/** @type {keyof typeof ESCAPES} */ (c)])

const LABELS = { github: 'GitHub', 'google-oauth2': 'Google', 'Username-Password-Authentication': 'Email and password' }
/** @param {string} connection */
export const label = (connection) => LABELS[/** @type {keyof typeof LABELS} */ (connection)] ?? connection

/**
 * What a card shows when Auth0 could not be asked (a missing Management API grant on a real
 * tenant, say): the error's code and message, so the page still renders.
 * @param {unknown} error
 */
export function problemOf(error) {
  const code = /** @type {{ code?: unknown }} */ (error)?.code
  return { code: typeof code === 'string' ? code : 'internal_error', message: error instanceof Error ? error.message : 'failed' }
}

/**
 * The identities card's data: `{ identities }`, or `{ identitiesProblem }` when `read` fails.
 * @template T
 * @param {() => Promise<T>} read
 */
export const identitiesOf = (read) =>
  read().then(
    (identities) => ({ identities }),
    (error) => ({ identitiesProblem: problemOf(error) }),
  )

/**
 * The connected-accounts card's data: `{ connectedAccounts }`, or `{ connectedProblem }` when `read` fails.
 * @template T
 * @param {() => Promise<T>} read
 */
export const connectedAccountsOf = (read) =>
  read().then(
    (connectedAccounts) => ({ connectedAccounts }),
    (error) => ({ connectedProblem: problemOf(error) }),
  )

const STYLE = `
  * { box-sizing: border-box }
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; background: #f3f4f8; color: #1d2330; margin: 0 }
  header { background: #1d2330; color: #fff; padding: .9rem 1.5rem; display: flex; justify-content: space-between; align-items: center }
  header .brand { font-weight: 650; letter-spacing: .01em } header .brand span { color: #9fb0ff }
  header .mode { font-size: .8rem; color: #b8bfd0 }
  main { max-width: 38rem; margin: 2.5rem auto; padding: 0 1rem }
  .card { background: #fff; border-radius: 12px; padding: 1.75rem 2rem; box-shadow: 0 1px 3px #0000000f, 0 6px 24px #0000000a; margin-bottom: 1.25rem }
  h1 { margin: 0 0 .5rem; font-size: 1.45rem } h2 { font-size: 1rem; margin: 0 0 .75rem; color: #3a4256 }
  p { margin: .25rem 0 1rem }
  .who { display: flex; gap: 1rem; align-items: center; justify-content: space-between }
  .who .person { display: flex; gap: .9rem; align-items: center }
  .avatar { width: 52px; height: 52px; border-radius: 50%; background: #dde3ff; color: #3b5bdb; display: grid; place-items: center; font-weight: 700; font-size: 1.3rem; object-fit: cover }
  .muted { color: #667085; font-size: .9rem }
  ul.identities { list-style: none; padding: 0; margin: 0 }
  ul.identities li { display: flex; justify-content: space-between; align-items: center; padding: .75rem 0; border-top: 1px solid #eef0f4 }
  ul.identities li:first-child { border-top: 0 }
  .identity { display: flex; flex-direction: column } .identity strong { font-weight: 600 }
  .badge { display: inline-block; font-size: .72rem; font-weight: 600; padding: .1rem .5rem; border-radius: 999px; background: #e7f5ec; color: #1e7a46; margin-left: .5rem; vertical-align: middle }
  form { display: inline; margin: 0 }
  button, .button { font: inherit; font-weight: 550; border: 0; border-radius: 8px; padding: .55rem 1.1rem; cursor: pointer; background: #3b5bdb; color: #fff; text-decoration: none; display: inline-block }
  button:hover, .button:hover { filter: brightness(1.08) }
  button.secondary { background: #eef0f4; color: #1d2330 } button.danger { background: #fff0f0; color: #c92a2a; border: 1px solid #ffd4d4 }
  .actions { display: flex; gap: .6rem; flex-wrap: wrap }
  .alert { border-radius: 10px; padding: .9rem 1.1rem; margin-bottom: 1.25rem; display: flex; justify-content: space-between; gap: 1rem; align-items: flex-start }
  .alert.warning { background: #fff8e6; border: 1px solid #ffe3a3; color: #7a4b00 }
  .alert a { color: inherit; font-size: .85rem; white-space: nowrap } .alert code { font-size: .8rem }
  .alert.ok { background: #e7f5ec; border: 1px solid #b7e4c7; color: #1e5f3a }
  ul.scopes { margin: .35rem 0 0; padding-left: 1.1rem; list-style: disc }
  ul.identities ul.scopes li { display: list-item; border: 0; padding: .05rem 0 } ul.scopes code { font-size: .78rem; overflow-wrap: anywhere }
  .identity { min-width: 0 } .stacked { display: flex; flex-direction: column; gap: .4rem; flex-shrink: 0; margin-left: 1rem }
  .stacked button { white-space: nowrap; width: 100% }
`

/**
 * @typedef {{ connection: string, user_id: string, provider: string }} IdentityView
 * @typedef {{ id: string, connection: string, scopes: string[], createdAt: string }} ConnectedAccountView
 * @typedef {{ connection: string, label: string, scopes: string[] }} Connectable
 * @typedef {{ connectedAccounts?: ConnectedAccountView[], connectedProblem?: { code: string, message: string },
 *   providerToken?: { connection: string, expiresAt: number, scope?: string }, providerTokenProblem?: { code: string, auth0Error?: string },
 *   connectable?: Connectable[], tokenButton?: boolean }} ConnectedView
 * @param {{ user?: Record<string, unknown>, identities?: IdentityView[], identitiesProblem?: { code: string, message: string },
 *   suggestions?: { connection: string, provider: string, userId: string, lastLogin?: string }[],
 *   linkable: string[], mode: string } & ConnectedView} view
 */
export function renderPage(view) {
  const { user, linkable, mode } = view
  const body = user ? signedIn(user, view, linkable) : signedOut()
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${user ? 'Your accounts' : 'Sign in'} · Link Kit demo</title><style>${STYLE}</style></head>
    <body><header><div class="brand">Link Kit <span>demo</span></div><div class="mode">${esc(mode)}</div></header>
    <main>${body}</main></body></html>`
}

function signedOut() {
  return `<section class="card" aria-labelledby="welcome">
      <h1 id="welcome">Welcome</h1>
      <p class="muted">You are signed out. Sign in to see the identities linked to your account, link GitHub or Google, and unlink them again.</p>
      <a class="button" href="/auth/login?returnTo=/">Sign in</a>
    </section>`
}

/**
 * @param {Record<string, unknown>} user
 * @param {{ identities?: IdentityView[], identitiesProblem?: { code: string, message: string },
 *   suggestions?: { connection: string, provider: string, userId: string, lastLogin?: string }[] } & ConnectedView} view
 * @param {string[]} linkable
 */
function signedIn(user, view, linkable) {
  const name = String(user.name ?? user.email ?? user.sub)
  const avatar = user.picture
    ? `<img class="avatar" alt="" src="${esc(user.picture)}">`
    : `<div class="avatar" aria-hidden="true">${esc(name.slice(0, 1).toUpperCase())}</div>`
  const profile = `<section class="card who" aria-label="Signed in user">
      <div class="person">${avatar}<div><strong>${esc(name)}</strong><br><span class="muted">${esc(user.email ?? '')}</span></div></div>
      <form method="post" action="/auth/logout"><input type="hidden" name="returnTo" value="/"><button class="secondary">Log out</button></form>
    </section>`
  return profile + suggestionCard(view.suggestions) + identitiesCard(view) + linkCard(view.identities, linkable) + connectedCard(view)
}

/**
 * Another account with the same verified email (suggested linking): Link signs into it and
 * merges it; "Not me" remembers the decline. `userId` is masked; the server keeps the real one.
 * @param {{ connection: string, provider: string, userId: string, lastLogin?: string }[] | undefined} suggestions
 */
function suggestionCard(suggestions) {
  if (!suggestions?.length) return ''
  return suggestions
    .map(
      (suggestion) => `<section class="card suggestion" aria-labelledby="suggestion-${esc(suggestion.userId)}">
      <h2 id="suggestion-${esc(suggestion.userId)}">You also have an account that signed in with ${esc(label(suggestion.connection))}. Link it?</h2>
      <p class="muted">Same email as this account${suggestion.lastLogin ? `, last used ${esc(suggestion.lastLogin.slice(0, 10))}` : ''}. You will sign into it once to prove it is yours; its settings are merged into this account.</p>
      <div class="actions">
        <form method="post" action="/auth/link"><input type="hidden" name="suggestion" value="${esc(suggestion.userId)}">
          <input type="hidden" name="returnTo" value="/"><button>Link</button></form>
        <form method="post" action="/auth/link-suggestions/decline"><input type="hidden" name="userId" value="${esc(suggestion.userId)}">
          <input type="hidden" name="returnTo" value="/"><button class="secondary">Not me</button></form>
      </div></section>`,
    )
    .join('')
}

/**
 * Connected accounts (Auth0 Connected Accounts + Token Vault): connect Google Calendar, see it
 * listed with the scopes granted, fetch a provider token (only its expiry is shown), disconnect.
 * @param {ConnectedView} view
 */
function connectedCard({ connectedAccounts, connectedProblem, providerToken, providerTokenProblem, connectable = [], tokenButton = true }) {
  const heading = '<h2 id="connected">Connected accounts</h2>'
  // An app that does not read them shows no card, rather than a problem it does not have.
  if (!connectedAccounts && !connectedProblem) return ''
  if (!connectedAccounts) {
    return `<section class="card" aria-labelledby="connected">${heading}
      <div class="alert warning" role="status"><div><strong>The connected accounts could not be read.</strong><br>
        ${esc(connectedProblem?.message ?? '')} <code>(${esc(connectedProblem?.code ?? 'unknown')})</code><br>
        The app needs the My Account API activated and a Multi-Resource Refresh Token policy for it.</div></div></section>`
  }
  const rows = connectedAccounts
    .map((account) => {
      const scopes = account.scopes.map((scope) => `<li><code>${esc(scope)}</code></li>`).join('')
      return `<li><span class="identity"><strong>${esc(offeredLabel(account.connection, connectable))}</strong>
          <span class="muted">${esc(account.connection)} · connected ${esc(account.createdAt.slice(0, 10))}</span>
          <ul class="scopes">${scopes}</ul></span>
        <span class="stacked">
          ${
            tokenButton
              ? `<form method="post" action="/provider-token"><input type="hidden" name="connection" value="${esc(account.connection)}">
            <button class="secondary">Fetch a token</button></form>`
              : ''
          }
          <form method="post" action="/auth/disconnect"><input type="hidden" name="id" value="${esc(account.id)}">
            <input type="hidden" name="returnTo" value="/"><button class="danger">Disconnect</button></form></span></li>`
    })
    .join('')
  const connected = new Set(connectedAccounts.map((account) => account.connection))
  const buttons = connectable
    .filter((offered) => !connected.has(offered.connection))
    .map(
      (offered) => `<form method="post" action="/auth/connect"><input type="hidden" name="connection" value="${esc(offered.connection)}">
        ${offered.scopes.map((scope) => `<input type="hidden" name="scopes" value="${esc(scope)}">`).join('')}
        <input type="hidden" name="returnTo" value="/"><button>Connect ${esc(offered.label)}</button></form>`,
    )
    .join('')
  return `<section class="card" aria-labelledby="connected">${heading}
      ${tokenNotice(providerToken, providerTokenProblem)}
      ${rows ? `<ul class="identities" id="connected-accounts">${rows}</ul>` : '<p class="muted">No account is connected yet.</p>'}
      ${buttons ? `<div class="actions">${buttons}</div>` : ''}</section>`
}

/**
 * @param {string} connection
 * @param {Connectable[]} connectable
 */
const offeredLabel = (connection, connectable) =>
  connectable.find((offered) => offered.connection === connection)?.label ?? label(connection)

/**
 * What the token button found out: the token's expiry, never the token.
 * @param {ConnectedView['providerToken']} token
 * @param {ConnectedView['providerTokenProblem']} problem
 */
function tokenNotice(token, problem) {
  if (token) {
    const expires = new Date(token.expiresAt * 1000).toISOString().replace('T', ' ').slice(0, 19)
    return `<div class="alert ok" role="status" id="provider-token"><div><strong>Token Vault gave a ${esc(label(token.connection))} access token.</strong><br>
      It expires at ${esc(expires)} UTC. The token stays on the server.</div></div>`
  }
  if (problem) {
    return `<div class="alert warning" role="status" id="provider-token"><div><strong>No provider token.</strong>
      <code>(${esc(problem.code)}${problem.auth0Error ? `, ${esc(problem.auth0Error)}` : ''})</code></div></div>`
  }
  return ''
}

/** @param {{ identities?: IdentityView[], identitiesProblem?: { code: string, message: string } }} view */
function identitiesCard({ identities, identitiesProblem }) {
  if (!identities && !identitiesProblem) {
    return `<section class="card" aria-labelledby="linked"><h2 id="linked">Linked identities</h2>
      <p class="muted">This app does not read the linked identities.</p></section>`
  }
  if (!identities) {
    // The kit's message for a missing grant already says where to grant it: say it only once.
    const message = identitiesProblem?.message ?? ''
    const hint = message.includes('Machine to Machine Applications')
      ? ''
      : `<br>Linking through the Management API needs this app authorized for the Auth0 Management API with
        <code>read:users</code> and <code>update:users</code>: Auth0 Dashboard → Applications → APIs → Auth0 Management API →
        Machine to Machine Applications.`
    return `<section class="card" aria-labelledby="linked"><h2 id="linked">Linked identities</h2>
      <div class="alert warning" role="status"><div><strong>The linked identities could not be read.</strong><br>
        ${esc(message)} <code>(${esc(identitiesProblem?.code ?? 'unknown')})</code>${hint}</div></div></section>`
  }
  // Index 0 is the primary identity, the one the account was created with: Auth0 refuses to unlink it.
  const rows = identities
    .map((identity, index) =>
      index === 0
        ? `<li><span class="identity"><strong>${esc(label(identity.connection))}<span class="badge">Primary</span></strong>
            <span class="muted">${esc(identity.connection)}</span></span></li>`
        : `<li><span class="identity"><strong>${esc(label(identity.connection))}</strong><span class="muted">${esc(identity.connection)} · ${esc(identity.user_id)}</span></span>
            <form method="post" action="/auth/unlink"><input type="hidden" name="connection" value="${esc(identity.connection)}">
            <input type="hidden" name="returnTo" value="/"><button class="danger">Unlink ${esc(label(identity.connection))}</button></form></li>`,
    )
    .join('')
  // Auth0 makes an unlinked identity a user of its own again: say so before anyone clicks.
  const unlinkNote =
    identities.length > 1
      ? '<p class="muted" id="unlink-note">Unlinking an identity makes it a separate account again, with its own empty profile.</p>'
      : ''
  return `<section class="card" aria-labelledby="linked"><h2 id="linked">Linked identities</h2>
      <ul class="identities" id="identities">${rows}</ul>${unlinkNote}</section>`
}

/**
 * @param {IdentityView[] | undefined} identities
 * @param {string[]} linkable
 */
function linkCard(identities, linkable) {
  const linked = new Set((identities ?? []).map((identity) => identity.connection))
  const buttons = linkable
    .filter((connection) => !linked.has(connection))
    .map(
      (connection) => `<form method="post" action="/auth/link"><input type="hidden" name="connection" value="${esc(connection)}">
        <input type="hidden" name="returnTo" value="/"><button>Link ${esc(label(connection))}</button></form>`,
    )
    .join('')
  return `<section class="card" aria-labelledby="link"><h2 id="link">Link another identity</h2>
      ${buttons ? `<div class="actions">${buttons}</div>` : '<p class="muted">Everything this demo offers is linked.</p>'}</section>`
}
