import type { Identity } from 'auth0-link-kit'
import { LINKABLE, nextAuth } from '@/lib/auth'
import { linkAccount, unlinkAccount } from './actions'

/** The linked identities from the Management API, or why they could not be read (for the page). */
async function identities(): Promise<{ identities: Identity[] } | { problem: string }> {
  try {
    return { identities: await nextAuth.withStoreOptions((storeOptions) => nextAuth.auth.client.getIdentities(storeOptions)) }
  } catch (error) {
    return { problem: error instanceof Error && 'code' in error ? String(error.code) : 'internal_error' }
  }
}

// A Server Component: it reads the session through cookies(), so Next renders it per request.
export default async function Home() {
  const user = await nextAuth.getUser()
  if (!user) {
    return (
      <main>
        <h1>auth0-link-kit · Next.js</h1>
        <p>You are signed out.</p>
        {/* A plain <a>, not <Link>: the auth routes are full page loads to Auth0 and back. */}
        <p>
          <a href="/auth/login?returnTo=/">Sign in</a>
        </p>
      </main>
    )
  }
  const linked = await identities()
  const connected = new Set('identities' in linked ? linked.identities.slice(1).map((identity) => identity.connection) : [])
  return (
    <main>
      <h1>auth0-link-kit · Next.js</h1>
      <p>
        Signed in as <strong>{user.name ?? user.sub}</strong> (<span data-testid="email">{user.email}</span>)
      </p>

      <h2>Linked identities</h2>
      {'identities' in linked ? (
        <ul data-testid="identities">
          {linked.identities.map((identity) => (
            <li key={`${identity.provider}|${identity.user_id}`}>
              {identity.connection} ({identity.provider})
            </li>
          ))}
        </ul>
      ) : (
        <p role="alert">Could not read the linked identities: {linked.problem}</p>
      )}

      {LINKABLE.map((connection) => (
        <form key={connection} action={connected.has(connection) ? unlinkAccount : linkAccount}>
          <input type="hidden" name="connection" value={connection} />
          <button type="submit">
            {connected.has(connection) ? 'Unlink' : 'Link'} {connection}
          </button>
        </form>
      ))}

      <p>
        <a href="/account">Account</a> · <a href="/edge">Session from the Edge runtime</a> · <a href="/auth/logout?returnTo=/">Log out</a>
      </p>
    </main>
  )
}
