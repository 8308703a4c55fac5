/// <reference types="astro/client" />
declare namespace App {
  interface Locals extends import('auth0-link-kit/astro').Auth0Locals {}
}
