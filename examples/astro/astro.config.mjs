// The Astro example: on-demand rendering with @astrojs/node in standalone mode (start.js runs it).
import node from '@astrojs/node'
import { defineConfig } from 'astro/config'

export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'standalone' }),
  // Astro's own check (on by default) refuses form posts from another origin with 403.
  // allowedDomains: the Host headers Astro may build Request.url from. Without a match Astro
  // falls back to `localhost` (no port) and the callback URL would be wrong: list the app's
  // hosts here, or set APP_BASE_URL.
  security: { checkOrigin: true, allowedDomains: [{ hostname: 'localhost' }, { hostname: '127.0.0.1' }] },
})
