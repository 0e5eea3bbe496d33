// The revocation worker: claims due jobs with a lease (any number of processes share the queue;
// a worker that dies loses its lease and another takes the job), calls the provider within the
// organisation's request rate, revokes, then verifies by listing again. Every step is audited.
import { and, eq, inArray, notInArray, sql } from 'drizzle-orm'
import { grants, revocationJobs, revocationPlans } from '../db/schema/index.ts'
import type { Db } from '../db/client.ts'
import type { Logger } from '../deps.ts'
import type { ProviderConnector, ProviderFailure } from '../providers/types.ts'
import { appendAudit } from './audit-chain.ts'
import { hitRateLimit } from './rate-limit.ts'

export const MAX_ATTEMPTS = 6
export const LEASE_MS = 60_000
const TERMINAL = ['verified', 'dead', 'needs_decision', 'cancelled'] as const

export interface ResolvedConnector {
  connector: ProviderConnector
  requestsPerSecond: number
}

export interface WorkerDeps {
  db: Db
  clock: () => Date
  log: Logger
  random: () => number
  workerId: string
  resolveConnector(orgId: string, provider: string): Promise<ResolvedConnector | null>
}

type Job = typeof revocationJobs.$inferSelect

export function jobBackoffMs(attempts: number, random: () => number): number {
  const ceiling = Math.min(15 * 60_000, 2_000 * 2 ** Math.max(0, attempts - 1))
  return Math.floor(ceiling / 2 + random() * (ceiling / 2))
}

/** Claim up to `limit` due jobs: approved or failed and due, or running with an expired lease. */
export async function claimJobs(deps: WorkerDeps, limit: number): Promise<Job[]> {
  const now = deps.clock()
  return deps.db
    .update(revocationJobs)
    .set({
      state: 'running',
      leaseUntil: new Date(now.getTime() + LEASE_MS),
      leasedBy: deps.workerId,
      attempts: sql`${revocationJobs.attempts} + 1`,
      updatedAt: now,
    })
    .where(
      sql`${revocationJobs.id} in (
        select id from revocation_jobs
        where (state in ('approved', 'failed') and next_attempt_at <= ${now.toISOString()}::timestamptz)
           or (state = 'running' and lease_until < ${now.toISOString()}::timestamptz)
        order by next_attempt_at
        limit ${limit}
        for update skip locked)`
    )
    .returning()
}

interface Outcome {
  state: Job['state']
  grantStatus?: 'revoked' | 'revoke_failed' | 'active'
  nextAttemptAt?: Date
  status: number | null
  requestId: string | null
  error: string | null
  /** Rate limited before anything was done: the attempt does not count. */
  refund?: boolean
}

/** Write the job's new state (only while we still hold its lease) and audit the transition. */
async function finish(deps: WorkerDeps, job: Job, outcome: Outcome): Promise<boolean> {
  const now = deps.clock()
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .update(revocationJobs)
      .set({
        state: outcome.state,
        nextAttemptAt: outcome.nextAttemptAt ?? now,
        leaseUntil: null,
        leasedBy: null,
        lastStatus: outcome.status,
        lastRequestId: outcome.requestId,
        lastError: outcome.error,
        updatedAt: now,
        ...(outcome.refund ? { attempts: sql`greatest(${revocationJobs.attempts} - 1, 0)` } : {}),
      })
      .where(
        and(
          eq(revocationJobs.id, job.id),
          eq(revocationJobs.leasedBy, deps.workerId),
          eq(revocationJobs.state, 'running')
        )
      )
      .returning({ id: revocationJobs.id })
    if (!row) return false // the lease expired and another worker owns the job now
    if (outcome.grantStatus)
      await tx
        .update(grants)
        .set({ status: outcome.grantStatus, updatedAt: now })
        .where(eq(grants.id, job.grantId))
    if (!outcome.refund) {
      await appendAudit(
        tx,
        job.orgId,
        [
          {
            actorType: 'system',
            actorId: deps.workerId,
            action: `revocation.${outcome.state}`,
            subjectType: 'grant',
            subjectId: job.grantId,
            data: {
              jobId: job.id,
              planId: job.planId,
              provider: job.provider,
              clientId: job.clientId,
              userEmail: job.userEmail,
              attempt: job.attempts,
              providerStatus: outcome.status,
              providerRequestId: outcome.requestId,
              error: outcome.error,
            },
          },
        ],
        now
      )
    }
    // The plan is done when none of its jobs can still move.
    const [open] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(revocationJobs)
      .where(
        and(eq(revocationJobs.planId, job.planId), notInArray(revocationJobs.state, [...TERMINAL]))
      )
    await tx
      .update(revocationPlans)
      .set({ state: (open?.n ?? 0) === 0 ? 'done' : 'running' })
      .where(
        and(
          eq(revocationPlans.id, job.planId),
          inArray(revocationPlans.state, ['approved', 'running'])
        )
      )
    return true
  })
}

function failure(deps: WorkerDeps, job: Job, f: ProviderFailure): Outcome {
  const now = deps.clock().getTime()
  const base = { status: f.status, requestId: f.requestId, error: f.message }
  switch (f.kind) {
    case 'rate_limited':
      return {
        ...base,
        state: 'approved',
        nextAttemptAt: new Date(now + f.retryAfterMs + Math.floor(deps.random() * 250)),
        refund: true,
      }
    case 'needs_admin_decision':
      return { ...base, state: 'needs_decision', grantStatus: 'active' }
    case 'permanent':
      return { ...base, state: 'dead', grantStatus: 'revoke_failed' }
    case 'transient':
      return job.attempts >= MAX_ATTEMPTS
        ? {
            ...base,
            state: 'dead',
            grantStatus: 'revoke_failed',
            error: `${f.message} (gave up after ${job.attempts} attempts)`,
          }
        : {
            ...base,
            state: 'failed',
            nextAttemptAt: new Date(now + jobBackoffMs(job.attempts, deps.random)),
          }
  }
}

/** Take one job from running to its next state. */
export async function runJob(deps: WorkerDeps, job: Job): Promise<Outcome> {
  const resolved = await deps.resolveConnector(job.orgId, job.provider)
  if (!resolved)
    return {
      state: 'dead',
      grantStatus: 'revoke_failed',
      status: null,
      requestId: null,
      error: `${job.provider} is not connected`,
    }
  // Every provider call spends one unit of the organisation's budget for that provider.
  const spend = async () =>
    hitRateLimit(
      deps.db,
      `provider:${job.orgId}:${job.provider}`,
      resolved.requestsPerSecond,
      1000,
      deps.clock()
    )
  const budget = await spend()
  if (!budget.allowed)
    return {
      state: 'approved',
      nextAttemptAt: new Date(deps.clock().getTime() + budget.retryAfterSeconds * 1000),
      status: null,
      requestId: null,
      error: null,
      refund: true,
    }
  const { connector } = resolved
  const listed = await connector.listGrants({ email: job.userEmail })
  if (!listed.ok) return failure(deps, job, listed)
  const remote = listed.value.find((g) => g.clientId === job.clientId)
  let status = listed.status
  let requestId = listed.requestId
  if (remote) {
    if (!(await spend()).allowed)
      return {
        state: 'approved',
        nextAttemptAt: new Date(deps.clock().getTime() + 1000),
        status: null,
        requestId: null,
        error: null,
        refund: true,
      }
    const revoked = await connector.revokeGrant(remote)
    if (!revoked.ok) return failure(deps, job, revoked)
    status = revoked.status
    requestId = revoked.requestId
    await finishStep(deps, job, 'revoked', status, requestId)
    await spend()
    const verified = await connector.verifyRevoked(remote)
    if (!verified.ok) return failure(deps, job, verified)
    if (!verified.value) {
      return {
        ...failure(deps, job, {
          ok: false,
          kind: 'transient',
          status: verified.status,
          message: 'the grant is still there after revocation',
          requestId: verified.requestId,
        }),
      }
    }
    return {
      state: 'verified',
      grantStatus: 'revoked',
      status: verified.status,
      requestId: verified.requestId,
      error: null,
    }
  }
  // Absent at the provider: already revoked (by someone else, or by an earlier attempt).
  return { state: 'verified', grantStatus: 'revoked', status, requestId, error: null }
}

/** Record the intermediate "revoked" step without releasing the lease. */
async function finishStep(
  deps: WorkerDeps,
  job: Job,
  state: 'revoked',
  status: number,
  requestId: string | null
) {
  await deps.db.transaction(async (tx) => {
    await tx
      .update(revocationJobs)
      .set({ lastStatus: status, lastRequestId: requestId, updatedAt: deps.clock() })
      .where(and(eq(revocationJobs.id, job.id), eq(revocationJobs.leasedBy, deps.workerId)))
    await appendAudit(
      tx,
      job.orgId,
      [
        {
          actorType: 'system',
          actorId: deps.workerId,
          action: `revocation.${state}`,
          subjectType: 'grant',
          subjectId: job.grantId,
          data: {
            jobId: job.id,
            planId: job.planId,
            provider: job.provider,
            clientId: job.clientId,
            userEmail: job.userEmail,
            attempt: job.attempts,
            providerStatus: status,
            providerRequestId: requestId,
          },
        },
      ],
      deps.clock()
    )
  })
}

/** Claim and run a batch; returns how many jobs were handled. */
export async function runRevocationBatch(deps: WorkerDeps, limit = 10): Promise<number> {
  const jobs = await claimJobs(deps, limit)
  await Promise.all(
    jobs.map(async (job) => {
      let outcome: Outcome
      try {
        outcome = await runJob(deps, job)
      } catch (error) {
        deps.log.error('revocation job crashed', {
          jobId: job.id,
          error: (error as Error).stack ?? String(error),
        })
        outcome = {
          state: 'failed',
          nextAttemptAt: new Date(deps.clock().getTime() + jobBackoffMs(job.attempts, deps.random)),
          status: null,
          requestId: null,
          error: (error as Error).message,
        }
      }
      await finish(deps, job, outcome)
    })
  )
  return jobs.length
}
