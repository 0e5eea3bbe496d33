// The Slack connector against the in-process Slack simulator: lookups, admin apps, faults.
import { beforeEach, describe, expect, it } from 'vitest'
import { createSlackSimulator, type SlackSimulator } from '../../test/simulators/slack.ts'
import {
  createSlackConnector,
  resetSlackSessions,
  restrictSlackApp,
  SLACK_DEFAULT_BASE_URLS,
  SlackCredentials,
} from './slack.ts'
import type { RemoteGrant } from './types.ts'
import { DEFAULT_READ_RETRY } from './send-provider-request.ts'

let sim: SlackSimulator
/** The sender's read retries, without waiting. */
const noWait = { ...DEFAULT_READ_RETRY, sleep: async () => {} }
let t: number

const options = (extra: { allowUninstall?: boolean; token?: string; teamId?: string } = {}) => {
  const { teamId, ...rest } = extra
  const base = sim.credentials(rest)
  const credentials = SlackCredentials.parse(
    teamId ? { token: base.token, teamId, allowUninstall: base.allowUninstall } : base
  )
  return {
    credentials,
    baseUrls: sim.baseUrls,
    fetch: sim.fetch,
    clock: () => new Date(t),
    retry: noWait,
  }
}
const connector = (extra: Parameters<typeof options>[0] = {}) =>
  createSlackConnector(options(extra))

function seedLeaver() {
  const leaver = sim.addUser({ email: 'Leaver@Example.com', name: 'leaver' })
  const other = sim.addUser({ email: 'stays@example.com' })
  sim.approveApp({
    app: { id: 'A0CHATBOT', name: 'ChatBot AI' },
    resolvedBy: leaver.id,
    scopes: ['channels:history', 'chat:write'],
  })
  sim.approveApp({
    app: { id: 'A0OTHER', name: 'Other' },
    resolvedBy: other.id,
    scopes: ['files:read'],
  })
  sim.addAppRequest({
    app: { id: 'A0NOTES', name: 'Notes AI' },
    userId: leaver.id,
    scopes: ['im:history'],
  })
  sim.addAppRequest({ app: 'A0OTHER', userId: other.id })
  return { leaver, other }
}

const grantFor = (appId: string, name = 'ChatBot AI'): RemoteGrant => ({
  provider: 'slack',
  userEmail: 'leaver@example.com',
  userId: 'W1',
  clientId: appId,
  appName: name,
  scopes: [],
  handle: appId,
  tenantWide: true,
})

beforeEach(() => {
  t = Date.parse('2026-11-23T09:00:00Z')
  sim = createSlackSimulator({ now: () => t })
})

describe('SlackCredentials', () => {
  it('defaults allowUninstall to false', () => {
    const parsed = SlackCredentials.parse({ token: 'xoxp-1', enterpriseId: 'E012AB' })
    expect(parsed.allowUninstall).toBe(false)
  })

  it.each([
    ['neither enterpriseId nor teamId', { token: 'xoxp-1' }],
    ['both enterpriseId and teamId', { token: 'xoxp-1', enterpriseId: 'E1', teamId: 'T1' }],
    ['a bot token', { token: 'xoxb-1', enterpriseId: 'E1' }],
    ['a team id as enterpriseId', { token: 'xoxp-1', enterpriseId: 'T1' }],
  ])('rejects %s', (_name, input) => {
    expect(SlackCredentials.safeParse(input).success).toBe(false)
  })

  it('defaults to the public Web API base URL', () => {
    expect(SLACK_DEFAULT_BASE_URLS.api).toBe('https://slack.com/api')
  })
})

describe('testConnection', () => {
  it('names the admin and org from auth.test after one admin call', async () => {
    const res = await connector().testConnection()
    expect(res).toMatchObject({
      ok: true,
      value: 'org-admin on Simulated Org (https://simulated-org.enterprise.slack.com/)',
    })
    expect(sim.requests.byMethod()).toEqual({ 'auth.test': 1, 'admin.apps.approved.list': 1 })
  })

  it("fails permanently on a bad token with Slack's error", async () => {
    const res = await connector({ token: 'xoxp-revoked' }).testConnection()
    expect(res).toMatchObject({
      ok: false,
      kind: 'permanent',
      status: 200,
      message: 'invalid_auth',
    })
  })

  it('reports missing admin scopes with what was needed and provided', async () => {
    const user = sim.addUser({ email: 'not-admin-scopes@example.com', isAdmin: true })
    sim.addToken('xoxp-no-admin', { userId: user.id, scopes: ['users:read.email'] })
    const res = await connector({ token: 'xoxp-no-admin' }).testConnection()
    expect(res).toMatchObject({
      ok: false,
      kind: 'permanent',
      message: 'missing_scope (needed: admin.apps:read; provided: users:read.email)',
    })
  })

  it('refuses a token from another enterprise', async () => {
    const res = await createSlackConnector({
      ...options(),
      credentials: SlackCredentials.parse({ token: sim.adminToken, enterpriseId: 'E0ELSEWHERE' }),
    }).testConnection()
    expect(res).toMatchObject({
      ok: false,
      kind: 'permanent',
      message: expect.stringContaining('E0SIMORG1'),
    })
  })

  it('says not_an_admin for a member token with admin scopes', async () => {
    const member = sim.addUser({ email: 'member@example.com' })
    sim.addToken('xoxp-member', { userId: member.id, scopes: ['admin.apps:read'] })
    const res = await connector({ token: 'xoxp-member' }).testConnection()
    expect(res).toMatchObject({ ok: false, kind: 'permanent', message: 'not_an_admin' })
  })
})

describe('listGrants', () => {
  it('returns the apps the leaver approved or requested, tenant-wide, by app id', async () => {
    const { leaver } = seedLeaver()
    const res = await connector().listGrants({ email: 'leaver@example.com' })
    expect(res.ok).toBe(true)
    if (!res.ok) return
    expect(res.value).toEqual([
      {
        provider: 'slack',
        userEmail: 'leaver@example.com',
        userId: leaver.id,
        clientId: 'A0CHATBOT',
        appName: 'ChatBot AI',
        scopes: ['channels:history', 'chat:write'],
        handle: 'A0CHATBOT',
        tenantWide: true,
      },
      expect.objectContaining({ clientId: 'A0NOTES', appName: 'Notes AI', scopes: ['im:history'] }),
    ])
    expect(
      sim.requests.log.find((e) => e.method === 'admin.apps.approved.list')?.params
    ).toMatchObject({
      enterprise_id: 'E0SIMORG1',
      limit: '1000',
    })
  })

  it('merges an app the leaver both approved and requested into one grant', async () => {
    const { leaver } = seedLeaver()
    sim.addAppRequest({ app: 'A0CHATBOT', userId: leaver.id, scopes: ['users:read'] })
    const res = await connector().listGrants({ email: 'leaver@example.com' })
    if (!res.ok) throw new Error(res.message)
    expect(res.value.filter((g) => g.clientId === 'A0CHATBOT')).toHaveLength(1)
    expect(res.value[0]?.scopes).toEqual(['channels:history', 'chat:write', 'users:read'])
  })

  it('follows next_cursor through every page', async () => {
    sim = createSlackSimulator({ now: () => t, maxPageSize: 2 })
    const leaver = sim.addUser({ email: 'leaver@example.com' })
    for (let i = 1; i <= 5; i++)
      sim.approveApp({ app: { id: `A0APP${i}`, name: `App ${i}` }, resolvedBy: leaver.id })
    const res = await connector().listGrants({ email: 'leaver@example.com' })
    if (!res.ok) throw new Error(res.message)
    expect(res.value.map((g) => g.clientId)).toEqual([
      'A0APP1',
      'A0APP2',
      'A0APP3',
      'A0APP4',
      'A0APP5',
    ])
    expect(sim.requests.count('admin.apps.approved.list')).toBe(3)
  })

  it('uses a known Slack user id instead of looking the email up', async () => {
    const { leaver } = seedLeaver()
    sim.deactivateUser(leaver.id)
    const res = await connector().listGrants({
      email: 'leaver@example.com',
      providerUserId: leaver.id,
    })
    expect(res.ok && res.value.map((g) => g.clientId)).toEqual(['A0CHATBOT', 'A0NOTES'])
    expect(sim.requests.count('users.lookupByEmail')).toBe(0)
  })

  it('fails permanently, saying why, when Slack hides the (deactivated) user', async () => {
    const { leaver } = seedLeaver()
    sim.deactivateUser(leaver.id)
    const res = await connector().listGrants({ email: 'leaver@example.com' })
    expect(res).toMatchObject({
      ok: false,
      kind: 'permanent',
      message: expect.stringMatching(/^users_not_found: .*providerUserId/),
    })
  })

  it('is empty for a Slack user who approved and requested nothing', async () => {
    seedLeaver()
    sim.addUser({ email: 'quiet@example.com' })
    const res = await connector().listGrants({ email: 'quiet@example.com' })
    expect(res).toMatchObject({ ok: true, value: [] })
  })

  it('lists one workspace with team_id when configured with a teamId', async () => {
    const leaver = sim.addUser({ email: 'leaver@example.com' })
    sim.approveApp({
      app: { id: 'A0WSAPP', name: 'WS app' },
      resolvedBy: leaver.id,
      scopeKey: 'T0SIMWS01',
    })
    sim.approveApp({ app: { id: 'A0ORGAPP', name: 'Org app' }, resolvedBy: leaver.id })
    const res = await connector({ teamId: 'T0SIMWS01' }).listGrants({ email: 'leaver@example.com' })
    expect(res.ok && res.value.map((g) => g.clientId)).toEqual(['A0WSAPP'])
  })
})

describe('revokeGrant and verifyRevoked', () => {
  it('asks for an admin decision unless allowUninstall is set, and changes nothing', async () => {
    seedLeaver()
    const res = await connector().revokeGrant(grantFor('A0CHATBOT'))
    expect(res).toMatchObject({
      ok: false,
      kind: 'needs_admin_decision',
      message: expect.stringContaining('ChatBot AI (A0CHATBOT) is installed for the whole org'),
    })
    expect(sim.requests.count()).toBe(0)
    expect(sim.isInstalled('A0CHATBOT')).toBe(true)
  })

  it('uninstalls org-wide, clears the approval, and verifies the app is gone', async () => {
    seedLeaver()
    const slack = connector({ allowUninstall: true })
    expect(await slack.verifyRevoked(grantFor('A0CHATBOT'))).toMatchObject({
      ok: true,
      value: false,
    })
    const res = await slack.revokeGrant(grantFor('A0CHATBOT'))
    expect(res).toMatchObject({ ok: true, value: 'revoked' })
    expect(sim.requests.log.find((e) => e.method === 'admin.apps.uninstall')?.params).toEqual({
      app_id: 'A0CHATBOT',
      enterprise_id: 'E0SIMORG1',
    })
    expect(sim.isInstalled('A0CHATBOT')).toBe(false)
    expect(sim.approvedApps().map((r) => r.appId)).toEqual(['A0OTHER'])
    expect(await slack.verifyRevoked(grantFor('A0CHATBOT'))).toMatchObject({
      ok: true,
      value: true,
    })
  })

  it('counts an app already uninstalled and unapproved as already gone', async () => {
    seedLeaver()
    const slack = connector({ allowUninstall: true })
    await slack.revokeGrant(grantFor('A0CHATBOT'))
    expect(await slack.revokeGrant(grantFor('A0CHATBOT'))).toMatchObject({
      ok: true,
      value: 'already_gone',
    })
    expect(sim.requests.log.at(-2)).toMatchObject({
      method: 'admin.apps.uninstall',
      error: 'app_not_found',
    })
  })

  it('still clears the approval when a retry finds the app already uninstalled', async () => {
    seedLeaver()
    // A first attempt uninstalled the app, then failed before clearing its approval.
    await sim.app.request('/api/admin.apps.uninstall', {
      method: 'POST',
      headers: { authorization: `Bearer ${sim.adminToken}` },
      body: new URLSearchParams({ app_id: 'A0CHATBOT', enterprise_id: sim.enterpriseId }),
    })
    expect(sim.isInstalled('A0CHATBOT')).toBe(false)
    const res = await connector({ allowUninstall: true }).revokeGrant(grantFor('A0CHATBOT'))
    expect(res).toMatchObject({ ok: true, value: 'revoked' })
    expect(sim.approvedApps().map((r) => r.appId)).toEqual(['A0OTHER'])
  })

  it('never lifts a restriction while clearing approvals', async () => {
    seedLeaver()
    await restrictSlackApp(options(), 'A0NOTES')
    const res = await connector({ allowUninstall: true }).revokeGrant(
      grantFor('A0NOTES', 'Notes AI')
    )
    expect(res).toMatchObject({ ok: true, value: 'already_gone' })
    expect(sim.restrictedApps().map((r) => r.appId)).toEqual(['A0NOTES'])
    expect(sim.requests.count('admin.apps.clearResolution')).toBe(0)
  })

  it('verifies false when the app comes back after the uninstall', async () => {
    seedLeaver()
    sim.faults.reappearAfterDelete = true
    const slack = connector({ allowUninstall: true })
    expect(await slack.revokeGrant(grantFor('A0CHATBOT'))).toMatchObject({
      ok: true,
      value: 'revoked',
    })
    expect(await slack.verifyRevoked(grantFor('A0CHATBOT'))).toMatchObject({
      ok: true,
      value: false,
    })
  })

  it('passes must_revoke_access on when a workspace connector meets an org app', async () => {
    seedLeaver()
    const res = await connector({ allowUninstall: true, teamId: 'T0SIMWS01' }).revokeGrant(
      grantFor('A0CHATBOT')
    )
    expect(res).toMatchObject({ ok: false, kind: 'permanent', message: 'must_revoke_access' })
    expect(sim.requests.log.at(-1)?.params).toEqual({ app_id: 'A0CHATBOT', team_ids: 'T0SIMWS01' })
  })
})

describe('failures', () => {
  it('maps an HTTP 429 to rate_limited with Retry-After, per method per org', async () => {
    sim.faults.rateLimit = { limit: 2, windowMs: 60_000 }
    const slack = connector()
    await slack.verifyRevoked(grantFor('A0X'))
    t += 15_000
    await slack.verifyRevoked(grantFor('A0X'))
    t += 5_000
    const res = await slack.verifyRevoked(grantFor('A0X'))
    expect(res).toMatchObject({
      ok: false,
      kind: 'rate_limited',
      status: 429,
      retryAfterMs: 40_000,
      message: 'ratelimited',
    })
    expect((await slack.testConnection()).ok).toBe(false) // approved.list is still limited
    expect(sim.requests.count('auth.test')).toBe(1)
    t += 40_000
    expect(await slack.verifyRevoked(grantFor('A0X'))).toMatchObject({ ok: true, value: true })
  })

  it("handles Slack's HTTP 200 { ok: false, error: 'ratelimited' } as rate_limited", async () => {
    sim.failNextWithError(1, 'ratelimited')
    const res = await connector().testConnection()
    expect(res).toMatchObject({
      ok: false,
      kind: 'rate_limited',
      status: 200,
      retryAfterMs: 60_000,
    })
  })

  it.each([
    ['a 503 on every try', () => sim.failNext(noWait.attempts, 503), { status: 503 }],
    ['a random 5xx from failureRate', () => (sim.faults.failureRate = 1), { status: 503 }],
    ["Slack's internal_error", () => sim.failNextWithError(1, 'internal_error'), { status: 200 }],
  ])('treats %s as transient', async (_name, inject, expected) => {
    seedLeaver()
    inject()
    const res = await connector().listGrants({ email: 'leaver@example.com' })
    expect(res).toMatchObject({ ok: false, kind: 'transient', ...expected })
  })

  it('treats a network error as transient', async () => {
    const res = await createSlackConnector({
      ...options(),
      fetch: async () => {
        throw new TypeError('fetch failed')
      },
    }).testConnection()
    expect(res).toMatchObject({ ok: false, kind: 'transient', status: 0 })
  })

  it('captures x-slack-req-id on successes and failures', async () => {
    const ok = await connector().testConnection()
    expect(ok.requestId).toBe(sim.requests.log.at(-1)?.requestId)
    sim.failNext(noWait.attempts, 502)
    const failed = await connector().testConnection()
    expect(failed).toMatchObject({ ok: false, status: 502 })
    expect(failed.requestId).toMatch(/^sim-\d+$/)
  })
})

describe('admin helpers', () => {
  it('restricts an app org-wide without touching its installs', async () => {
    seedLeaver()
    expect(await restrictSlackApp(options(), 'A0CHATBOT')).toMatchObject({
      ok: true,
      value: 'restricted',
    })
    expect(sim.restrictedApps().map((r) => r.appId)).toEqual(['A0CHATBOT'])
    expect(sim.approvedApps().map((r) => r.appId)).toEqual(['A0OTHER'])
    expect(sim.isInstalled('A0CHATBOT')).toBe(true)
  })

  it("rejects restricting an unknown app with Slack's error", async () => {
    expect(await restrictSlackApp(options(), 'A0NOPE')).toMatchObject({
      ok: false,
      message: 'invalid_app_id',
    })
  })

  it("resets the leaver's sessions, or only web ones", async () => {
    const { leaver } = seedLeaver()
    expect(await resetSlackSessions(options(), leaver.id)).toMatchObject({
      ok: true,
      value: 'reset',
    })
    await resetSlackSessions(options(), leaver.id, 'web')
    expect(sim.sessionResets).toEqual([
      { userId: leaver.id, webOnly: false, mobileOnly: false },
      { userId: leaver.id, webOnly: true, mobileOnly: false },
    ])
  })

  it('needs admin.users:write to reset sessions', async () => {
    const { leaver } = seedLeaver()
    sim.addToken('xoxp-apps-only', { userId: sim.admin.id, scopes: ['admin.apps:read'] })
    const res = await resetSlackSessions(options({ token: 'xoxp-apps-only' }), leaver.id)
    expect(res).toMatchObject({
      ok: false,
      kind: 'permanent',
      message: expect.stringMatching(/^missing_scope \(needed: admin.users:write/),
    })
  })
})

describe('the simulator speaks the Web API', () => {
  const post = (method: string, init: RequestInit = {}) =>
    sim.app.request(`/api/${method}`, { method: 'POST', ...init })

  it('answers not_authed without a token and invalid_auth for an unknown one', async () => {
    expect(await (await post('auth.test')).json()).toEqual({ ok: false, error: 'not_authed' })
    const res = await post('auth.test', { headers: { authorization: 'Bearer xoxp-nope' } })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: false, error: 'invalid_auth' })
  })

  it('accepts the token as a form field and JSON bodies with a bearer header', async () => {
    const form = await post('auth.test', { body: new URLSearchParams({ token: sim.adminToken }) })
    expect(await form.json()).toMatchObject({ ok: true, user_id: sim.admin.id })
    const json = await post('admin.apps.approved.list', {
      headers: { authorization: `Bearer ${sim.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ enterprise_id: sim.enterpriseId, limit: 1 }),
    })
    expect(await json.json()).toEqual({
      ok: true,
      approved_apps: [],
      response_metadata: { next_cursor: '' },
    })
  })

  it('answers unknown_method, invalid_cursor and no_team_or_enterprise_provided', async () => {
    const auth = { authorization: `Bearer ${sim.adminToken}` }
    expect(await (await post('apps.nope', { headers: auth })).json()).toMatchObject({
      error: 'unknown_method',
    })
    const noTarget = await post('admin.apps.requests.list', { headers: auth })
    expect(await noTarget.json()).toMatchObject({ error: 'no_team_or_enterprise_provided' })
    const badCursor = await post('admin.apps.approved.list', {
      headers: auth,
      body: new URLSearchParams({ enterprise_id: sim.enterpriseId, cursor: 'bogus' }),
    })
    expect(await badCursor.json()).toMatchObject({ error: 'invalid_cursor' })
  })

  it('refuses to route requests for other hosts', async () => {
    await expect(sim.fetch('https://slack.com/api/auth.test')).rejects.toThrow(/no route/)
  })
})
