import type { RequestHandler } from './$types'

// Not an auth route: the hook leaves it to the app.
export const GET: RequestHandler = () => new Response('hello from sveltekit', { headers: { 'content-type': 'text/plain; charset=utf-8' } })
