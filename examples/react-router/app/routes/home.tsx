/** @module The example's page: the signed-in user, their identities and connected accounts, and the buttons that change them. */
import { bindAuth } from 'auth0-link-kit/react-router'
import { data, useLoaderData } from 'react-router'
import { auth, LINKABLE } from '../auth.server'

/** Why a list could not be read (a missing grant on a real tenant, say): its code and message, nothing more. */
const problemOf = (error: unknown) => ({
  code: typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : 'internal_error',
  message: error instanceof Error ? error.message : 'failed',
})

export async function loader({ request }: { request: Request }) {
  // Reading the connected accounts may refresh the session: its cookies ride on the loader's headers.
  const { auth: requestAuth, headers } = bindAuth(auth, request)
  const user = await requestAuth.getUser()
  if (!user) return data({ signedIn: false as const }, { headers })
  const [identities, connected] = await Promise.all([
    requestAuth.getIdentities().then(
      (list) => ({ list: list.map(({ connection, user_id }) => ({ connection, userId: user_id })) }),
      (error: unknown) => ({ problem: problemOf(error) }),
    ),
    requestAuth.listConnectedAccounts({}).then(
      (list) => ({ list: list.map(({ id, connection, scopes }) => ({ id, connection, scopes })) }),
      (error: unknown) => ({ problem: problemOf(error) }),
    ),
  ])
  const email = user.email ?? ''
  return data({ signedIn: true as const, email, name: user.name ?? email, identities, connected, linkable: LINKABLE }, { headers })
}

// The loader's headers (cookies included) plus no-store: the page is per user.
export const headers = ({ loaderHeaders }: { loaderHeaders: Headers }) => {
  const out = new Headers(loaderHeaders)
  out.set('cache-control', 'no-store')
  return out
}

export default function Home() {
  const view = useLoaderData<typeof loader>()
  if (!view.signedIn) {
    return (
      <main>
        <h1>auth0-link-kit on React Router</h1>
        <p>You are signed out.</p>
        <a href="/auth/login?returnTo=/">Sign in</a>
      </main>
    )
  }
  const { email, name, identities, connected, linkable } = view
  const linked = new Set('list' in identities ? identities.list.map((identity) => identity.connection) : [])
  return (
    <main>
      <h1>Hello {name}</h1>
      <p>Signed in as {email}</p>
      <h2>Linked identities</h2>
      {'list' in identities ? (
        <ul id="identities">
          {identities.list.map((identity, index) => (
            <li key={`${identity.connection}|${identity.userId}`}>
              {identity.connection} · {identity.userId} {/* Index 0 is the primary identity: Auth0 refuses to unlink it. */}
              {index === 0 ? (
                '(primary)'
              ) : (
                <form method="post" action="/settings/unlink">
                  <input type="hidden" name="connection" value={identity.connection} />
                  <button type="submit">Unlink {identity.connection}</button>
                </form>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p role="status">
          The linked identities could not be read: {identities.problem.message} ({identities.problem.code})
        </p>
      )}
      {linkable
        .filter((connection) => !linked.has(connection))
        .map((connection) => (
          <form key={connection} method="post" action="/settings/link">
            <input type="hidden" name="connection" value={connection} />
            <button type="submit">Link {connection}</button>
          </form>
        ))}
      <h2>Connected accounts</h2>
      {'list' in connected ? (
        <ul id="connected-accounts">
          {connected.list.map((account) => (
            <li key={account.id}>
              {account.connection}: {account.scopes.join(' ')}{' '}
              <form method="post" action="/auth/disconnect">
                <input type="hidden" name="id" value={account.id} />
                <input type="hidden" name="returnTo" value="/" />
                <button type="submit">Disconnect</button>
              </form>
            </li>
          ))}
        </ul>
      ) : (
        <p role="status">
          The connected accounts could not be read: {connected.problem.message} ({connected.problem.code})
        </p>
      )}
      <p>
        <a href="/auth/connect?connection=google-oauth2&returnTo=/">Connect Google Calendar</a> · <a href="/auth/logout">Sign out</a>
      </p>
    </main>
  )
}
