/** @module Answers the auth routes and sets Astro.locals.auth for every page and endpoint. */
import { auth0Middleware } from 'auth0-link-kit/astro'
import { getAuth } from './auth'

export const onRequest = auth0Middleware(getAuth)
