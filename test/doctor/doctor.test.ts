import { describe, expect, it } from 'vitest'
import { DEFAULT_LINKING_ACTION_NAME, doctor, formatDoctorReport } from '../../doctor/index.js'
import { createAuth0Emulator } from '../../testing/index.js'
import { APP_BASE_URL, check, doctorTenant, envFor, failing, SECRET, withStatus } from './tenant.js'

const NEEDED_BY_DEFAULT = [
  'configuration',
  'discovery',
  'client-authentication',
  'callback-url',
  'logout-url',
  'management-api-grant',
  'my-account-api',
  'refresh-token-policy',
  'token-vault-grant',
  'refresh-token-rotation',
]

describe('doctor() against the emulator in its default set-up', () => {
  it('passes every check a default app configuration needs (exit 0)', async () => {
    const emulator = await createAuth0Emulator()
    const report = await doctor({
      domain: emulator.domain,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
      secret: SECRET,
      appBaseUrl: APP_BASE_URL,
      fetch: emulator.fetch,
    })
    expect(withStatus(report, 'pass')).toEqual([
      'configuration',
      'discovery',
      'client-authentication',
      'callback-url',
      'logout-url',
      'management-api-grant',
    ])
    expect(failing(report)).toEqual([])
    expect(report.ok).toBe(true)
  })

  it('with connected accounts on and read:clients granted, passes every check and skips the rest', async () => {
    const { options } = await doctorTenant()
    const report = await doctor(options)
    expect(withStatus(report, 'pass')).toEqual(NEEDED_BY_DEFAULT)
    expect(withStatus(report, 'skipped')).toEqual(['linking-action', 'pushed-authorization-requests', 'organization'])
    expect(report.ok).toBe(true)
    expect(report.strategy).toBe('management-api')
  })

  it('prints one line per needed check, and neither the client secret nor a token', async () => {
    const { options, emulator } = await doctorTenant()
    const report = await doctor(options)
    const text = formatDoctorReport(report)
    expect(text.split('\n')).toHaveLength(1 + NEEDED_BY_DEFAULT.length + 1)
    expect(text).toContain(`✓ callback-url`)
    expect(text).toContain(`${APP_BASE_URL}/auth/callback`)
    expect(text).toMatch(/10 ✓ · 0 ✗ · 0 \?$/)
    for (const printed of [text, JSON.stringify(report)]) {
      expect(printed).not.toContain(emulator.clientSecret)
      expect(printed).not.toContain(options.secret as string)
      expect(printed).not.toMatch(/mgmt_|eyJ/)
    }
  })

  it('prints the same text on a second run (stable enough to paste into an issue)', async () => {
    const { options } = await doctorTenant()
    expect(formatDoctorReport(await doctor(options))).toBe(formatDoctorReport(await doctor(options)))
  })

  it('reads the AUTH0_* variables for options left out, as the adapters do', async () => {
    const { emulator, tenant } = await doctorTenant()
    const report = await doctor({ env: envFor(emulator), fetch: tenant.fetch })
    expect(report.ok).toBe(true)
    expect(report.domain).toBe(emulator.domain)
    expect(withStatus(report, 'skipped')).toContain('my-account-api')
  })
})

describe('each misconfiguration turns exactly its own line ✗', () => {
  it('no Management API grant → management-api-grant', async () => {
    const { options } = await doctorTenant({ managementApiGrant: false })
    const report = await doctor(options)
    expect(failing(report)).toEqual(['management-api-grant'])
    expect(check(report, 'management-api-grant').found).toContain('no grant for the Management API')
    expect(check(report, 'management-api-grant').fix).toContain('Auth0 Management API → Machine To Machine Applications')
    // What needs read:clients cannot be checked without a token: "?", not ✗.
    expect(withStatus(report, 'unknown')).toEqual(['refresh-token-policy', 'token-vault-grant', 'refresh-token-rotation'])
    expect(report.ok).toBe(false)
  })

  it('a grant narrowed to read:users → management-api-grant names update:users', async () => {
    const { options } = await doctorTenant({ managementApiGrant: ['read:users', 'read:clients', 'read:actions'] })
    const report = await doctor(options)
    expect(failing(report)).toEqual(['management-api-grant'])
    expect(check(report, 'management-api-grant').found).toContain('lacks update:users')
  })

  it('no callback URL allowed → callback-url, with the URL to add', async () => {
    const { options } = await doctorTenant({ callbacks: ['https://elsewhere.example/auth/callback'] })
    const report = await doctor(options)
    expect(failing(report)).toEqual(['callback-url'])
    expect(check(report, 'callback-url').found).toContain('Callback URL mismatch')
    expect(check(report, 'callback-url').fix).toContain(`Allowed Callback URLs: add ${APP_BASE_URL}/auth/callback`)
  })

  it('the callback moved by routes.callback is the one probed', async () => {
    const { options } = await doctorTenant({ callbacks: [`${APP_BASE_URL}/signin/callback`], allowedLogoutUrls: [`${APP_BASE_URL}/`] })
    const report = await doctor({ ...options, routes: { callback: '/signin/callback' } })
    expect(failing(report)).toEqual([])
    expect(check(report, 'callback-url').found).toContain(`${APP_BASE_URL}/signin/callback`)
  })

  it('no logout URL allowed → logout-url', async () => {
    const { options } = await doctorTenant({ allowedLogoutUrls: [] })
    const report = await doctor(options)
    expect(failing(report)).toEqual(['logout-url'])
    expect(check(report, 'logout-url').fix).toContain(`Allowed Logout URLs: add ${APP_BASE_URL}/`)
  })

  it('refresh-token rotation on while Token Vault is used → refresh-token-rotation', async () => {
    const { options } = await doctorTenant({ refreshTokenRotation: true })
    expect(failing(await doctor(options))).toEqual(['refresh-token-rotation'])
  })

  it('the Token Vault grant type off → token-vault-grant', async () => {
    const { options } = await doctorTenant({}, { tokenVaultGrant: false })
    expect(failing(await doctor(options))).toEqual(['token-vault-grant'])
  })

  it('no refresh-token policy for the My Account API → refresh-token-policy', async () => {
    const { options } = await doctorTenant({}, { refreshTokenPolicies: [] })
    expect(failing(await doctor(options))).toEqual(['refresh-token-policy'])
  })

  it('the My Account API not answering as activated → my-account-api', async () => {
    const { options, emulator } = await doctorTenant()
    emulator.fail({ endpoint: 'my-account', status: 404, body: '{"error":"not_found"}' })
    expect(failing(await doctor(options))).toEqual(['my-account-api'])
  })

  it('tenant-action without the Action bound to post-login → linking-action', async () => {
    const { options } = await doctorTenant()
    const report = await doctor({ ...options, linking: { strategy: 'tenant-action' } })
    expect(failing(report)).toEqual(['linking-action'])
    expect(check(report, 'linking-action').found).toContain('nothing is bound to post-login')
    expect(check(report, 'linking-action').fix).toContain('tenant/actions/account-linking.js')
  })

  it("tenant-action with the kit's Action deployed passes, and needs no Management API grant", async () => {
    const { options } = await doctorTenant({ accountLinkingAction: true })
    const report = await doctor({ ...options, linking: { strategy: 'tenant-action' } })
    expect(report.ok).toBe(true)
    expect(check(report, 'linking-action').found).toContain(`Action ${DEFAULT_LINKING_ACTION_NAME} is deployed and bound to post-login`)
    expect(check(report, 'management-api-grant').status).toBe('skipped')
  })

  it('tenant-action with the Action under another name → linking-action names what is bound', async () => {
    const { options } = await doctorTenant({ accountLinkingAction: true })
    const report = await doctor({ ...options, linking: { strategy: 'tenant-action' }, linkingActionName: 'my-linking' })
    expect(failing(report)).toEqual(['linking-action'])
    expect(check(report, 'linking-action').found).toContain(`bound: ${DEFAULT_LINKING_ACTION_NAME}`)
  })

  it('tenant-action without read:actions: linking-action is "?" naming the permission', async () => {
    const { options } = await doctorTenant({
      accountLinkingAction: true,
      managementApiGrant: ['read:users', 'update:users', 'read:clients'],
    })
    const report = await doctor({ ...options, linking: { strategy: 'tenant-action' } })
    expect(failing(report)).toEqual([])
    expect(withStatus(report, 'unknown')).toEqual(['linking-action'])
    expect(check(report, 'linking-action').fix).toContain('read:actions')
  })

  it('AUTH0_LINK_STRATEGY=tenant-action is read like linking.strategy', async () => {
    const { emulator, tenant } = await doctorTenant()
    const report = await doctor({ env: envFor(emulator, { AUTH0_LINK_STRATEGY: 'tenant-action' }), fetch: tenant.fetch })
    expect(report.strategy).toBe('tenant-action')
    expect(failing(report)).toEqual(['linking-action'])
  })

  it('PAR on while the tenant lists no PAR endpoint → pushed-authorization-requests', async () => {
    const { options } = await doctorTenant({ pushedAuthorizationRequests: false })
    expect(failing(await doctor({ ...options, pushedAuthorizationRequests: true }))).toEqual(['pushed-authorization-requests'])
  })

  it('PAR on and offered passes; with PAR required the callback is probed through PAR', async () => {
    const { options } = await doctorTenant({ pushedAuthorizationRequests: 'required' })
    const report = await doctor({ ...options, pushedAuthorizationRequests: true })
    expect(report.ok).toBe(true)
    expect(check(report, 'callback-url').found).toContain('pushed authorization request')
  })

  it('an organization the tenant does not know → organization', async () => {
    const { options } = await doctorTenant({ organizations: [{ id: 'org_known1', name: 'known', members: ['auth0|alice'] }] })
    const report = await doctor({ ...options, organization: 'org_unknown2' })
    expect(failing(report)).toEqual(['organization'])
    expect(check(report, 'organization').found).toContain('org_unknown2')
  })

  it('an organization the tenant knows passes', async () => {
    const { options } = await doctorTenant({ organizations: [{ id: 'org_known1', name: 'known', members: ['auth0|alice'] }] })
    expect((await doctor({ ...options, organization: 'known' })).ok).toBe(true)
  })

  it('a tenant that does not answer → discovery only, the rest "?", within the time budget', async () => {
    const { options, emulator } = await doctorTenant()
    emulator.fail({ endpoint: 'discovery', delayMs: 60_000, times: Infinity })
    const report = await doctor({ ...options, httpTimeout: 100 })
    expect(failing(report)).toEqual(['discovery'])
    expect(check(report, 'discovery').found).toContain('did not answer within 100 ms')
    expect(withStatus(report, 'pass')).toEqual(['configuration'])
  })

  it('a tenant that cannot be reached → discovery only', async () => {
    const { options, emulator } = await doctorTenant()
    emulator.fail({ endpoint: 'discovery', network: true, times: Infinity })
    expect(failing(await doctor(options))).toEqual(['discovery'])
  })

  it('a wrong client secret → client-authentication, and the grant is "?" not ✗', async () => {
    const { options } = await doctorTenant()
    const report = await doctor({ ...options, clientSecret: 'not-the-secret-of-this-client' })
    expect(failing(report)).toEqual(['client-authentication'])
    expect(check(report, 'client-authentication').found).toContain('invalid_client')
    expect(check(report, 'management-api-grant').status).toBe('unknown')
    expect(JSON.stringify(report)).not.toContain('not-the-secret-of-this-client')
  })

  it('a grant without read:clients shows the settings checks as "?" naming the permission', async () => {
    const { options } = await doctorTenant({ managementApiGrant: ['read:users', 'update:users'] })
    const report = await doctor(options)
    expect(failing(report)).toEqual([])
    expect(withStatus(report, 'unknown')).toEqual(['refresh-token-policy', 'token-vault-grant', 'refresh-token-rotation'])
    expect(check(report, 'token-vault-grant').fix).toContain('read:clients')
    expect(report.ok).toBe(false)
  })
})

describe('configuration', () => {
  it('a missing secret is reported, and the tenant is still checked', async () => {
    const { options } = await doctorTenant()
    const report = await doctor({ ...options, secret: undefined })
    expect(failing(report)).toEqual(['configuration'])
    expect(check(report, 'configuration').found).toContain('AUTH0_SECRET')
    expect(check(report, 'discovery').status).toBe('pass')
  })

  it('no domain: the configuration fails and the tenant checks are "?"', async () => {
    const report = await doctor({ clientId: 'x', clientSecret: 'y', secret: 'z'.repeat(32) })
    expect(failing(report)).toEqual(['configuration'])
    expect(withStatus(report, 'unknown')).toEqual(['discovery', 'client-authentication', 'callback-url', 'logout-url'])
  })

  it('an unknown linking strategy is a configuration problem', async () => {
    const { options } = await doctorTenant()
    const report = await doctor({ ...options, linking: { strategy: 'magic' } })
    expect(failing(report)).toEqual(['configuration'])
    expect(check(report, 'configuration').found).toContain('linking.strategy')
  })

  it('without appBaseUrl the URL checks cannot be made ("?")', async () => {
    const { options } = await doctorTenant()
    const report = await doctor({ ...options, appBaseUrl: undefined })
    expect(withStatus(report, 'unknown')).toEqual(['callback-url', 'logout-url'])
    expect(check(report, 'callback-url').fix).toContain('APP_BASE_URL')
  })
})
