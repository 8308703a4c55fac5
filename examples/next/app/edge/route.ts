import { nextAuth } from '@/lib/auth'

// The same getSession, in the Edge runtime: Web Crypto and fetch only.
export const runtime = 'edge'

declare const EdgeRuntime: string | undefined

export async function GET() {
  const session = await nextAuth.getSession()
  return Response.json(
    { runtime: typeof EdgeRuntime === 'string' ? 'edge' : 'nodejs', sub: session?.user.sub ?? null },
    { headers: { 'cache-control': 'no-store' } },
  )
}
