// The demo seed builds a living inventory through the real ingestion path, and leavers whose
// grants the demo's provider simulators hold, so a bulk revocation really removes them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getSummary, listApps } from '../../server/db/queries/inventory.ts'
import { verifyAuditChain } from '../../server/domain/audit-chain.ts'
import { seedDemo } from '../../server/seed-demo.ts'
import { createTestDatabase, TEST_DB_KINDS, type TestDatabase } from '../support/test-db.ts'
import { randomBytes } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import {
  adminUsers,
  grants as grantsTable,
  people,
  revocationJobs,
} from '../../server/db/schema/index.ts'
import { silentLogger } from '../../server/deps.ts'
import { login } from '../../server/domain/admin-auth.ts'
import {
  listConnections,
  resolveConnector,
  testConnection,
} from '../../server/domain/connections.ts'
import { listLeavers } from '../../server/domain/offboarding-case.ts'
import { approvePlan, planRevocation } from '../../server/domain/revocation-plans.ts'
import { drainRevocations, type WorkerDeps } from '../../server/domain/revocation-worker.ts'
import { createSecretBox } from '../../server/domain/secret-box.ts'
import { PROVIDER_IDS, type ProviderId } from '../../server/providers/types.ts'
import {
  createDemoSimulators,
  loadLeaverGrants,
  loadSavedCredentials,
  startDemoSimulators,
  type RunningDemoSimulators,
} from '../../server/demo/provider-simulators.ts'
import { DEMO_LEAVERS, DEMO_REQUESTS_PER_SECOND } from '../../server/demo/seed-leavers.ts'

describe('seed:demo', () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await createTestDatabase('pglite')
  })
  afterAll(() => db.dispose())

  it('fills an organisation with people, AI apps, grants over months, sanctions and requests', async () => {
    const result = await seedDemo(db.db, { people: 30, grants: 300 })
    expect(result.demoLogin?.email).toBe('demo@acme.example')
    const summary = await getSummary(db.db, { tenantId: result.orgId })
    expect(summary.aiApps).toBeGreaterThan(10)
    expect(summary.peopleWithAiGrants).toBeGreaterThan(10)
    expect(summary.expiredSanctions).toBe(1)
    expect(summary.grantsOverTime.filter((w) => w.count > 0).length).toBeGreaterThan(8)
    const apps = await listApps(db.db, { tenantId: result.orgId, ai: true })
    expect(apps.every((a) => a.name)).toBe(true)
    expect(await verifyAuditChain(db.db, result.orgId)).toMatchObject({ ok: true })
  })
})

describe.each(TEST_DB_KINDS)('seed:demo with its provider simulators on %s', (kind) => {
  let db: TestDatabase
  let sims: RunningDemoSimulators
  const box = createSecretBox(randomBytes(32))
  let result: Awaited<ReturnType<typeof seedDemo>>
  const now = new Date()

  beforeAll(async () => {
    db = await createTestDatabase(kind)
    sims = await startDemoSimulators({ port: 0 })
    result = await seedDemo(db.db, {
      people: 30,
      grants: 300,
      now,
      offboarding: { simulators: sims, secretBox: box },
    })
  }, 120_000)
  afterAll(async () => {
    await sims?.close()
    await db?.dispose()
  })

  const leaverOf = (email: string) => DEMO_LEAVERS.find((l) => l.email === email)!

  it('serves every simulator on 127.0.0.1 only', () => {
    for (const provider of PROVIDER_IDS)
      for (const url of Object.values(sims.baseUrls[provider]))
        expect(new URL(url).hostname, `${provider} ${url}`).toBe('127.0.0.1')
    expect(new Set(sims.ports).size).toBe(7)
  })

  it('connects all five providers to the simulators and every connection test passes', async () => {
    const rows = await listConnections(db.db, result.orgId)
    expect(rows.map((r) => r.provider).sort()).toEqual([...PROVIDER_IDS].sort())
    for (const row of rows) {
      expect(row.baseUrls).toEqual(sims.baseUrls[row.provider as ProviderId])
      expect(row.requestsPerSecond).toBe(DEMO_REQUESTS_PER_SECOND)
      // Discovery ran once in the seed: it is not due when the demo starts.
      expect(row.lastDiscoveryAt).not.toBeNull()
    }
    const ctx = { db: db.db, secretBox: box, fetch: globalThis.fetch, clock: () => new Date() }
    for (const provider of PROVIDER_IDS) {
      const owner = { orgId: result.orgId, adminId: (await ownerId(db, result.orgId))! }
      expect(await testConnection(ctx, owner, provider), provider).toMatchObject({ ok: true })
    }
  })

  it('seeds leavers due today, overdue, upcoming and done, from SCIM, CSV and by hand', async () => {
    const when = async (w: 'due' | 'overdue' | 'upcoming' | 'done') =>
      (await listLeavers(db.db, { tenantId: result.orgId, when: w, now })).map((l) => l.email)
    expect((await when('due')).sort()).toEqual([
      'alex.rivera@acme.example',
      'mona.octo@acme.example',
    ])
    expect((await when('overdue')).sort()).toEqual([
      'priya.natarajan@acme.example',
      'tomas.ortega@acme.example',
    ])
    expect(await when('upcoming')).toEqual([
      'jun.park@acme.example',
      'fatima.zahra@acme.example',
      'lena.fischer@acme.example',
    ])
    expect(await when('done')).toEqual(['sam.okafor@acme.example'])
    const all = await listLeavers(db.db, { tenantId: result.orgId, when: 'all', now })
    expect(new Set(all.map((l) => l.source))).toEqual(new Set(['scim', 'csv', 'manual']))
    const done = all.find((l) => l.email === 'sam.okafor@acme.example')
    expect(done).toMatchObject({ state: 'done', liveGrants: 0 })
    expect(result.approverLogin?.email).toBe('approver@acme.example')
    const signedIn = await login(
      db.db,
      result.approverLogin!.email,
      result.approverLogin!.password,
      new Date(),
      null
    )
    expect(signedIn.ok).toBe(true)
    expect(await verifyAuditChain(db.db, result.orgId)).toMatchObject({ ok: true })
  })

  it("revokes a leaver's grants at all five providers once the second admin approves, each verified", async () => {
    const email = 'mona.octo@acme.example'
    const [mona] = await db.db.select().from(people).where(eq(people.email, email))
    const grants = (await loadLeaverGrants(db.db, result.orgId)).filter((g) => g.email === email)
    expect(new Set(grants.map((g) => g.provider))).toEqual(new Set(PROVIDER_IDS))
    const expected = Object.values(leaverOf(email).grants).flat().length
    expect(grants).toHaveLength(expected)
    for (const g of grants) expect(sims.hasGrant(g), `${g.provider} ${g.clientId}`).toBe(true)

    const owner = { orgId: result.orgId, adminId: (await ownerId(db, result.orgId))! }
    const plan = await planRevocation(db.db, owner, { scope: 'leaver', personId: mona!.id }, now)
    expect(plan).toMatchObject({ ok: true, jobs: expected, skipped: [] })
    if (!plan.ok) return
    expect(await approvePlan(db.db, owner, plan.planId, new Date())).toEqual({
      ok: false,
      reason: 'second_approver_required',
    })
    const approver = (
      await db.db
        .select({ id: adminUsers.id })
        .from(adminUsers)
        .where(eq(adminUsers.email, 'approver@acme.example'))
    )[0]!
    expect(
      await approvePlan(
        db.db,
        { orgId: result.orgId, adminId: approver.id },
        plan.planId,
        new Date()
      )
    ).toEqual({ ok: true })

    // A worker as server/jobs.ts wires it, over HTTP to the simulators' ports.
    const worker: WorkerDeps = {
      db: db.db,
      clock: () => new Date(),
      log: silentLogger,
      random: Math.random,
      workerId: 'demo-test',
      resolveConnector: (orgId, provider, wrapFetch) =>
        resolveConnector(
          {
            db: db.db,
            secretBox: box,
            fetch: wrapFetch ? wrapFetch(globalThis.fetch) : globalThis.fetch,
            clock: () => new Date(),
          },
          orgId,
          provider
        ),
    }
    let jobs: Array<{ provider: string; state: string; lastError: string | null }> = []
    for (let round = 0; round < 100; round++) {
      await drainRevocations(worker)
      jobs = await db.db
        .select({
          provider: revocationJobs.provider,
          state: revocationJobs.state,
          lastError: revocationJobs.lastError,
        })
        .from(revocationJobs)
        .where(eq(revocationJobs.planId, plan.planId))
      if (jobs.every((j) => ['verified', 'dead', 'needs_decision'].includes(j.state))) break
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(jobs.map((j) => `${j.provider} ${j.state} ${j.lastError ?? ''}`.trim()).sort()).toEqual(
      grants.map((g) => `${g.provider} verified`).sort()
    )
    for (const g of grants) expect(sims.hasGrant(g), `${g.provider} ${g.clientId}`).toBe(false)
    expect(await loadLeaverGrants(db.db, result.orgId)).not.toContainEqual(
      expect.objectContaining({ email })
    )
  }, 60_000)

  it('restarted simulators accept the saved credentials and hold exactly the live grants', async () => {
    const restarted = createDemoSimulators({
      baseUrls: sims.baseUrls,
      credentials: await loadSavedCredentials(db.db, result.orgId, box),
    })
    const live = await loadLeaverGrants(db.db, result.orgId)
    for (const g of live) restarted.addGrant(g)
    const ctx = { db: db.db, secretBox: box, fetch: restarted.fetch, clock: () => new Date() }
    for (const provider of PROVIDER_IDS) {
      const resolved = await resolveConnector(ctx, result.orgId, provider)
      expect(await resolved!.connector.testConnection(), provider).toMatchObject({ ok: true })
    }
    // Alex is still to be revoked; Sam (done in the seed) has nothing left anywhere.
    const alex = live.filter((g) => g.email === 'alex.rivera@acme.example')
    expect(alex).toHaveLength(
      Object.values(leaverOf('alex.rivera@acme.example').grants).flat().length
    )
    for (const g of alex) expect(restarted.hasGrant(g)).toBe(true)
    expect(live.filter((g) => g.email === 'sam.okafor@acme.example')).toEqual([])
    const [sam] = await db.db
      .select({ id: people.id })
      .from(people)
      .where(eq(people.email, 'sam.okafor@acme.example'))
    const samGrants = await db.db
      .select({ status: grantsTable.status })
      .from(grantsTable)
      .where(eq(grantsTable.personId, sam!.id))
    expect(samGrants.map((g) => g.status)).toEqual(
      Object.values(leaverOf('sam.okafor@acme.example').grants)
        .flat()
        .map(() => 'revoked')
    )
  })
})

async function ownerId(db: TestDatabase, orgId: string) {
  const [row] = await db.db
    .select({ id: adminUsers.id })
    .from(adminUsers)
    .where(and(eq(adminUsers.orgId, orgId), eq(adminUsers.role, 'owner')))
  return row?.id
}
