/** @module The example's page: the signed-in user and the link/unlink/connect buttons. */
import { useLoaderData } from 'react-router'
import { auth, LINKABLE } from '../auth.server'

export async function loader({ request }: { request: Request }) {
  const user = await auth.getUser(request)
  return { email: user?.email ?? null, name: user?.name ?? null, linkable: LINKABLE }
}

export const headers = () => ({ 'cache-control': 'no-store' })

export default function Home() {
  const { email, name, linkable } = useLoaderData<typeof loader>()
  if (!email) {
    return (
      <main>
        <h1>auth0-link-kit on React Router</h1>
        <a href="/auth/login?returnTo=/">Sign in</a>
      </main>
    )
  }
  return (
    <main>
      <h1>Hello {name ?? email}</h1>
      <p>Signed in as {email}</p>
      {linkable.map((connection) => (
        <p key={connection}>
          <form method="post" action="/settings/link">
            <input type="hidden" name="connection" value={connection} />
            <button type="submit">Link {connection}</button>
          </form>{' '}
          <form method="post" action="/settings/unlink">
            <input type="hidden" name="connection" value={connection} />
            <button type="submit">Unlink {connection}</button>
          </form>
        </p>
      ))}
      <p>
        <a href="/auth/connect?connection=google-oauth2&returnTo=/">Connect Google Calendar</a> · <a href="/auth/logout">Sign out</a>
      </p>
    </main>
  )
}
