/**
 * @module The Node listener and the Express/Connect middleware: the auth routes answered, `req.auth0`
 * on every other request.
 */

import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import { type Auth, bindRequest, type RequestAuth } from '../../core/index.js'
import { authRoutePaths, isAuthPath } from '../auth-routes.js'
import { InvalidHostError, requestTarget, sessionRequest, toRequest } from './request.js'
import { sendError, sendResponse } from './response.js'

export type { RequestAuth }

declare module 'http' {
  interface IncomingMessage {
    /** Set by `authMiddleware` / `authListener` from `auth0-link-kit/node` on every request it passes on. */
    auth0?: RequestAuth<unknown>
  }
}

/**
 * A connect-style middleware, as Express and Connect take it.
 *
 * @example
 * ```ts
 * const middleware: NodeMiddleware = authMiddleware(auth)
 * ```
 */
export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void

/**
 * `req.auth0`: the core's {@link RequestAuth} for this request. The Web request is built only
 * when app code first calls a method (most requests never do); cookies go onto `res`.
 */
function requestAuthOf(auth: Auth<unknown>, req: IncomingMessage, res: ServerResponse): RequestAuth<unknown> {
  return bindRequest(
    auth,
    () => sessionRequest(req),
    (cookie) => {
      if (!res.headersSent) res.appendHeader('set-cookie', cookie.header)
    },
  )
}

/**
 * A connect-style middleware for Express, Connect and friends: it answers the auth routes
 * (`/auth/login`, `/auth/callback`, `/auth/link`, …) and passes every other request on with
 * `next()`, after putting {@link RequestAuth} on `req.auth0`. App paths are passed on without
 * building a Web `Request`; auth paths get a full one, body and abort signal included. Mount it
 * before body parsers (after `express.urlencoded()` it still works, from the parsed fields).
 *
 * @example
 * ```ts
 * import express from 'express'
 * import { createAuth, authMiddleware } from 'auth0-link-kit/node'
 *
 * const auth = createAuth() // AUTH0_* from process.env
 * const app = express()
 * app.use(authMiddleware(auth))
 * app.get('/', async (req, res) => res.send((await req.auth0?.getUser())?.name ?? 'signed out'))
 * ```
 */
export function authMiddleware(auth: Auth<unknown>): NodeMiddleware {
  const paths = authRoutePaths(auth)
  const passOn = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => {
    req.auth0 = requestAuthOf(auth, req, res)
    next()
  }
  return (req, res, next) => {
    if (!isAuthPath(paths, requestTarget(req))) {
      passOn(req, res, next)
      return
    }
    let request: Request
    try {
      request = toRequest(req, res)
    } catch (error) {
      if (error instanceof InvalidHostError) void sendError(req, res, error)
      else next(error)
      return
    }
    auth
      .handler(request)
      .then((response) => (response ? sendResponse(res, response, req.method) : passOn(req, res, next)))
      .catch((error: unknown) => {
        if (res.headersSent) res.destroy()
        else next(error)
      })
  }
}

/**
 * A listener for `http.createServer`: the auth routes are answered, and every other request goes
 * to `app` (a Node listener, with `req.auth0` set), or gets 404 when there is no app.
 *
 * @example
 * ```ts
 * import http from 'node:http'
 * import { createAuth, authListener } from 'auth0-link-kit/node'
 *
 * const auth = createAuth()
 * http.createServer(authListener(auth, async (req, res) => {
 *   const user = await req.auth0?.getUser()
 *   res.end(user ? `Hello ${user.name}` : 'Signed out')
 * })).listen(3000)
 * ```
 */
export function authListener(auth: Auth<unknown>, app?: RequestListener): RequestListener {
  const middleware = authMiddleware(auth)
  return (req, res) => {
    middleware(req, res, (error) => {
      if (error !== undefined) {
        if (res.headersSent) res.end()
        else void sendError(req, res, error)
      } else if (app) {
        app(req, res)
      } else {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
        res.end('Not Found')
      }
    })
  }
}
