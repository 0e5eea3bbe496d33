// A leaver's GitHub grants revoked through the real path: GitHub's org APIs find a member by login,
// never by email, so the plan skips the grants until an admin sets the person's GitHub login,
// then the job carries that login to the connector and the simulator's credentials go.
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { revocationJobs } from '../../server/db/schema/index.ts'
import { silentLogger } from '../../server/deps.ts'
import { resolveConnector } from '../../server/domain/connections.ts'
import { runRevocationBatch, type WorkerDeps } from '../../server/domain/revocation-worker.ts'
import { SIMULATOR_ADAPTERS, type SimulatorAdapter } from '../simulators/contract-adapters.ts'
import { TEST_DB_KINDS } from '../support/test-db.ts'
import {
  consentEvent,
  createTestServer,
  type OrgFixture,
  type TestServer,
} from '../support/test-server.ts'

describe.each(TEST_DB_KINDS)('revoking GitHub grants by login on %s', (kind) => {
  let server: TestServer
  let org: OrgFixture
  let sim: SimulatorAdapter
  let worker: WorkerDeps
  const email = 'mona.lisa@acme.example'
  // The adapter's login for this email (GitHub logins have no dots).
  const login = 'monalisa'
  let clientIds: string[] = []
  let personId = ''

  beforeAll(async () => {
    const fetch: typeof globalThis.fetch = (input, init) => sim.fetch(input, init)
    server = await createTestServer(kind, {}, { fetch })
    sim = SIMULATOR_ADAPTERS.github({ clock: () => server.now.value })
    worker = {
      db: server.db.db,
      clock: () => server.now.value,
      log: silentLogger,
      random: () => 0.5,
      workerId: 'w-github',
      resolveConnector: (orgId, provider) =>
        resolveConnector(
          { db: server.db.db, secretBox: server.secretBox, fetch, clock: () => server.now.value },
          orgId,
          provider
        ),
    }
    org = await server.createOrg('Acme')
    const saved = await org.owner.request('PUT', '/api/v1/connections/github', {
      credentials: sim.credentials,
      baseUrls: sim.baseUrls,
    })
    expect(saved.status).toBe(200)
    const seeded = sim.seedUser(email, 2)
    expect(seeded.user.providerUserId).toBe(login)
    clientIds = seeded.clientIds
    const device = await org.enrollDevice(email)
    const sent = await device.send(
      clientIds.map((clientId) =>
        consentEvent({
          request: {
            provider: 'github',
            host: 'github.com',
            clientId,
            loginHint: email,
            redirectHost: 'app.example-ai.com',
          },
        })
      )
    )
    expect(sent.status).toBe(200)
    const marked = await org.owner.request('POST', '/api/v1/leavers', {
      email,
      departureDate: '2026-11-20',
    })
    expect(marked.status).toBe(201)
    personId = ((await marked.json()) as { personId: string }).personId
  }, 120_000)
  afterAll(() => server?.close())

  const plan = async () => {
    const res = await org.owner.request('POST', '/api/v1/revocations/plans', {
      scope: 'leaver',
      personId,
    })
    expect(res.status).toBe(201)
    return (await res.json()) as {
      planId: string
      jobs: number
      skipped: Array<{ grantId: string; reason: string }>
    }
  }

  it('skips GitHub grants while the person has no GitHub login, saying what to do', async () => {
    const planned = await plan()
    expect(planned.jobs).toBe(0)
    expect(planned.skipped.map((s) => s.reason)).toEqual([
      `No GitHub login known for ${email}: add it on the person's page`,
      `No GitHub login known for ${email}: add it on the person's page`,
    ])
    for (const clientId of clientIds) expect(sim.isPresent(email, clientId)).toBe(true)
  })

  it("revokes them at GitHub by the login set on the person's page, verified", async () => {
    const patched = await org.owner.request('PATCH', `/api/v1/people/${personId}`, {
      githubLogin: login,
    })
    expect(patched.status).toBe(200)
    const planned = await plan()
    expect(planned).toMatchObject({ jobs: 2, skipped: [] })
    const jobs = await server.db.db
      .select()
      .from(revocationJobs)
      .where(eq(revocationJobs.planId, planned.planId))
    expect(jobs.map((j) => j.providerUserId)).toEqual([login, login])
    const approved = await org.owner.request(
      'POST',
      `/api/v1/revocations/plans/${planned.planId}/approve`
    )
    expect(approved.status).toBe(200)
    expect(await runRevocationBatch(worker)).toBe(2)
    const view = (await (
      await org.owner.request('GET', `/api/v1/revocations/plans/${planned.planId}`)
    ).json()) as { counts: Record<string, number>; plan: { state: string } }
    expect(view.counts).toEqual({ verified: 2 })
    expect(view.plan.state).toBe('done')
    for (const clientId of clientIds) {
      expect(sim.isPresent(email, clientId), clientId).toBe(false)
      expect(sim.removals(email, clientId), clientId).toEqual([1])
    }
  })
})
