// The IncomingMessage → Request step alone, in one process (steadier than HTTP on a busy machine):
// `npm run build && node bench/node-adapter/convert.mjs`.
import { IncomingMessage, ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import { createRequest } from '@remix-run/node-fetch-server'
import { toRequest } from 'auth0-link-kit/node'
import { Bench } from 'tinybench'

/** A browser-like GET as node:http would hand it over. */
function incoming() {
  const req = new IncomingMessage(new Socket())
  req.method = 'GET'
  req.url = '/auth/profile?x=1'
  req.httpVersionMajor = 1
  const raw = [
    'Host',
    'app.example.com',
    'User-Agent',
    'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0',
    'Accept',
    'text/html,application/xhtml+xml',
    'Accept-Language',
    'en-GB,en;q=0.9',
    'Accept-Encoding',
    'gzip, deflate, br',
    'Cookie',
    `__session=${'a'.repeat(1500)}; theme=dark`,
    'Sec-Fetch-Site',
    'same-origin',
    'Sec-Fetch-Mode',
    'navigate',
    'Connection',
    'keep-alive',
  ]
  req.rawHeaders = raw
  const headers = {}
  for (let i = 0; i < raw.length; i += 2) headers[raw[i].toLowerCase()] = raw[i + 1]
  req.headers = headers
  return req
}

const bench = new Bench({ time: 1500, warmupTime: 300 })
bench
  .add('hand-written toRequest', () => {
    const req = incoming()
    toRequest(req, new ServerResponse(req))
  })
  .add('@remix-run/node-fetch-server createRequest', () => {
    const req = incoming()
    createRequest(req, new ServerResponse(req))
  })
  .add('no conversion (IncomingMessage + ServerResponse only)', () => {
    const req = incoming()
    new ServerResponse(req)
  })
await bench.run()
console.log(`Node ${process.version}`)
console.table(bench.table())
