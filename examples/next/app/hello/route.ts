// A route outside the auth routes: nothing about it touches a cookie.
export function GET() {
  return new Response('hello from next\n', { headers: { 'content-type': 'text/plain; charset=utf-8' } })
}
