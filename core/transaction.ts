/**
 * @module The trust boundary of a transaction: what a transaction store hands back is checked,
 * once, against the shape its flow needs before any flow reads it.
 */

import { MissingTransactionError } from './errors.js'
import type {
  AuthorizeTransactionFields,
  Continuation,
  LinkingTransaction,
  LinkTransactionData,
  TransactionData,
  UnlinkTransactionData,
} from './stores.js'

type Fields = Record<string, unknown>

const isObject = (value: unknown): value is Fields => value !== null && typeof value === 'object' && !Array.isArray(value)
const isString = (value: unknown): value is string => typeof value === 'string'
const optional =
  <T>(check: (value: unknown) => value is T) =>
  (value: unknown): value is T | undefined =>
    value === undefined || check(value)
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)
const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every(isString)
const isStringRecord = (value: unknown): value is Record<string, string> => isObject(value) && Object.values(value).every(isString)

const isIdentity = (value: unknown): value is Fields =>
  isObject(value) && isString(value.connection) && isString(value.provider) && isString(value.userId)

const isSuggested = (value: unknown): value is Fields =>
  isObject(value) && isString(value.userId) && (value.primary === 'current' || value.primary === 'other')

function isContinuation(value: unknown): value is Continuation {
  if (!isObject(value) || !isString(value.returnTo)) return false
  switch (value.flow) {
    case 'link':
      return isString(value.suggestion)
        ? value.primary === 'current' || value.primary === 'other'
        : isString(value.connection) && optional(isString)(value.connectionScope)
    case 'unlink':
      return isString(value.connection) && optional(isString)(value.userId)
    case 'connect':
      return isString(value.connection) && optional(isStrings)(value.scopes)
    default:
      return false
  }
}

function isTenantAction(linking: Fields): boolean {
  return (
    linking.strategy === 'tenant-action' &&
    (linking.identities === undefined || (Array.isArray(linking.identities) && linking.identities.every(isIdentity)))
  )
}

/** The linking step of a link: the primary's re-authentication or the sign-in to link, or the tenant's Action. */
function isLinkLinking(linking: Fields): linking is LinkTransactionData['linking'] & Fields {
  if (linking.strategy !== 'management-api') return isTenantAction(linking)
  if (!optional(isSuggested)(linking.suggested)) return false
  if (linking.step === 'secondary') return true
  return (
    linking.step === 'reauthenticate' &&
    isString(linking.connection) &&
    optional(isString)(linking.connectionScope) &&
    optional(isStringRecord)(linking.authorizationParams)
  )
}

/** The linking step of an unlink: the primary's re-authentication, or the tenant's Action. */
function isUnlinkLinking(linking: Fields): linking is UnlinkTransactionData['linking'] & Fields {
  if (linking.strategy !== 'management-api') return isTenantAction(linking)
  return linking.step === 'primary' && isIdentity(linking.identity)
}

function hasAuthorizeFields(value: Fields): value is Fields & AuthorizeTransactionFields {
  return (
    isString(value.nonce) &&
    isString(value.codeVerifier) &&
    isString(value.redirectUri) &&
    isString(value.audience) &&
    isNumber(value.createdAt) &&
    optional(isNumber)(value.maxAge) &&
    optional(isString)(value.organization) &&
    optional(isString)(value.issuer)
  )
}

/** `value` as the transaction its `flow` says it is, or `undefined` when it is not one in full. */
function asTransaction(value: Fields): TransactionData | undefined {
  if (value.flow === 'connect') {
    const valid =
      isString(value.codeVerifier) &&
      isString(value.redirectUri) &&
      isString(value.authSession) &&
      isString(value.connection) &&
      isString(value.sub) &&
      isNumber(value.createdAt) &&
      optional(isString)(value.issuer)
    return valid ? (value as Fields & TransactionData) : undefined
  }
  if (!hasAuthorizeFields(value)) return undefined
  if (value.flow === 'login') return optional(isContinuation)(value.continuation) ? { ...value, flow: 'login' } : undefined
  if ((value.flow !== 'link' && value.flow !== 'unlink') || !isString(value.sub) || !isString(value.connection)) return undefined
  // A link or unlink stored before linking steps were recorded was always the tenant's Action's.
  const linking: unknown = value.linking ?? ({ strategy: 'tenant-action' } satisfies LinkingTransaction)
  if (!isObject(linking)) return undefined
  const { sub, connection } = value
  if (value.flow === 'link') return isLinkLinking(linking) ? { ...value, flow: 'link', sub, connection, linking } : undefined
  return isUnlinkLinking(linking) ? { ...value, flow: 'unlink', sub, connection, linking } : undefined
}

/**
 * What a transaction store returned for `state`, checked to be the transaction of a flow in full:
 * stores hand back what was decoded from a cookie or read from a database, written by another
 * release or altered, and every flow after this relies on the fields its type promises.
 *
 * @throws {MissingTransactionError} when it is not a whole transaction (a malformed or old-format
 *   record): the callback fails safely, like one whose transaction expired.
 */
export function parseTransaction(value: unknown): TransactionData {
  const transaction = isObject(value) ? asTransaction(value) : undefined
  if (!transaction) {
    throw new MissingTransactionError('The transaction stored for this callback is malformed or from an incompatible release; start again')
  }
  return transaction
}
