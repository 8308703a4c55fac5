/**
 * @module How a bench server process listens: on 127.0.0.1, a free port, ending on SIGTERM or
 * SIGINT (the bench stops its servers by pid).
 */
import type http from 'node:http'

/** Listens on 127.0.0.1 with port 0 and resolves with the port given. */
export function listenOnLoopback(server: http.Server): Promise<number> {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => process.exit(0))
  return new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      resolve(typeof address === 'object' && address ? address.port : 0)
    }),
  )
}
