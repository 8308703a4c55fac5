/** @module Answers the auth routes and puts `event.context.auth` on every other request. */
import { auth0Middleware } from 'auth0-link-kit/nuxt'
import { getAuth } from '../utils/auth'

export default auth0Middleware(getAuth)
