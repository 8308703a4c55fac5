/** @module `auth0-link-kit/sveltekit`: the auth routes as a `handle` hook, and `locals.auth` bound to SvelteKit's cookie API. */

import type { Cookies, Handle } from '@sveltejs/kit'
import { type Auth, type AuthOptions, bindRequest, type CookieSink, createAuth as createCoreAuth, type RequestAuth } from '../core/index.js'
import { optionsFromEnv, readRecord } from './env.js'

/**
 * Creates the auth instance with every option not passed filled from `env` (`AUTH0_DOMAIN`,
 * `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET`, `AUTH0_SECRET`, `APP_BASE_URL`). A library cannot
 * import SvelteKit's `$env` modules, so pass `$env/dynamic/private` (read at runtime, so one build
 * runs against any tenant) or `$env/static/private`. Explicit options win.
 *
 * @example
 * ```ts
 * // src/hooks.server.ts
 * import { env } from '$env/dynamic/private'
 * import { auth0Handle, createAuth } from 'auth0-link-kit/sveltekit'
 *
 * export const handle = auth0Handle(createAuth({}, env))
 * ```
 */
export function createAuth<TAppState = unknown>(
  options: Partial<AuthOptions> | undefined,
  env: Record<string, string | undefined>,
): Auth<TAppState> {
  return createCoreAuth<TAppState>(optionsFromEnv(options ?? {}, readRecord(env)))
}

/**
 * What {@link auth0Handle} puts on `event.locals.auth`: the core's {@link RequestAuth}, every
 * per-request method of the client. Cookies a call changes go through `event.cookies`, so
 * SvelteKit sends them with whatever response the load function or form action ends in (a
 * `redirect(303, url)` included).
 *
 * Declare it once in `src/app.d.ts` so `locals.auth` is typed:
 *
 * @example
 * ```ts
 * // src/app.d.ts
 * import type { Auth0Locals } from 'auth0-link-kit/sveltekit'
 *
 * declare global {
 *   namespace App {
 *     interface Locals {
 *       auth: Auth0Locals
 *     }
 *   }
 * }
 * export {}
 * ```
 */
export type Auth0Locals<TAppState = unknown> = RequestAuth<TAppState>

/**
 * SvelteKit's cookie API as a {@link CookieSink}. The values are already cookie-safe (base64url
 * JWE), so they pass through unencoded; `secure` is always explicit because SvelteKit's own
 * default would mark cookies on `http://127.0.0.1` Secure.
 */
function svelteKitCookies(cookies: Cookies): CookieSink {
  return ({ name, value, maxAge, secure, sameSite, domain }) => {
    const options = { path: '/', httpOnly: true, sameSite, secure, encode: (raw: string) => raw, ...(domain ? { domain } : {}) }
    if (maxAge <= 0) cookies.delete(name, options)
    else cookies.set(name, value, { ...options, maxAge })
  }
}

/**
 * A SvelteKit `handle` hook: the auth routes (`/auth/login`, `/auth/callback`, `/auth/link`, …)
 * answer with the core's responses as they are; every other request gets `event.locals.auth`
 * ({@link Auth0Locals}) and goes on to the app. Composes with `sequence` like any hook.
 *
 * Any `Auth` works: from {@link createAuth} with SvelteKit's env, or from the core's `createAuth`.
 *
 * @example
 * ```ts
 * // src/hooks.server.ts
 * import { env } from '$env/dynamic/private'
 * import { sequence } from '@sveltejs/kit/hooks'
 * import { auth0Handle, createAuth } from 'auth0-link-kit/sveltekit'
 *
 * const auth = createAuth({}, env) // AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, AUTH0_SECRET, APP_BASE_URL
 *
 * export const handle = sequence(auth0Handle(auth), async ({ event, resolve }) => resolve(event))
 *
 * // src/routes/settings/+page.server.ts: a form action that starts a link
 * export const actions = {
 *   link: async ({ locals }) => {
 *     redirect(303, await locals.auth.startLinkUser({ connection: 'github', appState: { returnTo: '/settings' } }))
 *   },
 * }
 * ```
 */
export function auth0Handle<TAppState = unknown>(auth: Auth<TAppState>): Handle {
  return async ({ event, resolve }) => {
    const response = await auth.handler(event.request)
    if (response) return response
    ;(event.locals as { auth?: Auth0Locals<TAppState> }).auth = bindRequest(auth, event.request, svelteKitCookies(event.cookies))
    return resolve(event)
  }
}
