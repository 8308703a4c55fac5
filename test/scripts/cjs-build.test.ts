/**
 * @module The CommonJS build is one file per entry: a consumer that can `require()` but not
 * `import()` (Jest without `--experimental-vm-modules`, whose vm has no dynamic-import callback)
 * can use every feature, the lazy ones included.
 */

import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import vm from 'node:vm'
import { generateKeyPair } from 'jose'
import { describe, expect, it } from 'vitest'

const dist = fileURLToPath(new URL('../../dist/', import.meta.url))
const requireFromDist = createRequire(path.join(dist, 'index.cjs'))

/**
 * Loads a .cjs file as Jest does: it and every file of dist/ it requires are compiled by
 * `vm` with no `importModuleDynamically`, so an `import()` in any of them rejects with
 * ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING. Packages (jose, oauth4webapi) load as usual.
 */
function requireWithoutImport(file: string, loaded = new Map<string, { exports: unknown }>()): unknown {
  const known = loaded.get(file)
  if (known) return known.exports
  const module = { exports: {} as unknown }
  loaded.set(file, module)
  const wrapper = vm.runInThisContext(`(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`, {
    filename: file,
  }) as (...args: unknown[]) => void
  const localRequire = (specifier: string) =>
    specifier.startsWith('./') ? requireWithoutImport(path.join(path.dirname(file), specifier), loaded) : requireFromDist(specifier)
  wrapper(module.exports, localRequire, module, file, path.dirname(file))
  return module.exports
}

describe('the CommonJS build', () => {
  it('names no chunk: every .cjs entry stands alone', () => {
    const entries = readdirSync(dist).filter((name) => name.endsWith('.cjs'))
    expect(entries).toContain('index.cjs')
    for (const name of entries) {
      const code = readFileSync(path.join(dist, name), 'utf8')
      expect(code, name).not.toMatch(/\bimport\s*\(\s*["'`]\.\//)
      expect(code, name).not.toMatch(/\brequire\(\s*["'`]\.\/chunk-/)
    }
  })

  it('runs a lazy feature (a DPoP proof) where import() is not available', async () => {
    const kit = requireWithoutImport(path.join(dist, 'index.cjs')) as {
      createAuth: (options: object) => { client: { createDpopProof(request: object): Promise<string> } }
    }
    const dpop = await generateKeyPair('ES256')
    const auth = kit.createAuth({
      domain: 'tenant.example.com',
      clientId: 'client',
      clientSecret: 'secret',
      secret: 'a-secret-of-at-least-thirty-two-characters!!',
      appBaseUrl: 'http://localhost:3000',
      dpop,
    })
    const proof = await auth.client.createDpopProof({ method: 'GET', url: 'https://api.example.com/orders' })
    expect(proof.split('.')).toHaveLength(3)
  })
})
