// A revocation worker for tests, wired as server/jobs.ts wires one (connectors resolved from the
// organisation's sealed credentials, provider calls through `fetch`), and a drain that runs it
// until a plan's jobs can no longer move, moving the test clock past backoffs and leases.
import { eq } from 'drizzle-orm'
import { revocationJobs } from '../../server/db/schema/index.ts'
import { silentLogger } from '../../server/deps.ts'
import { resolveConnector } from '../../server/domain/connections.ts'
import { runRevocationBatch, type WorkerDeps } from '../../server/domain/revocation-worker.ts'
import type { TestServer } from './test-server.ts'

export const TERMINAL_JOB_STATES = new Set(['verified', 'dead', 'needs_decision', 'cancelled'])

export function createTestWorker(
  server: TestServer,
  fetch: typeof globalThis.fetch,
  options: { random?: () => number; workerId?: string } = {}
): WorkerDeps {
  return {
    db: server.db.db,
    clock: () => server.now.value,
    log: silentLogger,
    random: options.random ?? (() => 0.5),
    workerId: options.workerId ?? 'w1',
    resolveConnector: (orgId, provider) =>
      resolveConnector(
        { db: server.db.db, secretBox: server.secretBox, fetch, clock: () => server.now.value },
        orgId,
        provider
      ),
  }
}

/** Run worker batches until no job of the plan can move; returns how many batches it took. */
export async function drainPlan(
  server: TestServer,
  worker: WorkerDeps,
  planId: string,
  maxBatches = 3000
): Promise<number> {
  for (let batches = 0; batches < maxBatches; batches++) {
    const jobs = await server.db.db
      .select()
      .from(revocationJobs)
      .where(eq(revocationJobs.planId, planId))
    const open = jobs.filter((j) => !TERMINAL_JOB_STATES.has(j.state))
    if (open.length === 0) return batches
    if ((await runRevocationBatch(worker)) > 0) continue
    // Nothing was due: jump to the next backoff, Retry-After or lease end.
    const next = Math.min(
      ...open.map(
        (j) => (j.state === 'running' ? j.leaseUntil : j.nextAttemptAt)?.getTime() ?? Infinity
      )
    )
    if (!Number.isFinite(next))
      throw new Error(`jobs that cannot move: ${open.map((j) => j.state).join(', ')}`)
    server.now.value = new Date(Math.max(server.now.value.getTime(), next) + 1)
  }
  throw new Error(`plan ${planId} did not finish`)
}
