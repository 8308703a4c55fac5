import type { Auth0Locals } from 'auth0-link-kit/sveltekit'

declare global {
  namespace App {
    interface Locals {
      auth: Auth0Locals
    }
    interface PageData {
      user: { sub: string; name: string | undefined; email: string | undefined } | null
    }
  }
}

export {}
