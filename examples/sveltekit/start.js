// `npm run example:sveltekit`: with no AUTH0_* variables, starts the built-in Auth0 emulator on a
// loopback port (examples/shared-emulator.js, as every framework example does) and points the app
// at it; then serves the built SvelteKit app (./serve.js) on http://localhost:3000 (PORT, HOST change it).
import { startEmulatorUnlessTenant } from '../shared-emulator.js'

await startEmulatorUnlessTenant()

await import('./serve.js')
