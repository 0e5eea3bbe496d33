// The revocation workers' request budget: slots reserved in the database, paced evenly and shared
// by every worker, so two workers revoking at a rate-limited provider never get a 429.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../deps.ts'
import { apps, grants, people } from '../db/schema/index.ts'
import { createOktaSimulator } from '../../test/simulators/okta.ts'
import {
  createTestServer,
  type OrgFixture,
  type TestServer,
} from '../../test/support/test-server.ts'
import { TEST_DB_KINDS } from '../../test/support/test-db.ts'
import { resolveConnector } from './connections.ts'
import { reserveRateSlots } from './rate-limit.ts'
import { approvePlan, getPlan, planRevocation } from './revocation-plans.ts'
import { drainRevocations, type WorkerDeps } from './revocation-worker.ts'

describe.each(TEST_DB_KINDS)('revocation budget on %s', (kind) => {
  const okta = createOktaSimulator()
  let server: TestServer
  let org: OrgFixture
  let adminId = ''

  beforeAll(async () => {
    server = await createTestServer(kind, {}, { fetch: okta.fetch })
    org = await server.createOrg()
    const admins = (await (await org.owner.request('GET', '/api/v1/admins')).json()) as {
      items: Array<{ id: string }>
    }
    adminId = admins.items[0]?.id ?? ''
    const res = await org.owner.request('PUT', '/api/v1/connections/okta', {
      credentials: { orgUrl: okta.orgUrl, apiToken: okta.apiToken },
      requestsPerSecond: 20,
    })
    expect(res.status).toBe(200)
  })
  afterAll(() => server.close())

  it('hands out evenly spaced slots, skips those already past, and spills into the next window', async () => {
    const db = server.db.db
    const start = new Date(Math.ceil(Date.now() / 1000) * 1000 + 60_000)
    expect(await reserveRateSlots(db, 'test:a', 4, 1000, start, 3)).toEqual([0, 250, 500])
    // Shared with the earlier reservation: the next slots, then the next window's.
    expect(await reserveRateSlots(db, 'test:a', 4, 1000, start, 3)).toEqual([750, 1000, 1250])
    // An unused budget does not turn into a burst: slots before `now` are gone.
    const later = new Date(start.getTime() + 5_600)
    expect(await reserveRateSlots(db, 'test:b', 4, 1000, start, 1)).toEqual([0])
    expect(await reserveRateSlots(db, 'test:b', 4, 1000, later, 2)).toEqual([150, 400])
  })

  it('keeps two workers within the provider limit: every grant revoked once, no 429', async () => {
    okta.rateLimit = { limit: 20, windowMs: 1000 }
    const now = new Date()
    const db = server.db.db
    const leavers = ['lin@acme.example', 'max@acme.example']
    const clientIds = ['0oaA', '0oaB', '0oaC', '0oaD', '0oaE']
    const appRows = await db
      .insert(apps)
      .values(
        clientIds.map((clientId) => ({
          orgId: org.orgId,
          provider: 'okta',
          clientId,
          name: clientId,
          firstSeenAt: now,
          lastSeenAt: now,
        }))
      )
      .returning({ id: apps.id })
    const planIds: string[] = []
    for (const email of leavers) {
      okta.addUser({ login: email })
      const [person] = await db
        .insert(people)
        .values({ orgId: org.orgId, email, status: 'leaving' })
        .returning({ id: people.id })
      for (const [i, clientId] of clientIds.entries()) {
        okta.addGrants(email, clientId, ['okta.users.read'])
        okta.addRefreshTokens(email, clientId, ['okta.users.read'])
        await db.insert(grants).values({
          orgId: org.orgId,
          appId: appRows[i]?.id ?? '',
          personId: person?.id ?? null,
          account: email,
          provider: 'okta',
          scopes: ['okta.users.read'],
          risk: 'high',
          status: 'active',
          source: 'provider_api',
          firstSeenAt: now,
          lastSeenAt: now,
        })
      }
      const actor = { orgId: org.orgId, adminId }
      const plan = await planRevocation(
        db,
        actor,
        { scope: 'leaver', personId: person?.id ?? '' },
        now
      )
      if (!plan.ok) throw new Error(plan.reason)
      expect(await approvePlan(db, actor, plan.planId, now)).toEqual({ ok: true })
      planIds.push(plan.planId)
    }

    const worker = (workerId: string): WorkerDeps => ({
      db,
      clock: () => new Date(),
      log: silentLogger,
      random: Math.random,
      workerId,
      resolveConnector: (orgId, provider, wrapFetch) =>
        resolveConnector(
          {
            db,
            secretBox: server.secretBox,
            fetch: wrapFetch ? wrapFetch(okta.fetch) : okta.fetch,
            clock: () => new Date(),
          },
          orgId,
          provider
        ),
    })
    const before = okta.requests.log.length
    const handled = await Promise.all([
      drainRevocations(worker('w1'), { concurrency: 4 }),
      drainRevocations(worker('w2'), { concurrency: 4 }),
    ])
    expect(handled[0] + handled[1]).toBe(10)
    const log = okta.requests.log.slice(before)
    expect(log.filter((r) => r.status === 429)).toEqual([])
    // 7 calls per grant (find user, grants, clients; delete tokens and grants; verify both).
    expect(log).toHaveLength(70)
    for (const r of log) {
      const inSecond = log.filter(
        (x) => x.at.getTime() >= r.at.getTime() && x.at.getTime() < r.at.getTime() + 1000
      )
      expect(inSecond.length).toBeLessThanOrEqual(20)
    }
    const deletes = log.filter((r) => r.method === 'DELETE' && r.status === 204).map((r) => r.path)
    expect(new Set(deletes).size).toBe(deletes.length) // none deleted twice
    for (const planId of planIds) {
      const view = await getPlan(db, { tenantId: org.orgId, planId })
      expect(view?.counts).toEqual({ verified: 5 })
      expect(view?.plan.state).toBe('done')
    }
    okta.rateLimit = null
  }, 30_000)
})
