import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { createServer } from 'node:net'

/** A redis-server this test started; stop it with {@link stopRedisServer}. */
export interface RunningRedis {
  process: ChildProcess
  port: number
  url: string
}

/** A loopback port nobody listens on right now: bind port 0, note what the OS gave, let go. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no TCP address for a port-0 listener')
  return address.port
}

function redisServerPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim()
  } catch {
    // Not a skip: these tests are how the Redis store is known to work. The global setup installs
    // it (root with apt-get) or stops the run first, so this is reached only by other routes.
    throw new Error(
      'redis-server is not installed: run `apt-get update && apt-get install -y redis-server` (npm test does this when run as root with apt-get)',
    )
  }
}

/**
 * Starts a throwaway redis-server on a free loopback port with persistence off, and resolves
 * once it accepts connections.
 */
export async function startRedisServer(): Promise<RunningRedis> {
  const binary = redisServerPath()
  const port = await freePort()
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData)
        resolve()
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code} before it was ready:\n${output}`)))
  })
  child.stdout?.resume()
  child.stderr?.resume()
  return { process: child, port, url: `redis://127.0.0.1:${port}` }
}

/** Stops the server by its pid and waits for it to exit. */
export async function stopRedisServer(redis: RunningRedis | undefined): Promise<void> {
  const child = redis?.process
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  process.kill(child.pid, 'SIGTERM')
  await exited
}
