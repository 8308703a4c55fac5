/** @module The auth resource route: the core answers /auth/login, /auth/callback, /auth/link, … */
import { handleAuth } from 'auth0-link-kit/react-router'
import { auth } from '../auth.server'

export const loader = ({ request }: { request: Request }) => handleAuth(auth, request)
export const action = loader
