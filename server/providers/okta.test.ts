// The Okta connector against the Okta Management API simulator: lookups, grants, revocation, faults.
import { describe, expect, it } from 'vitest'
import { createOktaSimulator } from '../../test/simulators/okta.ts'
import { createOktaConnector, OktaCredentials } from './okta.ts'
import type { RemoteGrant } from './types.ts'
import { DEFAULT_READ_RETRY } from './send-provider-request.ts'

const now = new Date('2026-11-23T09:00:00.000Z')
const clock = () => now
const CHATGPT = '0oa1chatgpt00000000x'
const CLAUDE = '0oa2claude000000000x'
const NOTEBOOK = '0oa3notebook0000000x'

/** The sender's read retries, without waiting. */
const noWait = { ...DEFAULT_READ_RETRY, sleep: async () => {} }

function setup(options: Parameters<typeof createOktaSimulator>[0] = {}) {
  const sim = createOktaSimulator({ clock, ...options })
  const connector = createOktaConnector({
    credentials: { orgUrl: sim.orgUrl, apiToken: sim.apiToken },
    baseUrls: sim.baseUrls,
    fetch: sim.fetch,
    clock,
    retry: noWait,
  })
  const ada = sim.addUser({ login: 'ada@acme.example', firstName: 'Ada', lastName: 'Lovelace' })
  sim.addClient({ clientId: CHATGPT, name: 'ChatGPT', clientUri: 'https://chatgpt.com' })
  sim.addClient({ clientId: CLAUDE, name: 'Claude' })
  sim.addClient({ clientId: NOTEBOOK, name: 'NotebookLM' })
  return { sim, connector, ada }
}

const grantFor = (userId: string | null, clientId: string): RemoteGrant => ({
  provider: 'okta',
  userEmail: 'ada@acme.example',
  userId,
  clientId,
  appName: null,
  scopes: [],
  handle: clientId,
})

describe('Okta credentials', () => {
  it.each([
    ['https://acme.okta.com', 'https://acme.okta.com'],
    ['https://acme.oktapreview.com/', 'https://acme.oktapreview.com'],
    ['https://acme.okta-emea.com', 'https://acme.okta-emea.com'],
    ['https://acme-admin.okta.com/admin/dashboard', 'https://acme.okta.com'],
    ['acme.okta.com', 'https://acme.okta.com'],
    ['https://login.acme.com', 'https://login.acme.com'],
  ])('accepts %s as the org %s', (orgUrl, origin) => {
    const parsed = OktaCredentials.parse({ orgUrl, apiToken: '00abcdefghijklmnopqrstuvwxyz' })
    expect(parsed.orgUrl).toBe(origin)
  })

  it.each([
    'http://acme.okta.com',
    'https://10.0.0.7',
    'https://[::1]',
    'https://localhost',
    'https://user:pw@acme.okta.com',
    'not a url',
  ])('refuses %s', (orgUrl) => {
    const parsed = OktaCredentials.safeParse({ orgUrl, apiToken: '00abcdefghijklmnopqrstuvwxyz' })
    expect(parsed.success).toBe(false)
  })

  it('drops a pasted SSWS prefix and refuses tokens with spaces', () => {
    const orgUrl = 'https://acme.okta.com'
    expect(OktaCredentials.parse({ orgUrl, apiToken: 'SSWS 00abcdefghijklmnop' }).apiToken).toBe(
      '00abcdefghijklmnop'
    )
    expect(OktaCredentials.safeParse({ orgUrl, apiToken: '00abc def ghijklmnop' }).success).toBe(
      false
    )
    expect(OktaCredentials.safeParse({ orgUrl, apiToken: '' }).success).toBe(false)
  })
})

describe('Okta connector', () => {
  it('tests the connection with the token owner', async () => {
    const { sim, connector } = setup()
    const result = await connector.testConnection()
    expect(result).toMatchObject({ ok: true, value: `acme.okta.com as ${sim.admin.profile.login}` })
    expect(sim.requests.log[0]).toMatchObject({ method: 'GET', path: '/api/v1/users/me' })
  })

  it("reports a bad token as permanent with Okta's errorSummary", async () => {
    const { sim } = setup()
    const connector = createOktaConnector({
      credentials: { orgUrl: sim.orgUrl, apiToken: '00wrongtoken0000000000' },
      fetch: sim.fetch,
    })
    const result = await connector.testConnection()
    expect(result).toMatchObject({
      ok: false,
      kind: 'permanent',
      status: 401,
      message: 'Invalid token provided',
    })
    const raw = await sim.app.request('https://acme.okta.com/api/v1/users/me', {
      headers: { Authorization: 'SSWS nope' },
    })
    expect(await raw.json()).toMatchObject({
      errorCode: 'E0000011',
      errorSummary: 'Invalid token provided',
      errorLink: 'E0000011',
      errorCauses: [],
    })
  })

  it('lists one grant per app with scope names, resolving the user by login', async () => {
    const { sim, connector, ada } = setup()
    sim.addGrants(ada.id, CHATGPT, ['openid', 'email', 'offline_access'])
    sim.addGrants(ada.id, CLAUDE, ['okta.users.read'])
    sim.addGrants(ada.id, NOTEBOOK, ['profile'], { status: 'REVOKED' })
    const bob = sim.addUser({ login: 'bob@acme.example' })
    sim.addGrants(bob.id, NOTEBOOK, ['openid'])

    const result = await connector.listGrants({ email: 'ada@acme.example' })

    expect(result.ok && result.value).toEqual([
      {
        provider: 'okta',
        userEmail: 'ada@acme.example',
        userId: ada.id,
        clientId: CHATGPT,
        appName: 'ChatGPT',
        scopes: ['email', 'offline_access', 'openid'],
        handle: CHATGPT,
      },
      expect.objectContaining({ clientId: CLAUDE, appName: 'Claude', scopes: ['okta.users.read'] }),
    ])
    expect(sim.requests.count('GET', '/api/v1/users/ada@acme.example')).toBe(1)
    expect(sim.requests.log.find((r) => r.route === '/api/v1/users/:userId/grants')?.url).toContain(
      'expand=scope'
    )
  })

  it('lists an app that holds refresh tokens without a consent grant', async () => {
    const { sim, connector, ada } = setup()
    sim.addRefreshTokens(ada.id, NOTEBOOK, ['openid', 'offline_access'], { count: 2 })
    const result = await connector.listGrants({ email: 'ada@acme.example' })
    expect(result.ok && result.value).toEqual([
      expect.objectContaining({
        clientId: NOTEBOOK,
        appName: 'NotebookLM',
        scopes: ['offline_access', 'openid'],
      }),
    ])
  })

  it('uses the known Okta user id, and finds a user whose login is not the email', async () => {
    const { sim, connector } = setup()
    const grace = sim.addUser({ login: 'ghopper', email: 'grace@acme.example' })
    sim.addGrants(grace.id, CLAUDE, ['openid'])

    const byId = await connector.listGrants({ email: 'x@acme.example', providerUserId: grace.id })
    expect(byId.ok && byId.value.map((g) => g.userId)).toEqual([grace.id])

    const byEmail = await connector.listGrants({ email: 'grace@acme.example' })
    expect(byEmail.ok && byEmail.value.map((g) => g.clientId)).toEqual([CLAUDE])
    expect(sim.requests.count('GET', '/api/v1/users')).toBe(1)
  })

  it('lists nothing for someone with no Okta account', async () => {
    const { connector } = setup()
    const result = await connector.listGrants({ email: 'nobody@acme.example' })
    expect(result).toMatchObject({ ok: true, value: [] })
  })

  it('refuses to guess between two users with the same email', async () => {
    const { sim, connector } = setup()
    sim.addUser({ login: 'sam1', email: 'sam@acme.example' })
    sim.addUser({ login: 'sam2', email: 'sam@acme.example' })
    const result = await connector.listGrants({ email: 'sam@acme.example' })
    expect(result).toMatchObject({
      ok: false,
      kind: 'permanent',
      message: expect.stringMatching(/several/),
    })
  })

  it("revokes an app's grants and refresh tokens, and counts a second revoke as already gone", async () => {
    const { sim, connector, ada } = setup()
    sim.addGrants(ada.id, CHATGPT, ['openid', 'offline_access'])
    sim.addRefreshTokens(ada.id, CHATGPT, ['openid', 'offline_access'])
    sim.addGrants(ada.id, CLAUDE, ['openid'])

    const first = await connector.revokeGrant(grantFor(ada.id, CHATGPT))
    expect(first).toMatchObject({ ok: true, value: 'revoked', status: 204 })
    expect(sim.grantsOf(ada.id, CHATGPT)).toEqual([])
    expect(sim.refreshTokensOf(ada.id, CHATGPT)).toEqual([])
    expect(sim.grantsOf(ada.id, CLAUDE)).toHaveLength(1)
    expect(sim.requests.count('DELETE', `/api/v1/users/${ada.id}/clients/${CHATGPT}/tokens`)).toBe(
      1
    )
    expect(sim.requests.count('DELETE', `/api/v1/users/${ada.id}/clients/${CHATGPT}/grants`)).toBe(
      1
    )

    const second = await connector.revokeGrant(grantFor(ada.id, CHATGPT))
    expect(second).toMatchObject({ ok: true, value: 'already_gone', status: 404 })
  })

  it('resolves the user by email when the grant has no Okta user id', async () => {
    const { sim, connector, ada } = setup()
    sim.addGrants(ada.id, CLAUDE, ['openid'])
    const result = await connector.revokeGrant(grantFor(null, CLAUDE))
    expect(result).toMatchObject({ ok: true, value: 'revoked' })
    expect(sim.grantsOf(ada.id)).toEqual([])
  })

  it('verifies a revoke, and sees grants that come back', async () => {
    const { sim, connector, ada } = setup()
    sim.addGrants(ada.id, CHATGPT, ['openid'])
    sim.addRefreshTokens(ada.id, CHATGPT, ['offline_access'])
    expect(await connector.verifyRevoked(grantFor(ada.id, CHATGPT))).toMatchObject({
      ok: true,
      value: false,
    })
    await connector.revokeGrant(grantFor(ada.id, CHATGPT))
    expect(await connector.verifyRevoked(grantFor(ada.id, CHATGPT))).toMatchObject({
      ok: true,
      value: true,
    })

    sim.addGrants(ada.id, CLAUDE, ['openid'])
    sim.reappearAfterDelete = true
    expect(await connector.revokeGrant(grantFor(ada.id, CLAUDE))).toMatchObject({
      value: 'revoked',
    })
    expect(await connector.verifyRevoked(grantFor(ada.id, CLAUDE))).toMatchObject({
      ok: true,
      value: false,
    })
  })

  it('verifies as revoked when the Okta user no longer exists', async () => {
    const { connector } = setup()
    expect(await connector.verifyRevoked(grantFor('00udeleted000000000', CLAUDE))).toMatchObject({
      ok: true,
      value: true,
    })
  })

  it('maps a 429 to rate_limited with the wait from X-Rate-Limit-Reset', async () => {
    const { sim, connector } = setup()
    sim.rateLimit = { limit: 1, windowMs: 60_000 }
    expect(await connector.testConnection()).toMatchObject({ ok: true })
    const limited = await connector.testConnection()
    expect(limited).toMatchObject({
      ok: false,
      kind: 'rate_limited',
      status: 429,
      retryAfterMs: 60_000,
      message: 'API call exceeded rate limit due to too many requests.',
    })
    const raw = await sim.fetch('https://acme.okta.com/api/v1/users/me', {
      headers: { Authorization: `SSWS ${sim.apiToken}` },
    })
    expect(
      ['limit', 'remaining', 'reset'].map((h) => raw.headers.get(`x-rate-limit-${h}`))
    ).toEqual(['1', '0', String(now.getTime() / 1000 + 60)])
  })

  it.each([500, 503])('maps a %i to transient', async (status) => {
    const { sim, connector } = setup()
    sim.failNext(noWait.attempts, status) // every try the shared sender makes at a read
    expect(await connector.listGrants({ email: 'ada@acme.example' })).toMatchObject({
      ok: false,
      kind: 'transient',
      status,
      message: 'Internal Server Error',
    })
  })

  it('maps random server failures and network errors to transient', async () => {
    const { sim, connector } = setup()
    sim.failureRate = 1
    expect(await connector.revokeGrant(grantFor('00u1', CHATGPT))).toMatchObject({
      ok: false,
      kind: 'transient',
    })
    const offline = createOktaConnector({
      credentials: { orgUrl: 'https://other.okta.com', apiToken: sim.apiToken },
      fetch: sim.fetch,
    })
    expect(await offline.testConnection()).toMatchObject({
      ok: false,
      kind: 'transient',
      status: 0,
      message: expect.stringMatching(/network error/),
    })
  })

  it('stops a revoke at the first failure so the job retries it whole', async () => {
    const { sim, connector, ada } = setup()
    sim.addGrants(ada.id, CHATGPT, ['openid'])
    sim.addRefreshTokens(ada.id, CHATGPT, ['offline_access'])
    sim.failNext(1, 429)
    expect(await connector.revokeGrant(grantFor(ada.id, CHATGPT))).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 60_000,
    })
    expect(sim.grantsOf(ada.id, CHATGPT)).toHaveLength(1)
    expect(await connector.revokeGrant(grantFor(ada.id, CHATGPT))).toMatchObject({
      value: 'revoked',
    })
  })

  it('captures X-Okta-Request-Id on successes and failures', async () => {
    const { sim, connector } = setup()
    const ok = await connector.testConnection()
    expect(ok.requestId).toBe(sim.requests.log.at(-1)?.requestId)
    expect(ok.requestId).toMatch(/^Xsim/)
    sim.failNext(1, 500)
    const failed = await connector.testConnection()
    expect(failed.requestId).toBe(sim.requests.log.at(-1)?.requestId)
  })

  it('follows Link rel="next" through every page', async () => {
    const { sim, connector, ada } = setup({ maxPageSize: 2 })
    sim.addGrants(ada.id, CHATGPT, ['openid', 'email', 'profile'])
    sim.addGrants(ada.id, CLAUDE, ['openid', 'offline_access'])
    sim.addRefreshTokens(ada.id, NOTEBOOK, ['openid'], { count: 5 })

    const result = await connector.listGrants({ email: 'ada@acme.example' })

    expect(result.ok && result.value.map((g) => [g.clientId, g.scopes])).toEqual([
      [CHATGPT, ['email', 'openid', 'profile']],
      [CLAUDE, ['offline_access', 'openid']],
      [NOTEBOOK, ['openid']],
    ])
    expect(sim.requests.count('GET', '/api/v1/users/:userId/grants')).toBe(3)
    expect(sim.requests.count('GET', '/api/v1/users/:userId/clients/:clientId/tokens')).toBe(3)
    const pages = sim.requests.log.filter((r) => r.route === '/api/v1/users/:userId/grants')
    expect(new URL(pages[1]!.url).searchParams.get('after')).toBeTruthy()
  })

  it('refuses a next page on another host, so the API token stays on the org', async () => {
    const { sim, ada } = setup()
    sim.addGrants(ada.id, CHATGPT, ['openid'])
    const leaky: typeof fetch = async (input, init) => {
      const response = await sim.fetch(input, init)
      const headers = new Headers(response.headers)
      headers.set('Link', '<https://evil.example/api/v1/next>; rel="next"')
      return new Response(response.body, { status: response.status, headers })
    }
    const connector = createOktaConnector({
      credentials: { orgUrl: sim.orgUrl, apiToken: sim.apiToken },
      fetch: leaky,
    })
    const result = await connector.listGrants({ email: 'ada@acme.example' })
    expect(result).toMatchObject({ ok: false, kind: 'permanent', message: /another host/ })
  })
})

describe('Okta simulator', () => {
  it("answers Okta's 404 body for unknown users", async () => {
    const { sim } = setup()
    const res = await sim.fetch('https://acme.okta.com/api/v1/users/00unknown/grants', {
      headers: { Authorization: `SSWS ${sim.apiToken}` },
    })
    expect(res.status).toBe(404)
    expect(res.headers.get('x-okta-request-id')).toBeTruthy()
    expect(await res.json()).toMatchObject({
      errorCode: 'E0000007',
      errorSummary: 'Not found: Resource not found: 00unknown (User)',
    })
  })

  it('deletes one grant by id', async () => {
    const { sim, ada } = setup()
    const [grant] = sim.addGrants(ada.id, CHATGPT, ['openid', 'email'])
    const url = `https://acme.okta.com/api/v1/users/${ada.id}/grants/${grant!.id}`
    const headers = { Authorization: `SSWS ${sim.apiToken}` }
    expect((await sim.fetch(url, { method: 'DELETE', headers })).status).toBe(204)
    expect((await sim.fetch(url, { method: 'DELETE', headers })).status).toBe(404)
    expect(sim.grantsOf(ada.id).map((g) => g.scope.name)).toEqual(['email'])
  })
})
