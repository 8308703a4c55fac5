/** @module The example's one auth instance, from process.env when the server starts (never at build time). */
import { createAuth } from 'auth0-link-kit/react-router'

export const auth = createAuth({ connectedAccounts: { enabled: true } })
export const LINKABLE = ['github', 'google-oauth2']
