import { describe, expect, it } from 'vitest'
import { signedInBrowser } from '../support/flows.js'
import { createTestAuth, useMockedTenant } from '../support/tenant.js'

const tenant = useMockedTenant()

describe('a prefetch of /auth/logout', () => {
  it.each([[{ 'sec-purpose': 'prefetch' }], [{ purpose: 'prefetch' }], [{ 'sec-purpose': 'prefetch;prerender' }]])(
    'answers 204 to %j, clears no cookie, and leaves the user signed in',
    async (headers) => {
      const { emulator } = tenant
      const auth = createTestAuth(emulator)
      const browser = await signedInBrowser(auth, emulator)
      const cookie = browser.cookies.get('__session')
      const logoutHits = emulator.hits.logout

      const response = await browser.send('/auth/logout', { headers })
      expect(response.status).toBe(204)
      expect(response.headers.getSetCookie()).toEqual([])
      expect(response.headers.get('location')).toBeNull()
      expect(response.headers.get('cache-control')).toBe('no-store')

      expect(browser.cookies.get('__session')).toBe(cookie)
      expect((await auth.getUser(browser.request('/')))?.sub).toBe('auth0|alice')
      expect(emulator.hits.logout).toBe(logoutHits)
      // A real click afterwards still logs out.
      const click = await browser.send('/auth/logout')
      expect(click.status).toBe(302)
      expect(click.headers.getSetCookie().some((value) => value.startsWith('__session=;'))).toBe(true)
    },
  )
})
