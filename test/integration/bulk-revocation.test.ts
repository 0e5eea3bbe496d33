// Bulk revocation the way an admin does it: providers connected through the API, a leaver's
// grants reported by their browser, a plan approved by a second admin, workers revoking at the
// provider simulators — first cleanly, then under 5xx and 429 storms, then with a grant that
// comes back after its delete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runRevocationBatch, type WorkerDeps } from '../../server/domain/revocation-worker.ts'
import { createTestWorker, drainPlan } from '../support/revocation-harness.ts'
import { PROVIDER_IDS, type ProviderId } from '../../server/providers/types.ts'
import {
  routeToSimulators,
  SIMULATOR_ADAPTERS,
  type SimulatorAdapter,
} from '../simulators/contract-adapters.ts'
import { TEST_DB_KINDS } from '../support/test-db.ts'
import {
  consentEvent,
  createTestServer,
  type AdminClient,
  type OrgFixture,
  type TestServer,
} from '../support/test-server.ts'

// All five providers. GitHub's REST API finds org members by login only: each leaver's GitHub
// login is set on their person (PATCH /people/:id), and the plan hands it to the GitHub jobs.
const REVOCABLE = PROVIDER_IDS
const N = REVOCABLE.length

/** Where each provider's consent screen lives, as the extension reports it. */
const CONSENT_HOSTS: Record<ProviderId, string> = {
  google: 'accounts.google.com',
  microsoft: 'login.microsoftonline.com',
  github: 'github.com',
  slack: 'slack.com',
  okta: 'acme.okta.com',
}

/** A small seeded PRNG (mulberry32), so a fault run fails the same way every time. */
function seeded(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface PlanView {
  plan: { state: string }
  counts: Record<string, number>
  jobs: Array<{
    id: string
    provider: string
    clientId: string
    state: string
    attempts: number
    lastError: string | null
  }>
}

describe.each(TEST_DB_KINDS)('bulk revocation through the API on %s', (kind) => {
  let server: TestServer
  let org: OrgFixture
  let approver: AdminClient
  const sims = {} as Record<ProviderId, SimulatorAdapter>
  // Handed to the server before the simulators exist: routes once they do.
  let routes: typeof fetch | null = null
  const router: typeof fetch = (input, init) =>
    (routes ??= routeToSimulators(Object.values(sims)))(input, init)

  // One worker for the whole run, as a server process has (it keeps connectors between jobs).
  let worker: WorkerDeps

  const drain = (planId: string) => drainPlan(server, worker, planId)

  /** A leaver whose browser reported `apps` grants per provider, which the providers hold. */
  async function seedLeaver(email: string, apps: number, providers = REVOCABLE) {
    // A minute on: the last run's request budgets (per second, by the clock) are all spent.
    server.now.value = new Date(server.now.value.getTime() + 60_000)
    const device = await org.enrollDevice(email)
    const seededGrants: Array<{ provider: ProviderId; clientId: string }> = []
    let githubLogin: string | null = null
    for (const provider of providers) {
      // GitHub's org view tells a member's grants apart by credential kind: two at most.
      const { clientIds, user } = sims[provider].seedUser(
        email,
        provider === 'github' ? Math.min(apps, 2) : apps
      )
      if (provider === 'github') githubLogin = user.providerUserId ?? null
      for (const clientId of clientIds) seededGrants.push({ provider, clientId })
    }
    const sent = await device.send(
      seededGrants.map(({ provider, clientId }) =>
        consentEvent({
          request: {
            provider,
            host: CONSENT_HOSTS[provider],
            clientId,
            loginHint: email,
            redirectHost: 'app.example-ai.com',
          },
        })
      )
    )
    expect(sent.status).toBe(200)
    expect(((await sent.json()) as { accepted: string[] }).accepted).toHaveLength(
      seededGrants.length
    )
    const marked = await org.owner.request('POST', '/api/v1/leavers', {
      email,
      departureDate: '2026-11-20',
    })
    expect(marked.status).toBe(201)
    const { personId } = (await marked.json()) as { personId: string }
    if (githubLogin) {
      const named = await org.owner.request('PATCH', `/api/v1/people/${personId}`, { githubLogin })
      expect(named.status).toBe(200)
    }
    return { personId, grants: seededGrants }
  }

  /** Plan the leaver's revocation (as the owner) and have the second admin approve it. */
  async function planAndApprove(personId: string, jobs: number): Promise<string> {
    const planned = await org.owner.request('POST', '/api/v1/revocations/plans', {
      scope: 'leaver',
      personId,
    })
    expect(planned.status).toBe(201)
    const plan = (await planned.json()) as { planId: string; jobs: number; skipped: unknown[] }
    expect(plan).toMatchObject({ jobs, skipped: [] })
    const approved = await approver.request(
      'POST',
      `/api/v1/revocations/plans/${plan.planId}/approve`
    )
    expect(approved.status).toBe(200)
    return plan.planId
  }

  async function planView(planId: string): Promise<PlanView> {
    const res = await org.owner.request('GET', `/api/v1/revocations/plans/${planId}`)
    expect(res.status).toBe(200)
    return (await res.json()) as PlanView
  }

  beforeAll(async () => {
    server = await createTestServer(kind, {}, { fetch: router })
    // Seeded, like the simulators' faults.
    worker = createTestWorker(server, router, { random: seeded(99) })
    for (const provider of PROVIDER_IDS)
      sims[provider] = SIMULATOR_ADAPTERS[provider]({
        clock: () => server.now.value,
        random: seeded(PROVIDER_IDS.indexOf(provider) + 1),
      })
    org = await server.createOrg('Acme')
    for (const provider of PROVIDER_IDS) {
      const saved = await org.owner.request('PUT', `/api/v1/connections/${provider}`, {
        credentials: sims[provider].credentials,
        baseUrls: sims[provider].baseUrls,
      })
      if (saved.status !== 200) throw new Error(`${provider}: ${await saved.text()}`)
    }
    const settings = await org.owner.request('PUT', '/api/v1/revocations/settings', {
      requireSecondApprover: true,
    })
    expect(settings.status).toBe(200)
    approver = await org.addAdmin('admin')
  }, 120_000)
  afterAll(() => server?.close())

  it.each(PROVIDER_IDS)('tests the %s connection against its simulator', async (provider) => {
    const res = await org.owner.request('POST', `/api/v1/connections/${provider}/test`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ ok: true })
  })

  it('revokes every grant of a leaver once a second admin approves, verified and audited', async () => {
    const email = 'leaver@acme.example'
    const { personId, grants } = await seedLeaver(email, 2)
    expect(grants).toHaveLength(2 * N)

    const planned = await org.owner.request('POST', '/api/v1/revocations/plans', {
      scope: 'leaver',
      personId,
    })
    expect(planned.status).toBe(201)
    const { planId, jobs } = (await planned.json()) as { planId: string; jobs: number }
    expect(jobs).toBe(2 * N)
    // The planner may not approve their own plan.
    const refused = await org.owner.request('POST', `/api/v1/revocations/plans/${planId}/approve`)
    expect(refused.status).toBe(409)
    expect(await refused.json()).toMatchObject({ error: { code: 'second_approver_required' } })
    expect((await planView(planId)).plan.state).toBe('planned')
    const approved = await approver.request('POST', `/api/v1/revocations/plans/${planId}/approve`)
    expect(approved.status).toBe(200)

    await drain(planId)

    const view = await planView(planId)
    expect(view.plan.state).toBe('done')
    expect(view.counts).toEqual({ verified: 2 * N })
    for (const { provider, clientId } of grants) {
      expect(sims[provider].isPresent(email, clientId), `${provider} ${clientId}`).toBe(false)
      for (const n of sims[provider].removals(email, clientId)) expect(n).toBe(1)
    }
    const revoked = (await (
      await org.owner.request('GET', '/api/v1/grants?status=revoked')
    ).json()) as { items: Array<{ account: string }> }
    expect(revoked.items.filter((g) => g.account === email)).toHaveLength(2 * N)

    const audit = (await (
      await org.owner.request('GET', '/api/v1/audit?action=revocation.verified&limit=10000')
    ).json()) as {
      items: Array<{ data: { planId: string; provider: string; providerRequestId: string | null } }>
    }
    const verified = audit.items.filter((e) => e.data.planId === planId)
    expect(verified).toHaveLength(2 * N)
    // Every one of these simulators sends a request id, as the real providers do.
    for (const entry of verified)
      expect(entry.data.providerRequestId, entry.data.provider).toEqual(expect.any(String))
  }, 60_000)

  it('ends every job verified under 20% 5xx and a 429 burst, each grant revoked once, none lost', async () => {
    const email = 'storm@acme.example'
    const { personId, grants } = await seedLeaver(email, 10)
    expect(grants).toHaveLength(10 * (N - 1) + 2)
    const planId = await planAndApprove(personId, grants.length)
    for (const provider of REVOCABLE) {
      sims[provider].injectRateLimit(5)
      sims[provider].setFailureRate(0.2)
    }
    // A job gets MAX_ATTEMPTS (6) attempts, and an attempt needs every one of its provider calls
    // to succeed (reads are retried inside the sender, writes are not). At 20% 5xx a job may still
    // run out of attempts and end 'dead', and an admin retries it ("Retry failed"). What must hold
    // however many retries it takes: every grant ends revoked and verified, revoked once, and no
    // job is lost.
    const deadPerRound: number[] = []
    try {
      for (let round = 0; round < 30; round++) {
        await drain(planId)
        const dead = (await planView(planId)).counts.dead ?? 0
        if (dead === 0) break
        deadPerRound.push(dead)
        const retried = await org.owner.request('POST', `/api/v1/revocations/plans/${planId}/retry`)
        expect(await retried.json()).toEqual({ retried: dead })
      }
    } finally {
      for (const provider of REVOCABLE) sims[provider].setFailureRate(0)
    }
    const view = await planView(planId)
    const states = view.jobs.map((j) => `${j.provider} ${j.state} ${j.attempts} ${j.lastError}`)
    expect(view.counts, `dead per round ${deadPerRound}\n${states.join('\n')}`).toEqual({
      verified: grants.length,
    })
    expect(view.plan.state).toBe('done')
    // No job lost: one per seeded grant, each verified once.
    expect(view.jobs.map((j) => `${j.provider}|${j.clientId}`).sort()).toEqual(
      grants.map((g) => `${g.provider}|${g.clientId}`).sort()
    )
    const audit = (await (
      await org.owner.request('GET', '/api/v1/audit?action=revocation.verified&limit=10000')
    ).json()) as { items: Array<{ data: { planId: string; jobId: string } }> }
    const verifiedJobs = audit.items
      .filter((e) => e.data.planId === planId)
      .map((e) => e.data.jobId)
    expect(verifiedJobs.sort()).toEqual(view.jobs.map((j) => j.id).sort())
    // Each grant was removed at its provider exactly once: retries never deleted twice.
    for (const { provider, clientId } of grants) {
      expect(sims[provider].isPresent(email, clientId), `${provider} ${clientId}`).toBe(false)
      const removals = sims[provider].removals(email, clientId)
      expect(removals, `${provider} ${clientId}`).toEqual(removals.map(() => 1))
    }
  }, 300_000)

  it('does not verify a grant that comes back after its delete, and verifies it after a retry', async () => {
    const email = 'returning@acme.example'
    const { personId, grants } = await seedLeaver(email, 1)
    const planId = await planAndApprove(personId, N)
    for (const provider of REVOCABLE) sims[provider].makeReappear(true)
    try {
      expect(await runRevocationBatch(worker)).toBe(N)
      let view = await planView(planId)
      for (const job of view.jobs)
        expect(job, JSON.stringify(job)).toMatchObject({
          state: 'failed',
          lastError: 'the grant is still there after revocation',
        })
      // Left alone, every attempt deletes and finds it back, until the worker gives up.
      await drain(planId)
      view = await planView(planId)
      expect(view.counts).toEqual({ dead: N })
      for (const job of view.jobs)
        expect(job.lastError).toMatch(/^the grant is still there after revocation \(gave up/)
    } finally {
      for (const provider of REVOCABLE) sims[provider].makeReappear(false)
    }
    for (const { provider, clientId } of grants)
      expect(sims[provider].isPresent(email, clientId)).toBe(true)

    const retried = await org.owner.request('POST', `/api/v1/revocations/plans/${planId}/retry`)
    expect(await retried.json()).toEqual({ retried: N })
    expect((await planView(planId)).plan.state).toBe('running')
    await drain(planId)
    const view = await planView(planId)
    expect(view.counts).toEqual({ verified: N })
    expect(view.plan.state).toBe('done')
    for (const { provider, clientId } of grants)
      expect(sims[provider].isPresent(email, clientId)).toBe(false)
  }, 60_000)
})
