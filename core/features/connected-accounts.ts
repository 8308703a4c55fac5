/**
 * @module The Connected Accounts feature as one lazy chunk: what `ServerClient`'s connect,
 * list and disconnect calls and their routes use, loaded by `import()` on the first such call.
 */

export { completeConnect, startConnect } from '../flows/connect.js'
export { myAccountAccessToken } from '../flows/my-account-token.js'
export { dropConnectionTokens } from '../flows/token-vault.js'
export { collectPages, deleteAccount, listAccountsPage, listConnectionsPage } from '../my-account-api.js'
export { CONNECTED_ACCOUNT_ID, CONNECTED_ACCOUNTS_SCOPES } from '../my-account-base.js'
