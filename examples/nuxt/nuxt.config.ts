// The Nuxt 4 example: everything auth-related is Nitro server code (server/); the page is
// server-rendered HTML from server/routes/index.get.ts, so the build stays small.
export default defineNuxtConfig({
  compatibilityDate: '2026-12-01',
  devtools: { enabled: false },
  telemetry: false,
  // start.js owns the listening socket: it learns the port (PORT=0) and prints `LISTENING <port>`.
  nitro: { preset: 'node-listener' },
})
