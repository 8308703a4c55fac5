// The node22 and node24 devDependencies (Node binaries for the runtime matrix) both declare a
// `node` bin, so npm links node_modules/.bin/node to one of them, and every npm script (vitest,
// tsup, `npm start`) would then run on that Node instead of the host's. The matrix spawns them by
// path, so the link is only harmful: remove it.
import { lstatSync, readlinkSync, rmSync } from 'node:fs'

const link = new URL('../node_modules/.bin/node', import.meta.url)
try {
  if (lstatSync(link).isSymbolicLink() && /node2\d/.test(readlinkSync(link))) rmSync(link)
} catch {
  // No link: nothing to do.
}
