import { index, type RouteConfig, route } from '@react-router/dev/routes'

export default [
  index('routes/home.tsx'),
  route('hello', 'routes/hello.ts'),
  route('me', 'routes/me.ts'),
  route('account', 'routes/account.tsx'),
  route('settings/:flow', 'routes/settings.ts'),
  // Every auth route (/auth/login, /auth/callback, /auth/link, …) is answered by the core.
  route('auth/*', 'routes/auth.ts'),
] satisfies RouteConfig
