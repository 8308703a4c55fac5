/**
 * `auth0-link-kit/testing`: the Auth0 emulator this project tests itself with (an in-process
 * tenant with linking semantics and failure injection) and MSW handlers for it, for your tests.
 *
 * @module auth0-link-kit/testing
 */

export type { EmulatedClient } from './clients.js'
export type { Auth0Emulator, Auth0EmulatorOptions, EmulatorEndpoint, ProviderTokenInfo } from './emulator.js'
export { createAuth0Emulator } from './emulator.js'
export type { EmulatorFailure, IdTokenTamper, TokenGrant } from './failures.js'
export { auth0Handlers } from './msw.js'
export type { ConnectedAccountConnection, EmulatedConnectedAccount } from './my-account.js'
export type { EmulatedOrganization } from './organizations.js'
export type { EmulatedIdentity, EmulatedProviderAccount, EmulatedUser } from './users.js'
