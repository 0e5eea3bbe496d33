// The GitHub connector against the in-process simulator: listing, revoking, verifying, faults.
import { beforeEach, describe, expect, it } from 'vitest'
import type { input } from 'zod'
import { createGithubSimulator, type GithubSimulator } from '../../test/simulators/github.ts'
import { createGithubConnector, GITHUB_DEFAULT_BASE_URLS, GithubCredentials } from './github.ts'
import type { ProviderConnector, RemoteGrant } from './types.ts'
import { DEFAULT_READ_RETRY } from './send-provider-request.ts'

const now = new Date('2026-11-23T09:00:00Z')
const clock = () => now
const ORG = 'octo-org'
const CLASSIC = 'ghp_classicOwnerToken'
/** The sender's read retries, without waiting. */
const noWait = { ...DEFAULT_READ_RETRY, sleep: async () => {} }
const leaver = { email: 'mona@example.com', providerUserId: 'mona' }

let sim: GithubSimulator
let github: ProviderConnector

function connect(
  overrides: Partial<input<typeof GithubCredentials>> = {},
  fetch: typeof globalThis.fetch = sim.fetch
) {
  const credentials = GithubCredentials.parse({ org: ORG, token: sim.token, ...overrides })
  return createGithubConnector({ credentials, baseUrls: sim.baseUrls, fetch, clock, retry: noWait })
}

beforeEach(() => {
  sim = createGithubSimulator({
    clock,
    tokens: {
      ghs_simulatorInstallationToken0000000000: { kind: 'installation' },
      [CLASSIC]: { kind: 'classic', scopes: ['admin:org', 'repo'] },
    },
  })
  sim.addOrg(ORG, { name: 'Octo Org' })
  sim.addCredentialAuthorization(ORG, {
    login: 'mona',
    credential_id: 161195,
    authorized_credential_note: 'Cursor',
    scopes: ['repo', 'read:org'],
  })
  sim.addCredentialAuthorization(ORG, {
    login: 'mona',
    credential_id: 161196,
    credential_type: 'SSH key',
    authorized_credential_title: 'laptop key',
  })
  sim.addCredentialAuthorization(ORG, { login: 'hubot', credential_id: 161197 })
  sim.addFineGrainedToken(ORG, {
    owner: 'mona',
    id: 25381,
    token_name: 'Claude Code',
    permissions: { repository: { contents: 'write' }, organization: { members: 'read' } },
  })
  sim.addFineGrainedToken(ORG, { owner: 'hubot', id: 25382 })
  github = connect()
})

async function monasGrants(): Promise<RemoteGrant[]> {
  const result = await github.listGrants(leaver)
  if (!result.ok) throw new Error(`listGrants failed: ${result.message}`)
  return result.value
}

describe('GitHub credentials', () => {
  it('defaults to listing both credential authorizations and fine-grained tokens', () => {
    expect(GithubCredentials.parse({ org: 'octo-org', token: ' ghp_x ' })).toEqual({
      org: 'octo-org',
      token: 'ghp_x',
      credentialAuthorizations: true,
      fineGrainedTokens: true,
    })
  })

  it.each([
    ['an org that is a path', { org: 'octo-org/../users', token: 't' }],
    ['an empty token', { org: 'octo-org', token: '  ' }],
    [
      'nothing to list',
      { org: 'o', token: 't', credentialAuthorizations: false, fineGrainedTokens: false },
    ],
  ])('rejects %s', (_name, input) => {
    expect(GithubCredentials.safeParse(input).success).toBe(false)
  })

  it('defaults to the public API', () => {
    expect(GITHUB_DEFAULT_BASE_URLS.api).toBe('https://api.github.com')
  })
})

describe('GitHub connector', () => {
  it('tests the connection by reading the org and one item of each list', async () => {
    const result = await github.testConnection()
    expect(result).toMatchObject({ ok: true, value: 'GitHub organization octo-org (Octo Org)' })
    expect(sim.requestCounts()).toEqual({
      'GET /orgs/octo-org': 1,
      'GET /orgs/octo-org/credential-authorizations': 1,
      'GET /orgs/octo-org/personal-access-tokens': 1,
    })
  })

  it("fails permanently on a bad token, with GitHub's message", async () => {
    const bad = connect({ token: 'ghp_revoked' })
    expect(await bad.testConnection()).toMatchObject({
      ok: false,
      kind: 'permanent',
      status: 401,
      message: 'Bad credentials',
    })
    expect(await bad.listGrants(leaver)).toMatchObject({
      ok: false,
      kind: 'permanent',
      status: 401,
    })
  })

  it('fails the connection test when a classic token cannot list fine-grained tokens', async () => {
    const result = await connect({ token: CLASSIC }).testConnection()
    expect(result).toMatchObject({ ok: false, kind: 'permanent', status: 403 })
    expect(!result.ok && result.message).toMatch(
      /^Resource not accessible by personal access token \(.*GitHub App installation token/
    )
    const samlOnly = connect({ token: CLASSIC, fineGrainedTokens: false })
    expect(await samlOnly.testConnection()).toMatchObject({ ok: true })
  })

  it("lists a user's credential authorizations and fine-grained tokens by login", async () => {
    const grants = await monasGrants()
    expect(grants).toEqual([
      {
        provider: 'github',
        userEmail: 'mona@example.com',
        userId: 'mona',
        clientId: 'credential:personal access token',
        appName: 'Cursor',
        scopes: ['repo', 'read:org'],
        handle: '161195',
      },
      {
        provider: 'github',
        userEmail: 'mona@example.com',
        userId: 'mona',
        clientId: 'credential:SSH key',
        appName: 'laptop key',
        scopes: [],
        handle: '161196',
      },
      {
        provider: 'github',
        userEmail: 'mona@example.com',
        userId: 'mona',
        clientId: 'credential:fine-grained personal access token',
        appName: 'Claude Code',
        scopes: ['repository:contents:write', 'organization:members:read'],
        handle: 'fgpat:25381',
      },
    ])
    const queries = sim.requests.map((r) => `${r.path}${decodeURIComponent(r.query)}`)
    expect(queries).toEqual([
      '/orgs/octo-org/credential-authorizations?login=mona&per_page=100',
      '/orgs/octo-org/personal-access-tokens?owner[]=mona&per_page=100',
    ])
  })

  it('lists only credential authorizations when fine-grained tokens are turned off', async () => {
    const grants = await connect({ token: CLASSIC, fineGrainedTokens: false }).listGrants(leaver)
    expect(grants.ok && grants.value.map((g) => g.handle)).toEqual(['161195', '161196'])
  })

  it.each([
    ['no login', { email: 'mona@example.com' }, /No GitHub login is mapped for mona@example.com/],
    [
      'an email for a login',
      { ...leaver, providerUserId: 'mona@example.com' },
      /not a GitHub login/,
    ],
  ])('refuses to guess a user with %s', async (_name, user, message) => {
    const result = await github.listGrants(user)
    expect(result).toMatchObject({ ok: false, kind: 'permanent' })
    expect(!result.ok && result.message).toMatch(message)
    expect(sim.requests).toHaveLength(0)
  })

  it('revokes a credential authorization, and counts a second revoke as already gone', async () => {
    const [pat] = await monasGrants()
    expect(await github.revokeGrant(pat!)).toMatchObject({
      ok: true,
      value: 'revoked',
      status: 204,
    })
    expect(sim.credentialAuthorizations(ORG).map((c) => c.credential_id)).toEqual([161196, 161197])
    expect(await github.revokeGrant(pat!)).toMatchObject({
      ok: true,
      value: 'already_gone',
      status: 404,
    })
    expect(sim.requestCounts()['DELETE /orgs/octo-org/credential-authorizations/161195']).toBe(2)
  })

  it('revokes a fine-grained token with POST {action: revoke}, then counts it as gone', async () => {
    const fgpat = (await monasGrants()).find((g) => g.handle === 'fgpat:25381')!
    expect(await github.revokeGrant(fgpat)).toMatchObject({ ok: true, value: 'revoked' })
    expect(sim.fineGrainedTokens(ORG).map((p) => p.id)).toEqual([25382])
    expect(await github.revokeGrant(fgpat)).toMatchObject({ ok: true, value: 'already_gone' })
    expect(sim.requestCounts()['POST /orgs/octo-org/personal-access-tokens/25381']).toBe(2)
  })

  it('refuses a handle that is not a GitHub credential id', async () => {
    const [pat] = await monasGrants()
    const result = await github.revokeGrant({ ...pat!, handle: '../../members/mona' })
    expect(result).toMatchObject({ ok: false, kind: 'permanent' })
  })

  it.each([0, 2])('verifies a revoked grant is absent (grant %i)', async (index) => {
    const grant = (await monasGrants())[index]!
    expect(await github.verifyRevoked(grant)).toMatchObject({ ok: true, value: false })
    await github.revokeGrant(grant)
    expect(await github.verifyRevoked(grant)).toMatchObject({ ok: true, value: true })
  })

  it('does not verify a revoke when the grant reappears', async () => {
    sim.reappearAfterDelete = true
    for (const grant of await monasGrants()) {
      expect(await github.revokeGrant(grant)).toMatchObject({ ok: true, value: 'revoked' })
      expect(await github.verifyRevoked(grant)).toMatchObject({ ok: true, value: false })
    }
  })

  it.each([403, 429] as const)(
    'reports an exhausted primary rate limit (%i) with the wait until x-ratelimit-reset',
    async (status) => {
      sim.rateLimit = { limit: 1, windowMs: 60_000, status }
      expect(await github.listGrants(leaver)).toMatchObject({
        ok: false,
        kind: 'rate_limited',
        status,
        retryAfterMs: 60_000,
      })
      const result = await github.listGrants(leaver)
      expect(!result.ok && result.message).toMatch(/^API rate limit exceeded/)
    }
  )

  it.each([
    ['403 with Retry-After', { retryAfterSeconds: 30 }, 30_000],
    ['429 with Retry-After', { retryAfterSeconds: 45, status: 429 as const }, 45_000],
    ['403 without Retry-After: at least a minute', {}, 60_000],
  ])('reports a secondary rate limit: %s', async (_name, init, wait) => {
    const [grant] = await monasGrants()
    sim.failNextWithSecondaryRateLimit(1, init)
    const result = await github.revokeGrant(grant!)
    expect(result).toMatchObject({ ok: false, kind: 'rate_limited', retryAfterMs: wait })
    expect(!result.ok && result.message).toMatch(/secondary rate limit/)
  })

  it.each([500, 502, 503])('reports a %i as transient', async (status) => {
    sim.failNext(noWait.attempts, status) // every try the shared sender makes at a read
    const result = await github.listGrants(leaver)
    expect(result).toMatchObject({ ok: false, kind: 'transient', status })
  })

  it('reports random server errors as transient', async () => {
    sim.failureRate = 1
    expect(await github.testConnection()).toMatchObject({ ok: false, kind: 'transient' })
  })

  it('reports an unreachable host as transient', async () => {
    const offline = createGithubConnector({
      credentials: GithubCredentials.parse({ org: ORG, token: sim.token }),
      baseUrls: { api: 'https://github.unreachable.test' },
      fetch: sim.fetch,
    })
    expect(await offline.testConnection()).toMatchObject({
      ok: false,
      kind: 'transient',
      status: 0,
    })
  })

  it('keeps the x-github-request-id of successes and failures', async () => {
    const ok = await github.testConnection()
    expect(ok.requestId).toMatch(/^C0DE:5151:/)
    sim.failNext(noWait.attempts, 502)
    const failed = await github.listGrants(leaver)
    expect(failed).toMatchObject({ ok: false, requestId: expect.stringMatching(/^C0DE:5151:/) })
    expect(failed.requestId).not.toBe(ok.requestId)
  })

  it('follows Link rel="next" across pages', async () => {
    for (let i = 0; i < 230; i++) sim.addCredentialAuthorization(ORG, { login: 'mona' })
    for (let i = 0; i < 120; i++) sim.addFineGrainedToken(ORG, { owner: 'mona' })
    const grants = await monasGrants()
    expect(grants).toHaveLength(2 + 230 + 1 + 120)
    expect(new Set(grants.map((g) => g.handle)).size).toBe(grants.length)
    expect(sim.requestCounts()).toEqual({
      'GET /orgs/octo-org/credential-authorizations': 3,
      'GET /orgs/octo-org/personal-access-tokens': 2,
    })
    expect(sim.requests.map((r) => new URLSearchParams(r.query).get('page'))).toEqual([
      null,
      '2',
      '3',
      null,
      '2',
    ])
  })

  it('works against GitHub Enterprise Server under /api/v3', async () => {
    const ghes = createGithubSimulator({ clock, baseUrl: 'https://ghe.example.test/api/v3' })
    ghes.addOrg(ORG)
    for (let i = 0; i < 101; i++) ghes.addCredentialAuthorization(ORG, { login: 'mona' })
    const connector = createGithubConnector({
      credentials: GithubCredentials.parse({
        org: ORG,
        token: ghes.token,
        fineGrainedTokens: false,
      }),
      baseUrls: ghes.baseUrls,
      fetch: ghes.fetch,
    })
    const result = await connector.listGrants(leaver)
    expect(result.ok && result.value).toHaveLength(101)
    expect(ghes.requests.map((r) => r.path)).toEqual([
      '/orgs/octo-org/credential-authorizations',
      '/orgs/octo-org/credential-authorizations',
    ])
  })

  it('refuses to follow a pagination link to another host, keeping the token home', async () => {
    for (let i = 0; i < 150; i++) sim.addCredentialAuthorization(ORG, { login: 'mona' })
    const seen: string[] = []
    const hijacked: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input)
      seen.push(new URL(url).host)
      const res = await sim.fetch(input, init)
      const link = res.headers.get('link')?.replaceAll(sim.baseUrls.api, 'https://evil.test')
      const headers = new Headers(res.headers)
      if (link) headers.set('link', link)
      return new Response(res.body, { status: res.status, headers })
    }
    const result = await connect({}, hijacked).listGrants(leaver)
    expect(result).toMatchObject({ ok: false, kind: 'permanent' })
    expect(!result.ok && result.message).toMatch(/evil\.test/)
    expect(seen).toEqual(['api.github.test'])
  })

  it("never lists another member's credentials, even if the login filter were ignored", async () => {
    const unfiltered: typeof fetch = (input, init) => {
      const url = new URL(String(input instanceof Request ? input.url : input))
      url.searchParams.delete('login')
      url.searchParams.delete('owner[]')
      return sim.fetch(url, init)
    }
    const result = await connect({}, unfiltered).listGrants(leaver)
    expect(result.ok && result.value.every((g) => g.userId === 'mona')).toBe(true)
    expect(result.ok && result.value).toHaveLength(3)
  })
})

describe('GitHub simulator', () => {
  const get = (path: string, headers: Record<string, string> = {}) =>
    sim.fetch(`${sim.baseUrls.api}${path}`, {
      headers: { authorization: `Bearer ${sim.token}`, ...headers },
    })

  it("answers a bad token with GitHub's 401 body", async () => {
    const res = await get('/orgs/octo-org', { authorization: 'token nope' })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({
      message: 'Bad credentials',
      documentation_url: 'https://docs.github.com/rest',
      status: '401',
    })
  })

  it('answers an unknown org with 404 and an unsupported API version with 400', async () => {
    expect((await get('/orgs/nobody')).status).toBe(404)
    const res = await get('/orgs/octo-org', { 'x-github-api-version': '2011-01-01' })
    expect(res.status).toBe(400)
  })

  it('sends rate-limit headers and filters credential authorizations by login', async () => {
    const res = await get('/orgs/octo-org/credential-authorizations?login=HUBOT')
    expect(res.headers.get('x-ratelimit-remaining')).toBe('14999')
    expect((await res.json()).map((c: { login: string }) => c.login)).toEqual(['hubot'])
  })

  it('rejects a PAT revoke without action: revoke', async () => {
    const res = await sim.fetch(`${sim.baseUrls.api}/orgs/octo-org/personal-access-tokens/25381`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sim.token}` },
      body: JSON.stringify({ action: 'approve' }),
    })
    expect(res.status).toBe(422)
    expect(sim.fineGrainedTokens(ORG)).toHaveLength(2)
  })
})
