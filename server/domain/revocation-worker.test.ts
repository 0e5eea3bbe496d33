// The revocation engine: plan, approval (with the second-approver rule), leased workers that
// survive a dead worker, retries on 5xx and 429, verification that catches a grant that came back.
import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../deps.ts'
import {
  auditLog,
  organisations,
  providerConnections,
  revocationJobs,
  webhookDeliveries,
} from '../db/schema/index.ts'
import type { ProviderConnector, ProviderResult, RemoteGrant } from '../providers/types.ts'
import { approvePlan, getPlan, planRevocation } from './revocation-plans.ts'
import {
  claimJobs,
  LEASE_MS,
  MAX_ATTEMPTS,
  runClaimedJob,
  runRevocationBatch,
  type WorkerDeps,
} from './revocation-worker.ts'
import { advanceDueCases } from './advance-due-cases.ts'
import {
  consentEvent,
  createTestServer,
  type OrgFixture,
  type TestServer,
} from '../../test/support/test-server.ts'
import { TEST_DB_KINDS } from '../../test/support/test-db.ts'

/** An in-memory provider: grants by user email and client id, with scripted failures. */
function fakeProvider() {
  const grants = new Map<string, Set<string>>()
  const script: Array<ProviderResult<never>> = []
  let reappear = false
  const calls = { list: 0, revoke: 0 }
  const ok = <T>(value: T): ProviderResult<T> => ({
    ok: true,
    value,
    status: 200,
    requestId: `req-${calls.list + calls.revoke}`,
  })
  const connector: ProviderConnector = {
    id: 'google',
    testConnection: async () => ok('ok'),
    async listGrants(user) {
      calls.list++
      const next = script.shift()
      if (next) return next
      return ok(
        [...(grants.get(user.email) ?? [])].map((clientId): RemoteGrant => ({
          provider: 'google',
          userEmail: user.email,
          userId: user.email,
          clientId,
          appName: null,
          scopes: [],
          handle: clientId,
        }))
      )
    },
    async revokeGrant(grant) {
      calls.revoke++
      const next = script.shift()
      if (next) return next
      const had = grants.get(grant.userEmail)?.delete(grant.clientId)
      if (reappear) grants.get(grant.userEmail)?.add(grant.clientId)
      return ok(had ? ('revoked' as const) : ('already_gone' as const))
    },
    async verifyRevoked(grant) {
      return ok(!grants.get(grant.userEmail)?.has(grant.clientId))
    },
  }
  return {
    connector,
    calls,
    seed: (email: string, clientId: string) =>
      grants.set(email, new Set([...(grants.get(email) ?? []), clientId])),
    has: (email: string, clientId: string) => grants.get(email)?.has(clientId) ?? false,
    failNext: (r: ProviderResult<never>) => script.push(r),
    setReappear: (v: boolean) => void (reappear = v),
  }
}

describe.each(TEST_DB_KINDS)('revocation engine on %s', (kind) => {
  let server: TestServer
  let org: OrgFixture
  let provider: ReturnType<typeof fakeProvider>
  const worker = (id: string, at?: () => Date): WorkerDeps => ({
    db: server.db.db,
    clock: at ?? (() => server.now.value),
    log: silentLogger,
    random: () => 0.5,
    workerId: id,
    resolveConnector: async () => ({ connector: provider.connector, requestsPerSecond: 1000 }),
  })

  beforeAll(async () => {
    server = await createTestServer(kind)
    org = await server.createOrg()
    ownerId =
      (
        (await (await org.owner.request('GET', '/api/v1/admins')).json()) as {
          items: Array<{ id: string }>
        }
      ).items[0]?.id ?? ''
    await server.db.db.insert(providerConnections).values({
      orgId: org.orgId,
      provider: 'google',
      credentialsCiphertext: server.secretBox.seal('{}'),
      baseUrls: {},
      createdAt: server.now.value,
      updatedAt: server.now.value,
    })
  })
  afterAll(() => server.close())

  async function leaverWithGrants(email: string, clientIds: string[]) {
    const device = await org.enrollDevice(email)
    await device.send(
      clientIds.map((clientId) => consentEvent({ request: { clientId, loginHint: email } }))
    )
    for (const c of clientIds) provider.seed(email, c)
    const res = await org.owner.request('POST', '/api/v1/leavers', {
      email,
      departureDate: '2026-11-30',
    })
    return ((await res.json()) as { personId: string }).personId
  }
  let ownerId = ''
  const actor = () => ({ orgId: org.orgId, adminId: ownerId })

  it('plans, approves and revokes every grant of a leaver, verified and audited', async () => {
    provider = fakeProvider()
    const personId = await leaverWithGrants('ada@acme.example', ['app-1', 'app-2', 'app-3'])
    const admins = (await (await org.owner.request('GET', '/api/v1/admins')).json()) as {
      items: Array<{ id: string }>
    }
    const me = { orgId: org.orgId, adminId: admins.items[0]?.id ?? '' }
    const plan = await planRevocation(
      server.db.db,
      me,
      { scope: 'leaver', personId },
      server.now.value
    )
    expect(plan).toMatchObject({ ok: true, jobs: 3 })
    if (!plan.ok) return
    expect(await runRevocationBatch(worker('w1'))).toBe(0) // nothing runs before approval
    expect(await approvePlan(server.db.db, me, plan.planId, server.now.value)).toEqual({ ok: true })
    expect(await runRevocationBatch(worker('w1'))).toBe(3)
    const done = await getPlan(server.db.db, { tenantId: org.orgId, planId: plan.planId })
    expect(done?.counts).toEqual({ verified: 3 })
    expect(done?.plan.state).toBe('done')
    expect(provider.has('ada@acme.example', 'app-1')).toBe(false)
    const grants = (await (
      await org.owner.request('GET', '/api/v1/grants?status=revoked')
    ).json()) as { items: unknown[] }
    expect(grants.items).toHaveLength(3)
    const audit = (await (
      await org.owner.request('GET', '/api/v1/audit?action=revocation.verified')
    ).json()) as { items: Array<{ data: { providerRequestId: string } }> }
    expect(audit.items).toHaveLength(3)
    expect(audit.items[0]?.data.providerRequestId).toMatch(/^req-/)
  })

  it('refuses approval by the planner when the organisation requires a second approver', async () => {
    provider = fakeProvider()
    const personId = await leaverWithGrants('bob@acme.example', ['app-b'])
    await server.db.db
      .update(organisations)
      .set({ requireSecondApprover: true })
      .where(sql`${organisations.id} = ${org.orgId}`)
    const planner = {
      orgId: org.orgId,
      adminId:
        (
          (await (await org.owner.request('GET', '/api/v1/admins')).json()) as {
            items: Array<{ id: string }>
          }
        ).items[0]?.id ?? '',
    }
    const plan = await planRevocation(
      server.db.db,
      planner,
      { scope: 'leaver', personId },
      server.now.value
    )
    if (!plan.ok) throw new Error('no plan')
    expect(await approvePlan(server.db.db, planner, plan.planId, server.now.value)).toEqual({
      ok: false,
      reason: 'second_approver_required',
    })
    const second = await org.addAdmin('admin')
    const secondId =
      (
        (await (await org.owner.request('GET', '/api/v1/admins')).json()) as {
          items: Array<{ id: string; email: string }>
        }
      ).items.find((a) => a.email === second.email)?.id ?? ''
    expect(
      await approvePlan(
        server.db.db,
        { orgId: org.orgId, adminId: secondId },
        plan.planId,
        server.now.value
      )
    ).toEqual({ ok: true })
    await server.db.db
      .update(organisations)
      .set({ requireSecondApprover: false })
      .where(sql`${organisations.id} = ${org.orgId}`)
    await runRevocationBatch(worker('w1'))
  })

  it('retries 5xx and 429 without losing or repeating a revocation, and gives up after the limit', async () => {
    provider = fakeProvider()
    const personId = await leaverWithGrants('carol@acme.example', ['app-c'])
    const plan = await planRevocation(
      server.db.db,
      actor(),
      { scope: 'leaver', personId },
      server.now.value
    )
    if (!plan.ok) throw new Error('no plan')
    expect(await approvePlan(server.db.db, actor(), plan.planId, server.now.value)).toEqual({
      ok: true,
    })
    provider.failNext({
      ok: false,
      kind: 'transient',
      status: 503,
      message: 'backend error',
      requestId: null,
    })
    provider.failNext({
      ok: false,
      kind: 'rate_limited',
      status: 429,
      retryAfterMs: 5000,
      message: 'slow down',
      requestId: null,
    })
    let t = server.now.value.getTime()
    const at = () => new Date(t)
    await runRevocationBatch(worker('w1', at)) // 503
    let state = await getPlan(server.db.db, { tenantId: org.orgId, planId: plan.planId })
    expect(state?.jobs[0]).toMatchObject({ state: 'failed', lastStatus: 503, attempts: 1 })
    t += 60_000
    await runRevocationBatch(worker('w1', at)) // 429: back to approved, attempt refunded
    state = await getPlan(server.db.db, { tenantId: org.orgId, planId: plan.planId })
    expect(state?.jobs[0]).toMatchObject({ state: 'approved', attempts: 1 })
    expect(await runRevocationBatch(worker('w1', at))).toBe(0) // waits out Retry-After
    t += 6_000
    await runRevocationBatch(worker('w1', at))
    state = await getPlan(server.db.db, { tenantId: org.orgId, planId: plan.planId })
    expect(state?.jobs[0]).toMatchObject({ state: 'verified' })
    expect(provider.calls.revoke).toBe(1)
  })

  it('catches a grant that comes back after delete: the job fails, it is not done', async () => {
    provider = fakeProvider()
    const personId = await leaverWithGrants('dave@acme.example', ['app-d'])
    const plan = await planRevocation(
      server.db.db,
      actor(),
      { scope: 'leaver', personId },
      server.now.value
    )
    if (!plan.ok) throw new Error('no plan')
    await approvePlan(server.db.db, actor(), plan.planId, server.now.value)
    provider.setReappear(true)
    await runRevocationBatch(worker('w1'))
    const state = await getPlan(server.db.db, { tenantId: org.orgId, planId: plan.planId })
    expect(state?.jobs[0]).toMatchObject({
      state: 'failed',
      lastError: 'the grant is still there after revocation',
    })
  })

  it('lets another worker finish a job whose worker died, and ignores the dead one', async () => {
    provider = fakeProvider()
    const personId = await leaverWithGrants('erin@acme.example', ['app-e'])
    const plan = await planRevocation(
      server.db.db,
      actor(),
      { scope: 'leaver', personId },
      server.now.value
    )
    if (!plan.ok) throw new Error('no plan')
    await approvePlan(server.db.db, actor(), plan.planId, server.now.value)
    const claimed = await claimJobs(worker('dying'), 10)
    expect(claimed.map((j) => j.planId)).toContain(plan.planId)
    // "dying" never finishes. Before the lease ends, nobody else may take the job.
    expect(await claimJobs(worker('w2'), 10)).toEqual([])
    const later = new Date(server.now.value.getTime() + LEASE_MS + 1000)
    expect(await runRevocationBatch(worker('w2', () => later))).toBeGreaterThanOrEqual(1)
    const state = await getPlan(server.db.db, { tenantId: org.orgId, planId: plan.planId })
    expect(state?.jobs[0]).toMatchObject({ state: 'verified' })
  })

  it('revokes automatically on the leaving day when the organisation chose "auto"', async () => {
    provider = fakeProvider()
    const device = await org.enrollDevice('frank@acme.example')
    await device.send([
      consentEvent({ request: { clientId: 'app-f', loginHint: 'frank@acme.example' } }),
    ])
    provider.seed('frank@acme.example', 'app-f')
    expect(
      (await org.owner.request('PUT', '/api/v1/revocations/settings', { offboardingMode: 'auto' }))
        .status
    ).toBe(200)
    await org.owner.request('POST', '/api/v1/leavers', {
      email: 'frank@acme.example',
      departureDate: '2026-11-23',
    })
    expect(await advanceDueCases(server.db.db, server.now.value)).toBeGreaterThanOrEqual(1)
    await runRevocationBatch(worker('w1'))
    expect(provider.has('frank@acme.example', 'app-f')).toBe(false)
    const plans = (await (await org.owner.request('GET', '/api/v1/revocations/plans')).json()) as {
      items: Array<{ createdBy: string | null; counts: Record<string, number> }>
    }
    expect(plans.items.find((p) => p.createdBy === null)?.counts).toEqual({ verified: 1 })
    await org.owner.request('PUT', '/api/v1/revocations/settings', { offboardingMode: 'notify' })
  })

  /** A leaver's plan, approved, with one job per client id. */
  async function approvedPlan(email: string, clientIds: string[]) {
    const personId = await leaverWithGrants(email, clientIds)
    const plan = await planRevocation(
      server.db.db,
      actor(),
      { scope: 'leaver', personId },
      server.now.value
    )
    if (!plan.ok) throw new Error('no plan')
    await approvePlan(server.db.db, actor(), plan.planId, server.now.value)
    return plan.planId
  }

  /** Audit entries about one job. */
  const auditOfJob = (jobId: string) =>
    server.db.db
      .select({ action: auditLog.action, actorId: auditLog.actorId })
      .from(auditLog)
      .where(and(eq(auditLog.orgId, org.orgId), sql`${auditLog.data}->>'jobId' = ${jobId}`))

  it.each([
    ['revoking (its "revoked" step)', true],
    ['finishing (the grant already gone)', false],
  ])(
    'records nothing for a worker whose lease another worker took over, while %s',
    async (_name, grantStillThere) => {
      provider = fakeProvider()
      const email = `slow-${grantStillThere}@acme.example`
      const planId = await approvedPlan(email, ['app-slow'])
      const warnings: Array<Record<string, unknown> | undefined> = []
      const slow: WorkerDeps = {
        ...worker('slow'),
        log: { ...silentLogger, warn: (_msg, fields) => void warnings.push(fields) },
      }
      const [job] = (await claimJobs(slow, 10)).filter((j) => j.planId === planId)
      if (!job) throw new Error('not claimed')
      // The slow worker's lease runs out before it gets to the provider; another takes the job.
      const later = new Date(server.now.value.getTime() + LEASE_MS + 1000)
      const [taken] = await claimJobs(
        worker('fast', () => later),
        10
      )
      expect(taken).toMatchObject({ id: job.id, leasedBy: 'fast', attempts: job.attempts + 1 })
      if (!grantStillThere) {
        // Revoked already (by the fast worker, say): the slow one lists and finds it gone.
        await provider.connector.revokeGrant({
          provider: 'google',
          userEmail: email,
          userId: email,
          clientId: 'app-slow',
          appName: null,
          scopes: [],
          handle: 'app-slow',
        })
      }
      await runClaimedJob(slow, job)
      const [row] = await server.db.db
        .select()
        .from(revocationJobs)
        .where(eq(revocationJobs.id, job.id))
      expect(row).toMatchObject({ state: 'running', leasedBy: 'fast', attempts: job.attempts + 1 })
      expect(row?.lastStatus).toBeNull()
      expect(await auditOfJob(job.id)).toEqual([])
      expect(warnings).toContainEqual(expect.objectContaining({ jobId: job.id, workerId: 'slow' }))
      // The worker that holds the lease finishes the job, and only its steps are on the record.
      await runClaimedJob(
        worker('fast', () => later),
        taken!
      )
      const audit = await auditOfJob(job.id)
      expect(audit.map((a) => a.action)).toEqual(['revocation.verified'])
      expect(audit.every((a) => a.actorId === 'fast')).toBe(true)
      expect(provider.has(email, 'app-slow')).toBe(false)
    }
  )

  it('alerts when a job is dead or cannot be fixed by retrying, never on a retried failure', async () => {
    const hook = await org.owner.request('POST', '/api/v1/webhooks', {
      url: 'https://hooks.acme.example/revocations',
      format: 'json',
      events: ['revocation.dead', 'revocation.failed'],
    })
    expect(hook.status).toBe(201)
    const alerts = async (planId: string) =>
      (
        await server.db.db
          .select({ event: webhookDeliveries.event, payload: webhookDeliveries.payload })
          .from(webhookDeliveries)
          .where(eq(webhookDeliveries.orgId, org.orgId))
      )
        .map((d) => ({
          event: d.event,
          data: (d.payload as { data: Record<string, unknown> }).data,
        }))
        .filter((d) => d.data.planId === planId)
    const transient = {
      ok: false as const,
      kind: 'transient' as const,
      status: 503,
      message: 'backend error',
      requestId: 'req-503',
    }
    let t = server.now.value.getTime()
    const at = () => new Date(t)

    // A transient failure with attempts left: retried later, nobody alerted.
    provider = fakeProvider()
    const retried = await approvedPlan('gina@acme.example', ['app-g'])
    provider.failNext(transient)
    await runRevocationBatch(worker('w1', at))
    expect(
      (await getPlan(server.db.db, { tenantId: org.orgId, planId: retried }))?.jobs[0]
    ).toMatchObject({ state: 'failed' })
    expect(await alerts(retried)).toEqual([])

    // The last attempt fails too: the job is dead, and that is worth telling.
    await server.db.db
      .update(revocationJobs)
      .set({ attempts: MAX_ATTEMPTS - 1 })
      .where(eq(revocationJobs.planId, retried))
    t += 3_600_000
    provider.failNext(transient)
    await runRevocationBatch(worker('w1', at))
    const [dead] = (await getPlan(server.db.db, { tenantId: org.orgId, planId: retried }))!.jobs
    expect(dead).toMatchObject({ state: 'dead' })
    expect(await alerts(retried)).toEqual([
      {
        event: 'revocation.dead',
        data: {
          jobId: dead!.id,
          planId: retried,
          grantId: dead!.grantId,
          provider: 'google',
          userEmail: 'gina@acme.example',
          clientId: 'app-g',
          appName: dead!.appName,
          status: 'dead',
          error: `backend error (gave up after ${MAX_ATTEMPTS} attempts)`,
        },
      },
    ])

    // A permanent refusal and a grant that needs an admin's decision: retrying cannot fix them.
    provider = fakeProvider()
    const refused = await approvedPlan('hank@acme.example', ['app-h1', 'app-h2'])
    provider.failNext({ ...transient, kind: 'permanent', status: 403, message: 'Not Authorized' })
    provider.failNext({
      ...transient,
      kind: 'needs_admin_decision',
      status: 200,
      message: 'tenant-wide grant',
    })
    await runRevocationBatch({ ...worker('w1', at) }, 1)
    await runRevocationBatch({ ...worker('w1', at) }, 1)
    const states = (await getPlan(server.db.db, { tenantId: org.orgId, planId: refused }))!.jobs
    expect(states.map((j) => j.state).sort()).toEqual(['dead', 'needs_decision'])
    const failed = await alerts(refused)
    expect(failed.map((a) => [a.event, a.data.status, a.data.error]).sort()).toEqual([
      ['revocation.failed', 'dead', 'Not Authorized'],
      ['revocation.failed', 'needs_decision', 'tenant-wide grant'],
    ])
  })
})
