import { nextAuth } from '@/lib/auth'

// /auth/login, /auth/callback, /auth/logout, /auth/link, /auth/unlink, /auth/profile, …
export const { GET, POST } = nextAuth.handlers
