// The Google Workspace connector against the Directory API simulator: auth, grants, revocation,
// verification and every failure the shared sender maps.
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { describe, expect, it } from 'vitest'
import { createGoogleSimulator, type GoogleSimulatorOptions } from '../../test/simulators/google.ts'
import { createGoogleConnector, GOOGLE_DIRECTORY_SCOPE, GoogleCredentials } from './google.ts'
import type { RemoteGrant } from './types.ts'

const ADMIN = 'admin@acme.example'
const LEAVER = 'leaver@acme.example'
const CHATGPT = '1234-chatgpt.apps.googleusercontent.com'
const CLAUDE = '5678-claude.apps.googleusercontent.com'
const TOKEN_KEY = 'POST /token'
const LIST_KEY = 'GET /admin/directory/v1/users/:userKey/tokens'
const DELETE_KEY = 'DELETE /admin/directory/v1/users/:userKey/tokens/:clientId'

function setup(options: GoogleSimulatorOptions = {}) {
  let now = new Date('2026-11-23T09:00:00Z')
  const clock = () => now
  const sim = createGoogleSimulator({ clock, ...options })
  sim.addUser({ email: ADMIN, isAdmin: true })
  const leaver = sim.addUser({ email: LEAVER })
  sim.addToken(LEAVER, {
    clientId: CHATGPT,
    displayText: 'ChatGPT',
    scopes: ['openid', 'https://www.googleapis.com/auth/drive.readonly'],
  })
  sim.addToken(LEAVER, { clientId: CLAUDE, displayText: 'Claude', scopes: ['email'] })
  const key = sim.addServiceAccount()
  const credentials = GoogleCredentials.parse({ ...key, adminEmail: ADMIN })
  const connect = (overrides: Partial<GoogleCredentials> = {}, connectorClock = clock) =>
    createGoogleConnector({
      credentials: { ...credentials, ...overrides },
      baseUrls: sim.baseUrls,
      fetch: sim.fetch,
      clock: connectorClock,
    })
  return {
    sim,
    leaver,
    key,
    credentials,
    clock,
    connect,
    connector: connect(),
    advance: (ms: number) => (now = new Date(now.getTime() + ms)),
  }
}

const grantOf = (userId: string | null, clientId = CHATGPT): RemoteGrant => ({
  provider: 'google',
  userEmail: LEAVER,
  userId,
  clientId,
  appName: null,
  scopes: [],
  handle: clientId,
})

describe('Google credentials', () => {
  it('accepts the service account JSON key plus the admin, and keeps only what it needs', () => {
    const { key } = setup()
    const parsed = GoogleCredentials.parse({
      type: 'service_account',
      project_id: 'acme',
      ...key,
      private_key: key.private_key.replace(/\n/g, '\\n'),
      adminEmail: ADMIN,
    })
    expect(Object.keys(parsed).sort()).toEqual([
      'adminEmail',
      'client_email',
      'private_key',
      'private_key_id',
    ])
    expect(parsed.private_key).toBe(key.private_key.trim())
  })

  it('rejects a private key that is not a PEM key', () => {
    const result = GoogleCredentials.safeParse({
      client_email: 'svc@acme.iam.gserviceaccount.com',
      private_key: 'not a key',
      private_key_id: 'abc',
      adminEmail: ADMIN,
    })
    expect(result.success).toBe(false)
    expect(result.error?.issues[0]?.message).toMatch(/PEM private key/)
  })
})

describe('Google connector: access tokens', () => {
  it('signs a delegated RS256 JWT and uses the access token it gets', async () => {
    const { sim, key, credentials, clock } = setup()
    const assertions: string[] = []
    const spy: typeof fetch = async (input, init) => {
      if (init?.body instanceof URLSearchParams || typeof init?.body === 'string')
        assertions.push(new URLSearchParams(String(init.body)).get('assertion') ?? '')
      return sim.fetch(input, init)
    }
    const connector = createGoogleConnector({
      credentials,
      baseUrls: sim.baseUrls,
      fetch: spy,
      clock,
    })
    expect(await connector.testConnection()).toMatchObject({ ok: true })
    expect(assertions).toHaveLength(1)
    const jwt = assertions[0]!
    expect(decodeProtectedHeader(jwt)).toEqual({
      alg: 'RS256',
      typ: 'JWT',
      kid: key.private_key_id,
    })
    const claims = decodeJwt(jwt)
    expect(claims).toMatchObject({
      iss: key.client_email,
      sub: ADMIN,
      scope: GOOGLE_DIRECTORY_SCOPE,
      aud: `${sim.baseUrls.oauth2}/token`,
    })
    expect(claims.exp! - claims.iat!).toBe(3600)
  })

  it('reuses the access token until five minutes before it expires', async () => {
    const { sim, connector, advance } = setup()
    await connector.testConnection()
    await connector.listGrants({ email: LEAVER })
    advance(54 * 60_000)
    await connector.listGrants({ email: LEAVER })
    expect(sim.count(TOKEN_KEY)).toBe(1)
    advance(2 * 60_000)
    await connector.listGrants({ email: LEAVER })
    expect(sim.count(TOKEN_KEY)).toBe(2)
  })

  it('asks for one token when calls start together', async () => {
    const { sim, connector } = setup()
    const results = await Promise.all([1, 2, 3].map(() => connector.listGrants({ email: LEAVER })))
    expect(results.every((r) => r.ok)).toBe(true)
    expect(sim.count(TOKEN_KEY)).toBe(1)
  })

  it('gets a fresh token once when Google rejects the cached one', async () => {
    const { sim, connector } = setup()
    await connector.testConnection()
    sim.expireAccessTokens()
    expect(await connector.listGrants({ email: LEAVER })).toMatchObject({ ok: true })
    expect(sim.count(TOKEN_KEY)).toBe(2)
    expect(sim.requests.filter((r) => r.status === 401)).toHaveLength(1)
  })

  type Case = [
    string,
    (s: ReturnType<typeof setup>) => ReturnType<typeof createGoogleConnector>,
    number,
    string,
  ]
  it.each<Case>([
    [
      'a key from another service account',
      (s) => s.connect({ private_key: s.sim.addServiceAccount().private_key }),
      400,
      'invalid_grant: Invalid JWT Signature.',
    ],
    [
      'an unknown service account',
      (s) => s.connect({ client_email: 'ghost@other.iam.gserviceaccount.com' }),
      400,
      'invalid_grant: Invalid JWT: No valid verifier found for issuer.',
    ],
    [
      'an admin who is not in the directory',
      (s) => s.connect({ adminEmail: 'nobody@acme.example' }),
      400,
      'invalid_grant: Invalid email or User ID',
    ],
    [
      'no domain-wide delegation',
      (s) => (s.sim.setDelegation(s.key.client_email, null), s.connector),
      401,
      'unauthorized_client: Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
    ],
    [
      'a delegation without the user.security scope',
      (s) => (
        s.sim.setDelegation(s.key.client_email, [
          'https://www.googleapis.com/auth/admin.directory.user.readonly',
        ]),
        s.connector
      ),
      401,
      'unauthorized_client: Client is unauthorized',
    ],
    [
      'a clock two hours slow',
      (s) => s.connect({}, () => new Date('2026-11-23T07:00:00Z')),
      400,
      'invalid_grant: Invalid JWT: Token must be a short-lived token',
    ],
  ])('fails permanently with Google’s message on %s', async (_name, make, status, message) => {
    const s = setup()
    const result = await make(s).listGrants({ email: LEAVER })
    expect(result).toMatchObject({ ok: false, kind: 'permanent', status })
    expect(result.ok || result.message.startsWith(message)).toBe(true)
    expect(s.sim.count(LIST_KEY)).toBe(0)
  })
})

describe('Google connector: testConnection', () => {
  it('lists the admin’s own tokens and names who it acts as', async () => {
    const { sim, key, connector } = setup()
    expect(await connector.testConnection()).toEqual({
      ok: true,
      value: `${key.client_email} acting as ${ADMIN}`,
      status: 200,
      requestId: null,
    })
    expect(sim.requests.map((r) => r.path)).toEqual([
      '/token',
      `/admin/directory/v1/users/${encodeURIComponent(ADMIN)}/tokens`,
    ])
  })

  it('fails when the impersonated user is not an admin', async () => {
    const { sim, connect } = setup()
    sim.addUser({ email: 'clerk@acme.example' })
    expect(await connect({ adminEmail: 'clerk@acme.example' }).testConnection()).toMatchObject({
      ok: false,
      kind: 'permanent',
      status: 403,
      message: 'Not Authorized to access this resource/api',
    })
  })
})

describe('Google connector: listGrants', () => {
  it('maps each token to a grant keyed by client id, with Google’s user id', async () => {
    const { connector, leaver } = setup()
    const result = await connector.listGrants({ email: LEAVER })
    expect(result).toMatchObject({ ok: true, status: 200 })
    expect(result.ok && result.value).toEqual([
      {
        provider: 'google',
        userEmail: LEAVER,
        userId: leaver.id,
        clientId: CHATGPT,
        appName: 'ChatGPT',
        scopes: ['openid', 'https://www.googleapis.com/auth/drive.readonly'],
        handle: CHATGPT,
      },
      {
        provider: 'google',
        userEmail: LEAVER,
        userId: leaver.id,
        clientId: CLAUDE,
        appName: 'Claude',
        scopes: ['email'],
        handle: CLAUDE,
      },
    ])
  })

  it('looks the user up by Google id when it is known', async () => {
    const { sim, connector, leaver } = setup()
    const result = await connector.listGrants({
      email: 'renamed@acme.example',
      providerUserId: leaver.id,
    })
    expect(result.ok && result.value.map((g) => g.clientId)).toEqual([CHATGPT, CLAUDE])
    expect(sim.requests.at(-1)?.path).toBe(`/admin/directory/v1/users/${leaver.id}/tokens`)
  })

  it('returns no grants for a user without tokens (Google omits `items`)', async () => {
    const { sim, connector } = setup()
    sim.addUser({ email: 'new@acme.example' })
    expect(await connector.listGrants({ email: 'new@acme.example' })).toMatchObject({
      ok: true,
      value: [],
    })
  })

  it('fails permanently for a user Google does not know', async () => {
    const { connector } = setup()
    expect(await connector.listGrants({ email: 'ghost@acme.example' })).toMatchObject({
      ok: false,
      kind: 'permanent',
      status: 404,
      message: 'Resource Not Found: userKey',
    })
  })

  it('cannot read a user of another Workspace account', async () => {
    const { sim, connector } = setup()
    sim.addUser({ email: 'someone@other.example', customerId: 'C02other' })
    expect(await connector.listGrants({ email: 'someone@other.example' })).toMatchObject({
      ok: false,
      kind: 'permanent',
      status: 403,
    })
  })
})

describe('Google connector: revokeGrant and verifyRevoked', () => {
  it('deletes the token, then counts a second delete (404) as already gone', async () => {
    const { sim, connector, leaver } = setup()
    const grant = grantOf(leaver.id)
    expect(await connector.revokeGrant(grant)).toMatchObject({
      ok: true,
      value: 'revoked',
      status: 204,
    })
    expect(sim.hasToken(LEAVER, CHATGPT)).toBe(false)
    expect(sim.hasToken(LEAVER, CLAUDE)).toBe(true)
    expect(await connector.revokeGrant(grant)).toMatchObject({
      ok: true,
      value: 'already_gone',
      status: 404,
    })
    expect(sim.count(DELETE_KEY)).toBe(2)
  })

  it('revokes by email when the Google id is unknown', async () => {
    const { sim, connector } = setup()
    expect(await connector.revokeGrant(grantOf(null))).toMatchObject({ ok: true, value: 'revoked' })
    expect(sim.requests.at(-1)?.path).toBe(
      `/admin/directory/v1/users/${encodeURIComponent(LEAVER)}/tokens/${encodeURIComponent(CHATGPT)}`
    )
  })

  it('verifies a deleted token is gone', async () => {
    const { connector, leaver } = setup()
    const grant = grantOf(leaver.id)
    expect(await connector.verifyRevoked(grant)).toMatchObject({ ok: true, value: false })
    await connector.revokeGrant(grant)
    expect(await connector.verifyRevoked(grant)).toMatchObject({ ok: true, value: true })
  })

  it('reports a token that came back after the delete as not revoked', async () => {
    const { sim, connector, leaver } = setup({ reappearAfterDelete: true })
    const grant = grantOf(leaver.id)
    expect(await connector.revokeGrant(grant)).toMatchObject({ ok: true, value: 'revoked' })
    expect(await connector.verifyRevoked(grant)).toMatchObject({ ok: true, value: false })
    expect(sim.hasToken(leaver.id, CHATGPT)).toBe(true)
  })

  it('counts a deleted Workspace user’s grants as revoked', async () => {
    const { sim, connector, leaver } = setup()
    sim.deleteUser(LEAVER)
    expect(await connector.verifyRevoked(grantOf(leaver.id))).toMatchObject({
      ok: true,
      value: true,
    })
    expect(await connector.revokeGrant(grantOf(leaver.id))).toMatchObject({
      ok: true,
      value: 'already_gone',
    })
  })
})

describe('Google connector: failures', () => {
  it('maps a 429 without Retry-After to rate_limited with the sender’s default wait', async () => {
    const { sim, connector } = setup({ rateLimit: { limit: 2, windowMs: 60_000 } })
    expect(await connector.testConnection()).toMatchObject({ ok: true })
    expect(await connector.listGrants({ email: LEAVER })).toMatchObject({ ok: true })
    const limited = await connector.listGrants({ email: LEAVER })
    expect(limited).toMatchObject({
      ok: false,
      kind: 'rate_limited',
      status: 429,
      retryAfterMs: 30_000,
    })
    expect(!limited.ok && limited.message).toMatch(/^Quota exceeded for quota metric 'Queries'/)
    expect(sim.requests.at(-1)?.status).toBe(429)
  })

  it('waits as long as Retry-After says when Google sends it', async () => {
    const { connector, advance } = setup({
      rateLimit: { limit: 1, windowMs: 60_000 },
      retryAfter: true,
    })
    await connector.testConnection()
    advance(15_000)
    expect(await connector.listGrants({ email: LEAVER })).toMatchObject({
      ok: false,
      kind: 'rate_limited',
      retryAfterMs: 45_000,
    })
    advance(45_000)
    expect(await connector.listGrants({ email: LEAVER })).toMatchObject({ ok: true })
  })

  it('limits each Workspace account on its own', async () => {
    const { sim, connector, clock } = setup({ rateLimit: { limit: 1, windowMs: 60_000 } })
    sim.addUser({ email: 'admin@other.example', customerId: 'C02other', isAdmin: true })
    const other = sim.addServiceAccount({ customerId: 'C02other' })
    const otherConnector = createGoogleConnector({
      credentials: { ...other, adminEmail: 'admin@other.example' },
      baseUrls: sim.baseUrls,
      fetch: sim.fetch,
      clock,
    })
    expect(await connector.testConnection()).toMatchObject({ ok: true })
    expect(await connector.testConnection()).toMatchObject({ kind: 'rate_limited' })
    expect(await otherConnector.testConnection()).toMatchObject({ ok: true })
  })

  it('treats Google’s 403 userRateLimitExceeded as rate limited', async () => {
    const { connector } = setup({
      rateLimit: { limit: 1, windowMs: 60_000, reason: 'userRateLimitExceeded' },
    })
    await connector.testConnection()
    expect(await connector.listGrants({ email: LEAVER })).toMatchObject({ kind: 'rate_limited' })
  })

  it('maps a 5xx from the Directory API to transient, with Google’s message', async () => {
    const { sim, connector, leaver } = setup()
    await connector.testConnection()
    sim.failNext(1, 503)
    expect(await connector.revokeGrant(grantOf(leaver.id))).toMatchObject({
      ok: false,
      kind: 'transient',
      status: 503,
      message: 'The service is currently unavailable.',
    })
    expect(sim.hasToken(LEAVER, CHATGPT)).toBe(true)
  })

  it('maps a 5xx from the token endpoint to transient and tries again next time', async () => {
    const { sim, connector } = setup()
    sim.failNext(1, 500)
    expect(await connector.testConnection()).toMatchObject({
      ok: false,
      kind: 'transient',
      status: 500,
      message: 'internal_failure: Backend Error',
    })
    expect(await connector.testConnection()).toMatchObject({ ok: true })
    expect(sim.count(TOKEN_KEY)).toBe(2)
  })

  it('maps random 5xx and dropped connections to transient', async () => {
    const { sim, connector } = setup({ failureRate: 1 })
    expect(await connector.listGrants({ email: LEAVER })).toMatchObject({
      kind: 'transient',
      status: 503,
    })
    sim.failureRate = 0
    sim.failNext(1, 0)
    expect(await connector.listGrants({ email: LEAVER })).toMatchObject({
      kind: 'transient',
      status: 0,
      message: expect.stringMatching(/^network error/),
    })
  })

  it('captures Google’s request id when one is sent, and null when not', async () => {
    const withIds = setup({ requestIds: true })
    const result = await withIds.connector.listGrants({ email: LEAVER })
    expect(result.requestId).toMatch(/^[0-9a-f]{16}$/)
    withIds.sim.failNext(1, 503)
    expect((await withIds.connector.listGrants({ email: LEAVER })).requestId).toMatch(
      /^[0-9a-f]{16}$/
    )
    expect((await setup().connector.listGrants({ email: LEAVER })).requestId).toBeNull()
  })
})

describe('Google simulator', () => {
  it('answers a call without credentials like Google does', async () => {
    const { sim } = setup()
    const res = await sim.app.request(
      `${sim.baseUrls.admin}/admin/directory/v1/users/${ADMIN}/tokens`
    )
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm=/)
    expect(await res.json()).toMatchObject({
      error: {
        code: 401,
        status: 'UNAUTHENTICATED',
        errors: [{ reason: 'required', message: 'Login Required.', location: 'Authorization' }],
      },
    })
  })

  it('rejects an unknown bearer token with Invalid Credentials', async () => {
    const { sim } = setup()
    const res = await sim.fetch(`${sim.baseUrls.admin}/admin/directory/v1/users/${ADMIN}/tokens`, {
      headers: { authorization: 'Bearer ya29.made-up' },
    })
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({
      error: { message: expect.stringMatching(/^Request had invalid authentication credentials/) },
    })
  })

  it('refuses URLs it does not serve instead of reaching the network', async () => {
    const { sim } = setup()
    await expect(
      sim.fetch('https://admin.googleapis.com/admin/directory/v1/users/x/tokens')
    ).rejects.toThrow(/not served by the Google simulator/)
  })
})
