'use server'

import { isLinkable, nextAuth } from '@/lib/auth'

// Server Actions: Next checks that the POST came from this origin before running them. Each
// writes the transaction cookie through cookies() and redirect()s to Auth0; signed out, each
// throws MissingSessionError (the page only shows the buttons to a signed-in user).

export async function linkAccount(formData: FormData): Promise<void> {
  const connection = formData.get('connection')
  if (!isLinkable(connection)) throw new Error('Unknown connection')
  await nextAuth.startLinkUser({ connection, returnTo: '/' })
}

export async function unlinkAccount(formData: FormData): Promise<void> {
  const connection = formData.get('connection')
  if (!isLinkable(connection)) throw new Error('Unknown connection')
  await nextAuth.startUnlinkUser({ connection, returnTo: '/' })
}
