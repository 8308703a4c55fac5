// Creates the auth instance from Deno.env and prints what happened as one JSON line: run without
// --allow-env, it must be a ConfigurationError that names the permission.
import { createAuth } from 'auth0-link-kit/deno'

try {
  createAuth()
  console.log(JSON.stringify({ created: true }))
} catch (error) {
  const { name, code, option, message } = error as { name: string; code?: string; option?: string; message: string }
  console.log(JSON.stringify({ created: false, name, code, option, message }))
}
