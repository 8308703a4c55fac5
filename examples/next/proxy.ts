import { nextAuth } from '@/lib/auth'

// Next 16's proxy.ts (middleware.ts with `export const middleware` in Next 15): rolling sessions
// stay fresh on every navigation, and /account needs a session.
export const proxy = nextAuth.authMiddleware({ protect: ['/account'] })

export const config = {
  // Not for Next's own assets; the auth routes are skipped by the helper itself.
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
}
