/** @module A small post-login Actions runtime: runs the kit's own Action file on every sign-in, with the `event`/`api` subset it uses. */

import type { AuthorizationEndpoint, PostLoginHook, PostLoginOutcome } from './authorize.js'
import type { EmulatedClient } from './clients.js'
import type { TenantContext } from './context.js'
import { randomId } from './context.js'
import type { PendingAuthorization } from './grants.js'
import { html, redirect } from './http.js'
import { messagePage } from './pages.js'
import type { Claims } from './tokens.js'

/** The linking application the Action signs the account to link in with. */
export const ACTION_CLIENT_ID = 'link-kit-linking-client'
const ACTION_CLIENT_SECRET = 'link-kit-linking-client-secret-long-enough'

type ActionHandler = (event: ActionEvent, api: ActionApi) => Promise<void> | void

/** The exports of a post-login Action file. */
interface ActionModule {
  onExecutePostLogin?: ActionHandler
  onContinuePostLogin?: ActionHandler
}

/** The part of Auth0's post-login `event` the kit's Action reads. */
export interface ActionEvent {
  user: Record<string, unknown> & { user_id: string }
  request: { query: Record<string, string>; hostname: string }
  client: { client_id: string; name: string }
  connection: { name: string; strategy: string }
  secrets: Record<string, string>
  transaction: { requested_scopes: string[]; redirect_uri: string }
}

/** The part of Auth0's post-login `api` the kit's Action calls. */
export interface ActionApi {
  access: { deny(reason: string): void }
  idToken: { setCustomClaim(name: string, value: unknown): void }
  redirect: { sendUserTo(url: string, options?: { query?: Record<string, string> }): void }
}

interface Verdict {
  denied: string | undefined
  redirectTo: URL | undefined
  claims: Claims
}

/** A sign-in the Action sent elsewhere (`api.redirect.sendUserTo`), waiting at `/continue`. */
interface Suspended {
  authorization: PendingAuthorization
  authTime: number
  claims: Claims
}

export interface ActionsRuntimeSettings {
  tenant: TenantContext
  authorization: AuthorizationEndpoint
  /** The tenant's own fetch: the Action calls the tenant's token endpoint and Management API. */
  fetch: typeof fetch
  secrets: Record<string, string>
}

/** Reads the Action file's source; Node-only, so it is loaded only when the option is on. */
async function actionSource(): Promise<string> {
  const { readFile } = await import('node:fs/promises')
  return readFile(new URL('../tenant/actions/account-linking.js', import.meta.url), 'utf8')
}

/** Evaluates a CommonJS Action with the runtime's `fetch`, no `require`, as Auth0 runs one without dependencies. */
function evaluate(source: string, actionFetch: typeof fetch): ActionModule {
  const module = { exports: {} as ActionModule }
  const require = (name: string) => {
    throw new Error(`The emulator's Actions runtime has no module ${name}`)
  }
  new Function('module', 'exports', 'require', 'fetch', source)(module, module.exports, require, actionFetch)
  return module.exports
}

/** Runs post-login Actions after each sign-in, and resumes redirected ones at `/continue`. */
export class ActionsRuntime implements PostLoginHook {
  readonly #suspended = new Map<string, Suspended>()

  private constructor(
    private readonly settings: ActionsRuntimeSettings,
    private readonly action: ActionModule,
  ) {}

  /** The linking application the Action needs: callback `/continue`, a Management API grant. */
  static client(origin: string): EmulatedClient {
    return {
      client_id: ACTION_CLIENT_ID,
      client_secret: ACTION_CLIENT_SECRET,
      name: 'auth0-link-kit linking (Action)',
      app_type: 'regular_web',
      callbacks: [`${origin}/continue`],
      grant_types: ['authorization_code', 'client_credentials'],
      managementScopes: ['read:users', 'update:users'],
    }
  }

  static async load(settings: ActionsRuntimeSettings): Promise<ActionsRuntime> {
    return new ActionsRuntime(settings, evaluate(await actionSource(), settings.fetch))
  }

  async run(authorization: PendingAuthorization, authTime: number): Promise<PostLoginOutcome> {
    const verdict = await this.#execute(this.action.onExecutePostLogin, authorization, Object.fromEntries(authorization.query), {})
    return this.#outcome(verdict, authorization, authTime)
  }

  /** `GET /continue?state=…`: the Action's `onContinuePostLogin` with the query Auth0 received. */
  async resume(query: URLSearchParams): Promise<Response> {
    const { tenant } = this.settings
    const state = query.get('state') ?? ''
    const suspended = this.#suspended.get(state)
    if (!suspended) return html(messagePage(tenant.domain, 'Invalid state', 'No sign-in is waiting to continue.'), 400)
    this.#suspended.delete(state)
    const verdict = await this.#execute(
      this.action.onContinuePostLogin,
      suspended.authorization,
      Object.fromEntries(query),
      suspended.claims,
    )
    const outcome = await this.#outcome(verdict, suspended.authorization, suspended.authTime)
    if (outcome.kind === 'respond') return outcome.response
    return this.settings.authorization.issue(
      { ...suspended.authorization, userId: outcome.userId, idTokenClaims: outcome.idTokenClaims },
      suspended.authTime,
    )
  }

  async #execute(
    handler: ActionHandler | undefined,
    authorization: PendingAuthorization,
    query: Record<string, string>,
    claims: Claims,
  ): Promise<Verdict> {
    const verdict: Verdict = { denied: undefined, redirectTo: undefined, claims: { ...claims } }
    if (!handler) return verdict
    const { tenant } = this.settings
    const user = tenant.users.get(authorization.userId)
    if (!user) return { ...verdict, denied: 'The user no longer exists' }
    const connection = user.identities[0]?.connection ?? ''
    const event: ActionEvent = {
      user: {
        ...structuredClone(user),
        email_verified: user.email_verified ?? true,
        app_metadata: user.app_metadata ?? {},
        user_metadata: user.user_metadata ?? {},
      },
      request: { query, hostname: tenant.domain },
      client: { client_id: authorization.clientId, name: authorization.clientId },
      connection: { name: authorization.connection ?? connection, strategy: authorization.connection ?? connection },
      secrets: {
        AUTH0_DOMAIN: tenant.origin,
        LINKING_CLIENT_ID: ACTION_CLIENT_ID,
        LINKING_CLIENT_SECRET: ACTION_CLIENT_SECRET,
        ...this.settings.secrets,
      },
      transaction: { requested_scopes: authorization.scope.split(' '), redirect_uri: authorization.redirectUri },
    }
    const api: ActionApi = {
      access: {
        deny: (reason) => {
          verdict.denied ??= reason
        },
      },
      idToken: {
        setCustomClaim: (name, value) => {
          verdict.claims[name] = value
        },
      },
      redirect: {
        sendUserTo: (url, options = {}) => {
          const target = new URL(url)
          for (const [key, value] of Object.entries(options.query ?? {})) target.searchParams.set(key, value)
          verdict.redirectTo = target
        },
      },
    }
    try {
      await handler(event, api)
    } catch (error) {
      // Auth0 ends the sign-in with an error when an Action throws.
      verdict.denied ??= `The post-login Action failed: ${error instanceof Error ? error.message : String(error)}`
    }
    return verdict
  }

  async #outcome(verdict: Verdict, authorization: PendingAuthorization, authTime: number): Promise<PostLoginOutcome> {
    const { redirectUri, state } = authorization
    if (verdict.denied !== undefined) {
      return { kind: 'respond', response: redirect(redirectUri, { error: 'access_denied', error_description: verdict.denied, state }) }
    }
    if (verdict.redirectTo) {
      // Auth0 adds its own `state`, which the page sends back to /continue.
      const continueState = randomId()
      this.#suspended.set(continueState, { authorization, authTime, claims: verdict.claims })
      verdict.redirectTo.searchParams.set('state', continueState)
      return { kind: 'respond', response: await this.#follow(redirect(verdict.redirectTo)) }
    }
    const user = this.settings.tenant.users.get(authorization.userId)
    return { kind: 'continue', userId: user?.user_id ?? authorization.userId, idTokenClaims: verdict.claims }
  }

  /**
   * In `'auto'` interaction nobody is there to follow the tenant's own redirects (the nested
   * sign-in and `/continue`), so the runtime follows them until the answer leaves the tenant.
   */
  async #follow(response: Response): Promise<Response> {
    const { tenant } = this.settings
    if (tenant.interaction !== 'auto') return response
    let current = response
    for (let hop = 0; hop < 5; hop++) {
      const location = current.headers.get('location')
      if (current.status !== 302 || !location || new URL(location).origin !== tenant.origin) return current
      current = await this.settings.fetch(location, { redirect: 'manual' })
    }
    return current
  }
}
