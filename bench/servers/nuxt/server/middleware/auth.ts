/**
 * @module Which auth layer answers, read once when the server starts (BENCH_AUTH): `ours` mounts
 * `auth0Middleware`; `theirs` passes every request on to the routes @auth0/auth0-nuxt mounted
 * (/auth/login, /auth/callback); `bare` answers /auth/login with a fixed redirect, the ceiling.
 */
import { auth0Middleware, createAuth } from 'auth0-link-kit/nuxt'
import { defineEventHandler, sendRedirect } from 'h3'

const library = process.env.BENCH_AUTH

export default library === 'ours'
  ? auth0Middleware(() => createAuth())
  : library === 'bare'
    ? defineEventHandler((event) =>
        event.path === '/auth/login' ? sendRedirect(event, 'https://tenant.auth0.test/authorize', 302) : undefined,
      )
    : defineEventHandler(() => undefined)
