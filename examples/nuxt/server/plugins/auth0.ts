/**
 * @module A Nitro plugin: builds the auth instance when the server starts, so a missing AUTH0_*
 * variable stops the server with a `ConfigurationError` naming it instead of failing the first sign-in.
 */
import { getAuth } from '../utils/auth'

export default defineNitroPlugin(() => {
  getAuth()
})
