// A revocation worker that dies mid-run loses nothing: its leased jobs go to another worker once
// the lease ends, no grant is revoked twice, and a worker that lost its lease cannot overwrite
// the job's outcome. The two-process test needs PostgreSQL (DATABASE_URL); the lease test runs on
// every database.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { serve, type ServerType } from '@hono/node-server'
import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditLog, providerConnections, revocationJobs } from '../../server/db/schema/index.ts'
import { silentLogger } from '../../server/deps.ts'
import { resolveConnector, saveConnection } from '../../server/domain/connections.ts'
import {
  claimJobs,
  runRevocationBatch,
  type WorkerDeps,
} from '../../server/domain/revocation-worker.ts'
import { createSecretBox } from '../../server/domain/secret-box.ts'
import type { ProviderConnector, RemoteGrant } from '../../server/providers/types.ts'
import { SIMULATOR_ADAPTERS } from '../simulators/contract-adapters.ts'
import { TEST_DB_KINDS } from '../support/test-db.ts'
import { consentEvent, createTestServer, type OrgFixture } from '../support/test-server.ts'

const WORKER_SCRIPT = fileURLToPath(new URL('./revocation-worker-process.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** How a child process ended, whether or not it already has. */
async function exited(child: ChildProcess) {
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit')
  return { code: child.exitCode, signal: child.signalCode }
}

async function adminIdOf(org: OrgFixture): Promise<string> {
  const res = await org.owner.request('GET', '/api/v1/admins')
  const { items } = (await res.json()) as { items: Array<{ id: string; email: string }> }
  return items.find((a) => a.email === org.owner.email)?.id ?? ''
}

/** A leaver whose browser reported Okta grants to `clientIds`; returns the approved plan. */
async function leaverPlan(org: OrgFixture, email: string, clientIds: string[]) {
  const device = await org.enrollDevice(email)
  const sent = await device.send(
    clientIds.map((clientId) =>
      consentEvent({
        request: { provider: 'okta', host: 'acme.okta.com', clientId, loginHint: email },
      })
    )
  )
  expect(sent.status).toBe(200)
  const marked = await org.owner.request('POST', '/api/v1/leavers', {
    email,
    departureDate: '2026-11-20',
  })
  const { personId } = (await marked.json()) as { personId: string }
  const planned = await org.owner.request('POST', '/api/v1/revocations/plans', {
    scope: 'leaver',
    personId,
  })
  const plan = (await planned.json()) as { planId: string; jobs: number }
  expect(plan.jobs).toBe(clientIds.length)
  const approved = await org.owner.request(
    'POST',
    `/api/v1/revocations/plans/${plan.planId}/approve`
  )
  expect(approved.status).toBe(200)
  return plan.planId
}

describe.each(TEST_DB_KINDS)('a worker that lost its lease, on %s', (kind) => {
  it('cannot overwrite the job another worker took over and finished', async () => {
    const server = await createTestServer(kind)
    try {
      const org = await server.createOrg()
      const t0 = server.now.value.getTime()
      await server.db.db.insert(providerConnections).values({
        orgId: org.orgId,
        provider: 'okta',
        credentialsCiphertext: server.secretBox.seal('{}'),
        baseUrls: {},
        requestsPerSecond: 1000,
        createdAt: server.now.value,
        updatedAt: server.now.value,
      })
      const planId = await leaverPlan(org, 'slow@acme.example', ['0oaslow0001x7'])

      // One grant at a provider; the first worker's listing hangs until released.
      let present = true
      const calls = { revoke: 0 }
      let release = () => {}
      const released = new Promise<void>((resolve) => (release = resolve))
      let listing = () => {}
      const listed = new Promise<void>((resolve) => (listing = resolve))
      const grant: RemoteGrant = {
        provider: 'okta',
        userEmail: 'slow@acme.example',
        userId: '00uslow',
        clientId: '0oaslow0001x7',
        appName: null,
        scopes: [],
        handle: '0oaslow0001x7',
      }
      const connector = (slow: boolean): ProviderConnector => ({
        id: 'okta',
        testConnection: async () => ({ ok: true, value: 'ok', status: 200, requestId: null }),
        async listGrants() {
          // The slow worker saw the grant before it hung.
          const snapshot = present ? [grant] : []
          if (slow) {
            listing()
            await released
          }
          return { ok: true, value: snapshot, status: 200, requestId: null }
        },
        async revokeGrant() {
          calls.revoke++
          const was = present
          present = false
          return { ok: true, value: was ? 'revoked' : 'already_gone', status: 204, requestId: null }
        },
        verifyRevoked: async () => ({ ok: true, value: !present, status: 200, requestId: null }),
      })
      const worker = (id: string, at: number, slow: boolean): WorkerDeps => ({
        db: server.db.db,
        clock: () => new Date(at),
        log: silentLogger,
        random: () => 0.5,
        workerId: id,
        leaseMs: 5_000,
        resolveConnector: async () => ({ connector: connector(slow), requestsPerSecond: 1000 }),
      })

      const first = runRevocationBatch(worker('first', t0, true))
      await listed
      // While the lease holds nobody else may take the job; once it has run out, another can.
      expect(await claimJobs(worker('second', t0 + 4_999, false), 10)).toEqual([])
      expect(await runRevocationBatch(worker('second', t0 + 5_001, false))).toBe(1)
      release()
      expect(await first).toBe(1)

      const [job] = await server.db.db
        .select()
        .from(revocationJobs)
        .where(eq(revocationJobs.planId, planId))
      expect(job).toMatchObject({ state: 'verified', attempts: 2, leasedBy: null, lastError: null })
      // The late worker called the provider again (an idempotent no-op) but wrote no outcome.
      expect(calls.revoke).toBe(2)
      const verified = await server.db.db
        .select({ actorId: auditLog.actorId })
        .from(auditLog)
        .where(
          and(
            eq(auditLog.orgId, org.orgId),
            eq(auditLog.action, 'revocation.verified'),
            sql`${auditLog.data}->>'jobId' = ${job!.id}`
          )
        )
      expect(verified).toEqual([{ actorId: 'second' }])
    } finally {
      await server.close()
    }
  }, 120_000)
})

describe.each(TEST_DB_KINDS.filter((k) => k === 'postgres'))(
  'two worker processes on %s',
  (kind) => {
    const LEASE_MS = 5_000
    const DELAY_MS = 100
    const GRANTS = 30
    const email = 'crash@acme.example'
    const children: ChildProcess[] = []
    let http: ServerType | null = null
    let server: Awaited<ReturnType<typeof createTestServer>>

    beforeAll(async () => {
      // The real clock: the worker processes use it too.
      server = await createTestServer(kind, {}, { realClock: true })
    }, 120_000)

    afterAll(async () => {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
      http?.close()
      await server?.close()
    })

    function startWorker(id: string, databaseUrl: string, key: Buffer) {
      const child = spawn(process.execPath, ['--import', 'tsx', WORKER_SCRIPT], {
        cwd: ROOT,
        env: {
          ...process.env,
          WORKER_DATABASE_URL: databaseUrl,
          WORKER_SECRET_KEY: key.toString('base64'),
          WORKER_ID: id,
          WORKER_LEASE_MS: String(LEASE_MS),
          WORKER_BATCH: '6',
          WORKER_DEADLINE_MS: '90000',
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      })
      let output = ''
      child.stdout?.on('data', (chunk) => (output += chunk))
      child.stderr?.on('data', (chunk) => (output += chunk))
      children.push(child)
      const ready = new Promise<void>((resolve, reject) => {
        child.stdout?.on('data', () => output.includes('"ready":true') && resolve())
        child.on('exit', () => reject(new Error(`worker ${id} exited:\n${output}`)))
      })
      return { child, ready, output: () => output, go: () => child.stdin?.write('go\n') }
    }

    it('finishes every job exactly once when one worker is killed mid-run', async () => {
      // An Okta simulator on a real port, a little slow, so the kill lands mid-revocation.
      const sim = SIMULATOR_ADAPTERS.okta()
      const { clientIds } = sim.seedUser(email, GRANTS)
      const port = await new Promise<number>((resolve) => {
        http = serve(
          {
            fetch: async (request) => {
              await sleep(DELAY_MS)
              return sim.app.fetch(request)
            },
            port: 0,
            hostname: '127.0.0.1',
          },
          (info) => resolve(info.port)
        )
      })

      // Credentials sealed with a key the worker processes are given.
      const key = randomBytes(32)
      const box = createSecretBox(key)
      const org = await server.createOrg()
      const saved = await saveConnection(
        server.db.db,
        { orgId: org.orgId, adminId: await adminIdOf(org) },
        {
          provider: 'okta',
          credentials: sim.credentials,
          baseUrls: { org: `http://127.0.0.1:${port}` },
          requestsPerSecond: 1000,
        },
        box,
        new Date()
      )
      expect(saved).toEqual({ ok: true })
      const resolved = await resolveConnector(
        { db: server.db.db, secretBox: box, fetch: globalThis.fetch, clock: () => new Date() },
        org.orgId,
        'okta'
      )
      expect(await resolved?.connector.testConnection()).toMatchObject({ ok: true })
      const planId = await leaverPlan(org, email, clientIds)

      const [{ name } = { name: '' }] = (await server.db.db.execute(
        sql`select current_database() as name`
      )) as unknown as Array<{ name: string }>
      const databaseUrl = new URL(process.env.DATABASE_URL ?? '')
      databaseUrl.pathname = `/${name}`

      const jobsNow = () =>
        server.db.db.select().from(revocationJobs).where(eq(revocationJobs.planId, planId))

      const w1 = startWorker('w1', databaseUrl.href, key)
      const w2 = startWorker('w2', databaseUrl.href, key)
      await Promise.all([w1.ready, w2.ready])
      w1.go()
      w2.go()
      // Once both share the queue, kill w1 while it holds a job whose grant is already gone at
      // Okta but not yet verified.
      const leasers = new Set<string>()
      for (let i = 0; ; i++) {
        if (i > 4000) throw new Error(`no kill point:\nw1: ${w1.output()}\nw2: ${w2.output()}`)
        const jobs = await jobsNow()
        for (const j of jobs) if (j.leasedBy) leasers.add(j.leasedBy)
        const held = jobs.filter((j) => j.state === 'running' && j.leasedBy === 'w1')
        if (leasers.has('w2') && held.some((j) => !sim.isPresent(email, j.clientId))) break
        await sleep(10)
      }
      w1.child.kill('SIGKILL')
      expect(await exited(w1.child)).toEqual({ code: null, signal: 'SIGKILL' })
      // What w1 left behind, frozen now; nobody may touch it before the lease ends.
      const stranded = (await jobsNow()).filter((j) => j.state === 'running' && j.leasedBy === 'w1')
      expect(stranded.filter((j) => !sim.isPresent(email, j.clientId)).length).toBeGreaterThan(0)

      const w2Exit = await exited(w2.child)
      expect(w2Exit, w2.output()).toEqual({ code: 0, signal: null })

      const jobs = await jobsNow()
      expect(jobs.map((j) => j.clientId).sort()).toEqual([...clientIds].sort())
      expect(jobs.filter((j) => j.state !== 'verified')).toEqual([])
      // Every grant gone, its consent grants and refresh tokens each removed exactly once.
      for (const clientId of clientIds) {
        expect(sim.isPresent(email, clientId)).toBe(false)
        expect(sim.removals(email, clientId), clientId).toEqual([1, 1])
      }
      // One verification per job; the jobs w1 held were finished by w2 after the lease ended.
      const verified = await server.db.db
        .select({ actorId: auditLog.actorId, jobId: sql<string>`${auditLog.data}->>'jobId'` })
        .from(auditLog)
        .where(and(eq(auditLog.orgId, org.orgId), eq(auditLog.action, 'revocation.verified')))
      expect(verified.map((v) => v.jobId).sort()).toEqual(jobs.map((j) => j.id).sort())
      for (const job of stranded) {
        expect(verified.find((v) => v.jobId === job.id)?.actorId).toBe('w2')
        const final = jobs.find((j) => j.id === job.id)
        expect(final?.attempts).toBe(2)
        expect(final!.updatedAt.getTime()).toBeGreaterThanOrEqual(job.leaseUntil!.getTime())
      }
    }, 180_000)
  }
)
