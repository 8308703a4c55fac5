/** @module Names the framework and runtime serving the example. */
import { createRequire } from 'node:module'

const { version } = createRequire(import.meta.url)('react-router/package.json') as { version: string }

export const loader = () =>
  new Response(`hello from react-router ${version} on node ${process.version}`, {
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  })
