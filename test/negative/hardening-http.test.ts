// Issue 20 item 3 over HTTP: a chunked POST without Content-Length to the unauthenticated
// back-channel logout route, through the Node adapter's authListener. The server must answer
// 400 after reading about 16 KB, not buffer whatever a stranger streams.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { authListener, createAuth } from '../../adapters/node.js'

const servers: http.Server[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

describe('item 3: bodies are read through a byte counter (over HTTP)', () => {
  it('answers an endless chunked back-channel POST with 400 invalid_request after reading little of it', async () => {
    // No call reaches a tenant: the body is refused before the logout token is looked at.
    const auth = createAuth(
      {
        domain: 'tenant.example.test',
        clientId: 'client',
        clientSecret: 'client-secret',
        secret: 'a-hardening-http-test-secret-of-32-chars',
        appBaseUrl: 'http://localhost:3000',
      },
      {},
    )
    let serverRead = 0
    const listener = authListener(auth)
    const server = http.createServer((req, res) => {
      const { socket } = req
      res.once('finish', () => {
        serverRead = socket.bytesRead
      })
      listener(req, res)
    })
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo

    const chunk = Buffer.alloc(1024, 'a')
    const MAX_CHUNKS = 8 * 1024 // 8 MB at most: the loop is bounded whatever the server does
    let written = 0
    let answered = false
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/auth/backchannel-logout',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' },
        },
        (res) => {
          answered = true
          let body = ''
          res.setEncoding('utf8')
          res.on('data', (text: string) => (body += text))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
        },
      )
      // The server may close the connection once it has answered; the answer is what counts.
      req.on('error', (error) => {
        if (!answered) reject(error)
      })
      const pump = () => {
        while (written < MAX_CHUNKS && !answered && !req.destroyed) {
          written++
          if (!req.write(chunk)) return void req.once('drain', pump)
        }
        if (!req.destroyed) req.end()
      }
      pump()
    })
    expect(answer.status).toBe(400)
    expect(answer.body).toContain('invalid_request')
    expect(written).toBeLessThan(MAX_CHUNKS)
    // Socket reads run ahead of the 16 KB counter by Node's buffers, never by megabytes.
    expect(serverRead).toBeGreaterThan(0)
    expect(serverRead).toBeLessThan(1024 * 1024)
  })
})
