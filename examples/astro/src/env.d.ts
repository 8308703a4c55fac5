/// <reference types="astro/client" />
type Auth0Locals = import('auth0-link-kit/astro').Auth0Locals

declare namespace App {
  interface Locals extends Auth0Locals {}
}
