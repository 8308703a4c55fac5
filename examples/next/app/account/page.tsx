import { nextAuth } from '@/lib/auth'

// proxy.ts sends a signed-out request for /account to the login route with returnTo=/account,
// so by the time this renders there is a session.
export default async function Account() {
  const session = await nextAuth.getSession()
  return (
    <main>
      <h1>Account</h1>
      <p>
        User id: <code data-testid="sub">{session?.user.sub}</code>
      </p>
      <p>
        <a href="/">Home</a>
      </p>
    </main>
  )
}
