/** @module Names the framework and runtime serving the example. */
import type { APIRoute } from 'astro'

export const GET: APIRoute = () =>
  new Response(`hello from astro ${import.meta.env.ASTRO_VERSION ?? ''} on node ${process.version}`, {
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  })
