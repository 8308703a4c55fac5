import type { Auth0Locals } from 'auth0-link-kit/sveltekit'

declare global {
  namespace App {
    interface Locals {
      auth: Auth0Locals
    }
  }
}
