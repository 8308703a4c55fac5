/** @module The example's one auth instance, from process.env on the first request (never at build time). */
import type { Auth } from 'auth0-link-kit'
import { createAuth } from 'auth0-link-kit/astro'

let auth: Auth<unknown> | undefined
export const getAuth = (): Auth<unknown> => (auth ??= createAuth({ connectedAccounts: { enabled: true } }))
export const LINKABLE = ['github', 'google-oauth2']
