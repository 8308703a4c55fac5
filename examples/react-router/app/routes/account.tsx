/** @module A page only signed-in users see: the loader sends others to the login route and back. */
import { redirect, useLoaderData } from 'react-router'
import { auth } from '../auth.server'

export async function loader({ request }: { request: Request }) {
  const user = await auth.getUser(request)
  if (!user)
    throw redirect(`/auth/login?returnTo=${encodeURIComponent(new URL(request.url).pathname)}`, {
      headers: { 'cache-control': 'no-store' },
    })
  return { email: user.email ?? '' }
}

export default function Account() {
  const { email } = useLoaderData<typeof loader>()
  return <p>Account of {email}</p>
}
