/**
 * @module The Connected Accounts routes: list (`/auth/connected-accounts`), disconnect
 * (`/auth/disconnect`) and a provider's token from Token Vault (`/auth/connection-token`).
 */

import { InvalidRequestError, MissingSessionError } from '../errors.js'
import { isConnectionName } from '../flows/authorize.js'
import { requestContext } from '../flows/context.js'
import { json, redirect } from '../responses.js'
import { safeReturnTo } from '../safety.js'
import { requestParameters } from './request.js'
import type { BodyRoute } from './route.js'

const READS = ['GET', 'HEAD'] as const

export const connectedAccounts: BodyRoute<'connectedAccounts'> = {
  key: 'connectedAccounts',
  methods: READS,
  crossSite: 'allow',
  prefetch: 'answer',
  session: 'optional',
  enabled: (config) => config.connectedAccounts.routes,
  async handle({ request, storeOptions, client }) {
    const connection = new URL(request.url).searchParams.get('connection') ?? undefined
    const connectedAccounts = await client.listConnectedAccounts(connection ? { connection } : {}, storeOptions)
    return json({ connectedAccounts }, 200, storeOptions.response.headers)
  },
}

export const disconnect: BodyRoute<'disconnect'> = {
  key: 'disconnect',
  methods: ['POST'],
  crossSite: 'state-changing',
  refusal: 'A disconnect must be started from this app',
  prefetch: 'answer',
  session: 'optional',
  enabled: (config) => config.connectedAccounts.routes,
  async handle({ request, storeOptions, client, instance, origin }) {
    const params = await requestParameters(request)
    const id = params.get('id')
    const connection = params.get('connection')
    const returnTo = safeReturnTo(params.get('returnTo'), origin)
    if (id) {
      await client.deleteConnectedAccount(id, storeOptions)
    } else if (connection && isConnectionName(connection)) {
      // Every account of the connection, with one token for both the list and the deletes.
      const context = await requestContext(instance, request)
      const session = await client.getSession(storeOptions)
      if (!session) throw new MissingSessionError('Sign in first: there is no session')
      const { CONNECTED_ACCOUNTS_SCOPES, myAccountAccessToken, collectPages, listAccountsPage, deleteAccount, dropConnectionTokens } =
        await import('../features/connected-accounts.js')
      const scopes = [CONNECTED_ACCOUNTS_SCOPES.read, CONNECTED_ACCOUNTS_SCOPES.delete] as const
      const { token, session: current } = await myAccountAccessToken(context, session, scopes, storeOptions)
      const signal = request.signal
      const accounts = await collectPages(Number.POSITIVE_INFINITY, undefined, (from, take) =>
        listAccountsPage(context.tenant, token, { connection, from, take }, signal),
      )
      for (const account of accounts) await deleteAccount(context.tenant, token, account.id, signal)
      await dropConnectionTokens(context, current, connection, storeOptions)
    } else {
      throw new InvalidRequestError('The disconnect route needs an account id or a connection name')
    }
    return redirect(new URL(returnTo, origin), storeOptions.response.headers)
  },
}

export const connectionToken: BodyRoute<'connectionToken'> = {
  key: 'connectionToken',
  methods: READS,
  // A provider's token in a JSON body: no other site may even make the browser ask for it.
  crossSite: 'refuse',
  refusal: 'A connection token is only for this app',
  prefetch: 'answer',
  session: 'optional',
  enabled: (config) => config.connectedAccounts.connectionTokenRoute,
  async handle({ request, storeOptions, client }) {
    const connection = new URL(request.url).searchParams.get('connection')
    if (!connection) throw new InvalidRequestError('The connection-token route needs a connection parameter')
    const result = await client.getAccessTokenForConnection({ connection }, storeOptions)
    return json({ token: result.token, expiresAt: result.expiresAt, scope: result.scope }, 200, storeOptions.response.headers)
  },
}
