// The revocation worker: claims due jobs with a lease (any number of processes share the queue;
// a worker that dies loses its lease and another takes the job), calls the provider within the
// organisation's request rate, revokes, then verifies by listing again. Every step is audited.
//
// The request rate is a budget shared by every process through the database: each HTTP request a
// connector sends waits for its slot (reserveRateSlots), paced evenly at a little under the
// connection's requestsPerSecond (BUDGET_HEADROOM), counted per organisation and provider (Slack:
// per method, as Slack counts). A resolver that cannot route requests through the worker's fetch
// falls back to one unit of budget per step (list, revoke, verify).
import { and, eq, inArray, notInArray, sql } from 'drizzle-orm'
import {
  apps,
  grants,
  providerConnections,
  revocationJobs,
  revocationPlans,
} from '../db/schema/index.ts'
import type { Db, Tx } from '../db/client.ts'
import type { Logger } from '../deps.ts'
import type { ProviderConnector, ProviderFailure } from '../providers/types.ts'
import { appendAudit, type AuditInput } from './audit-chain.ts'
import { hitRateLimit, reserveRateSlots, type RateLimitResult } from './rate-limit.ts'
import { enqueueAlert } from './webhooks.ts'

export const MAX_ATTEMPTS = 6
export const LEASE_MS = 60_000
const TERMINAL = ['verified', 'dead', 'needs_decision', 'cancelled'] as const
/**
 * Share of a connection's requestsPerSecond the workers send. Providers count arrivals in their
 * own windows, not our send times: a budget spent exactly would put the odd request over whenever
 * one arrives a little late and the next on time. 5% leaves about 50 ms of such jitter.
 */
export const BUDGET_HEADROOM = 0.95
/**
 * The budget's slots are counted per window this long (spaced evenly inside it, so the pace is the
 * same whatever the window): 10 s keeps the headroom's rounding small at low rates (5 requests per
 * second: 47 slots per window, not 4 per second).
 */
const BUDGET_WINDOW_MS = 10_000
/** Providers that count requests per method rather than per tenant: the budget does the same. */
const BUDGET_SCOPE: Partial<Record<string, (url: URL) => string>> = {
  // https://docs.slack.dev/apis/web-api/rate-limits: limits apply per method per workspace/org.
  slack: (url) => url.pathname.slice(url.pathname.lastIndexOf('/') + 1),
}

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
  /** How long a claim keeps other workers off a job; LEASE_MS unless given. */
  leaseMs?: number
  /**
   * Build the connector for an organisation's provider. A resolver that builds it with
   * `wrapFetch(fetch)` lets the worker pace every request within the shared budget.
   */
  resolveConnector(
    orgId: string,
    provider: string,
    wrapFetch?: (fetch: typeof globalThis.fetch) => typeof globalThis.fetch
  ): Promise<ResolvedConnector | null>
}

type Job = typeof revocationJobs.$inferSelect

export function jobBackoffMs(attempts: number, random: () => number): number {
  const ceiling = Math.min(15 * 60_000, 2_000 * 2 ** Math.max(0, attempts - 1))
  return Math.floor(ceiling / 2 + random() * (ceiling / 2))
}

/**
 * Claim up to `limit` due jobs: approved or failed and due, or running with an expired lease;
 * none of an organisation's provider in `skip` (those that already have enough jobs running here).
 */
export async function claimJobs(
  deps: WorkerDeps,
  limit: number,
  skip: Array<{ orgId: string; provider: string }> = []
): Promise<Job[]> {
  const now = deps.clock()
  const skipped = skip.length
    ? sql`and (org_id, provider) not in (${sql.join(
        skip.map((s) => sql`(${s.orgId}::uuid, ${s.provider})`),
        sql`, `
      )})`
    : sql``
  return deps.db
    .update(revocationJobs)
    .set({
      state: 'running',
      leaseUntil: new Date(now.getTime() + (deps.leaseMs ?? LEASE_MS)),
      leasedBy: deps.workerId,
      attempts: sql`${revocationJobs.attempts} + 1`,
      updatedAt: now,
    })
    .where(
      sql`${revocationJobs.id} in (
        select id from revocation_jobs
        where ((state in ('approved', 'failed') and next_attempt_at <= ${now.toISOString()}::timestamptz)
           or (state = 'running' and lease_until < ${now.toISOString()}::timestamptz))
          ${skipped}
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
  /**
   * Tell the organisation's webhooks: 'revocation.dead' when the job ran out of attempts,
   * 'revocation.failed' when retrying cannot help (a permanent error, an admin's decision).
   * Transient failures that will be retried alert nobody.
   */
  alert?: 'revocation.dead' | 'revocation.failed'
}

/** What a job records: its "revoked" step (the lease kept), or its next state (the lease released). */
type JobWrite =
  | { kind: 'step'; job: Job; status: number; requestId: string | null }
  | { kind: 'finish'; job: Job; outcome: Outcome }

/** Records a write once committed; false when the lease was lost and the state not written. */
type Recorder = (write: JobWrite) => Promise<boolean>

function auditEntry(deps: WorkerDeps, write: JobWrite): AuditInput {
  const { job } = write
  const base = {
    jobId: job.id,
    planId: job.planId,
    provider: job.provider,
    clientId: job.clientId,
    userEmail: job.userEmail,
    attempt: job.attempts,
  }
  return {
    actorType: 'system',
    actorId: deps.workerId,
    action: `revocation.${write.kind === 'step' ? 'revoked' : write.outcome.state}`,
    subjectType: 'grant',
    subjectId: job.grantId,
    data:
      write.kind === 'step'
        ? { ...base, providerStatus: write.status, providerRequestId: write.requestId }
        : {
            ...base,
            providerStatus: write.outcome.status,
            providerRequestId: write.outcome.requestId,
            error: write.outcome.error,
          },
  }
}

/**
 * The job is still this worker's by the claim it ran under: running, leased by this worker, and
 * not claimed again since (a claim counts an attempt, so the attempts tell claims apart, even two
 * of the same worker: one whose lease ran out before it finished, and the one that took it over).
 */
function holdsLease(deps: WorkerDeps, job: Job) {
  return and(
    eq(revocationJobs.id, job.id),
    eq(revocationJobs.state, 'running'),
    eq(revocationJobs.leasedBy, deps.workerId),
    eq(revocationJobs.attempts, job.attempts)
  )
}

function leaseLost(deps: WorkerDeps, write: JobWrite) {
  deps.log.warn('revocation job lease lost: its step is not recorded', {
    jobId: write.job.id,
    workerId: deps.workerId,
    attempt: write.job.attempts,
    step: write.kind === 'step' ? 'revoked' : write.outcome.state,
  })
}

/** Queue the job's alert for the organisation's webhooks, in the transaction that records it. */
async function alertJob(
  tx: Tx,
  job: Job,
  event: NonNullable<Outcome['alert']>,
  outcome: Outcome,
  now: Date
) {
  const [app] = await tx
    .select({ name: apps.name })
    .from(grants)
    .innerJoin(apps, eq(apps.id, grants.appId))
    .where(and(eq(grants.id, job.grantId), eq(grants.orgId, job.orgId)))
  await enqueueAlert(
    tx,
    job.orgId,
    event,
    {
      jobId: job.id,
      planId: job.planId,
      grantId: job.grantId,
      provider: job.provider,
      userEmail: job.userEmail,
      clientId: job.clientId,
      appName: app?.name ?? null,
      status: outcome.state,
      error: outcome.error,
    },
    now
  )
}

/**
 * Write jobs' states (a job's only while this worker still holds its lease) and audit them, in
 * one transaction. Each organisation's audit chain is locked once for all its entries, in a fixed
 * order of organisations (two writers never wait on each other), and last: the lock, which every
 * worker of the organisation waits for, is held only for the append and the commit.
 */
async function writeJobs(
  deps: WorkerDeps,
  writes: JobWrite[],
  runningPlans: Set<string>
): Promise<boolean[]> {
  const now = deps.clock()
  const written = await deps.db.transaction(async (tx) => {
    const done: boolean[] = []
    const audit = new Map<string, AuditInput[]>()
    for (const write of writes) {
      const { job } = write
      if (write.kind === 'step') {
        const [row] = await tx
          .update(revocationJobs)
          .set({ lastStatus: write.status, lastRequestId: write.requestId, updatedAt: now })
          .where(holdsLease(deps, job))
          .returning({ id: revocationJobs.id })
        done.push(Boolean(row))
        if (!row) {
          leaseLost(deps, write)
          continue
        }
      } else {
        const { outcome } = write
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
            ...(outcome.refund
              ? { attempts: sql`greatest(${revocationJobs.attempts} - 1, 0)` }
              : {}),
          })
          .where(holdsLease(deps, job))
          .returning({ id: revocationJobs.id })
        done.push(Boolean(row))
        if (!row) {
          leaseLost(deps, write)
          continue
        }
        if (outcome.alert) await alertJob(tx, job, outcome.alert, outcome, now)
        if (outcome.grantStatus)
          await tx
            .update(grants)
            .set({ status: outcome.grantStatus, updatedAt: now })
            .where(eq(grants.id, job.grantId))
        // The plan runs from its first job on. Only that first update locks the plan's row, and
        // a plan seen running is not asked again: jobs of one plan do not queue on its row.
        if (!runningPlans.has(job.planId)) {
          await tx
            .update(revocationPlans)
            .set({ state: 'running' })
            .where(and(eq(revocationPlans.id, job.planId), eq(revocationPlans.state, 'approved')))
          runningPlans.add(job.planId)
        }
        if (outcome.refund) continue // rate limited before anything was done: nothing to audit
      }
      const entries = audit.get(job.orgId) ?? []
      entries.push(auditEntry(deps, write))
      audit.set(job.orgId, entries)
    }
    for (const orgId of [...audit.keys()].sort())
      await appendAudit(tx, orgId, audit.get(orgId) ?? [], now)
    return done
  })
  if (runningPlans.size > 10_000) runningPlans.clear()
  // A plan is done when none of its jobs can still move. Asked after the commit: of two last jobs
  // finishing at once, each sees the other still running inside its transaction, but whichever
  // commits second sees both finished here.
  const plans = new Set<string>()
  writes.forEach((w, i) => {
    if (
      w.kind === 'finish' &&
      written[i] &&
      (TERMINAL as readonly string[]).includes(w.outcome.state)
    )
      plans.add(w.job.planId)
  })
  if (plans.size) {
    try {
      await deps.db
        .update(revocationPlans)
        .set({ state: 'done' })
        .where(
          and(
            inArray(revocationPlans.id, [...plans]),
            inArray(revocationPlans.state, ['approved', 'running']),
            sql`not exists (select 1 from ${revocationJobs} where ${revocationJobs.planId} = ${revocationPlans.id}
                and ${notInArray(revocationJobs.state, [...TERMINAL])})`
          )
        )
    } catch (error) {
      // The jobs are written and audited; only the plan's state lags behind them.
      deps.log.error('revocation plan state not updated', {
        plans: [...plans],
        error: (error as Error).stack ?? String(error),
      })
    }
  }
  return written
}

/**
 * Group commit: while one transaction is being written, the writes that arrive wait and go
 * together in the next one. Jobs finishing at once share one lock of the audit chain and one
 * commit instead of queueing for the lock one by one.
 */
function createRecorder(deps: WorkerDeps, maxBatch = 64): Recorder {
  const runningPlans = new Set<string>()
  const queue: Array<{ write: JobWrite; resolve(w: boolean): void; reject(e: unknown): void }> = []
  let busy = false
  async function flush() {
    busy = true
    try {
      while (queue.length) {
        const batch = queue.splice(0, maxBatch)
        try {
          const written = await writeJobs(
            deps,
            batch.map((p) => p.write),
            runningPlans
          )
          batch.forEach((p, i) => p.resolve(written[i] ?? false))
        } catch {
          // One failing write must not take the others with it: write them one by one.
          for (const p of batch)
            await writeJobs(deps, [p.write], runningPlans).then(
              (w) => p.resolve(w[0] ?? false),
              (error) => p.reject(error)
            )
        }
      }
    } finally {
      busy = false
    }
  }
  return (write) =>
    new Promise<boolean>((resolve, reject) => {
      queue.push({ write, resolve, reject })
      if (!busy) void flush()
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
      return { ...base, state: 'needs_decision', grantStatus: 'active', alert: 'revocation.failed' }
    case 'permanent':
      return { ...base, state: 'dead', grantStatus: 'revoke_failed', alert: 'revocation.failed' }
    case 'transient':
      return job.attempts >= MAX_ATTEMPTS
        ? {
            ...base,
            state: 'dead',
            grantStatus: 'revoke_failed',
            error: `${f.message} (gave up after ${job.attempts} attempts)`,
            alert: 'revocation.dead',
          }
        : {
            ...base,
            state: 'failed',
            nextAttemptAt: new Date(now + jobBackoffMs(job.attempts, deps.random)),
          }
  }
}

/** How long a worker uses a connector before asking whether its connection was saved again. */
const CONNECTION_RECHECK_MS = 1000

interface CachedConnector {
  /** The connection's updated_at when the connector was built. */
  version: number
  /** When that was last compared with the stored connection (ms since epoch). */
  checkedAt: number
  resolved: ResolvedConnector
  /** Its requests go through the worker's paced fetch. */
  paced: boolean
}

/**
 * Connectors per worker, reused across jobs (their access tokens and lookups with them) until the
 * connection is saved again.
 */
const connectorCache = new WeakMap<WorkerDeps, Map<string, CachedConnector>>()

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Requests of one budget key waiting in this process for their slot. */
interface SlotQueue {
  waiting: Array<{ resolve(at: number): void; reject(error: unknown): void }>
  busy: boolean
}
const slotQueues = new WeakMap<WorkerDeps, Map<string, SlotQueue>>()

/**
 * When (ms since epoch) the request may go. Requests that arrive while a reservation is being made
 * wait and are reserved together by the next one: one statement for many requests.
 */
function nextSlot(deps: WorkerDeps, key: string, slotsPerWindow: number): Promise<number> {
  let queues = slotQueues.get(deps)
  if (!queues) slotQueues.set(deps, (queues = new Map()))
  let queue = queues.get(key)
  if (!queue) queues.set(key, (queue = { waiting: [], busy: false }))
  const q = queue
  return new Promise((resolve, reject) => {
    q.waiting.push({ resolve, reject })
    if (q.busy) return
    q.busy = true
    void (async () => {
      try {
        while (q.waiting.length) {
          const batch = q.waiting.splice(0, q.waiting.length)
          const now = deps.clock()
          try {
            const waits = await reserveRateSlots(
              deps.db,
              key,
              slotsPerWindow,
              BUDGET_WINDOW_MS,
              now,
              batch.length
            )
            batch.forEach((w, i) => w.resolve(now.getTime() + (waits[i] ?? 0)))
          } catch (error) {
            for (const w of batch) w.reject(error)
          }
        }
      } finally {
        q.busy = false
      }
    })()
  })
}

/** A fetch that waits for a slot of the organisation's budget for the provider before each request. */
function pacedFetch(
  deps: WorkerDeps,
  orgId: string,
  provider: string,
  requestsPerSecond: () => number,
  inner: typeof globalThis.fetch
): typeof globalThis.fetch {
  const scope = BUDGET_SCOPE[provider]
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    const key = `pace:${orgId}:${provider}${scope ? `:${scope(url)}` : ''}`
    const slots = Math.max(
      1,
      Math.floor(((requestsPerSecond() * BUDGET_WINDOW_MS) / 1000) * BUDGET_HEADROOM)
    )
    const wait = (await nextSlot(deps, key, slots)) - deps.clock().getTime()
    if (wait > 0) await sleep(wait)
    return inner(input, init)
  }) as typeof globalThis.fetch
}

/** The organisation's connector for the provider: cached, rebuilt when the connection changes. */
async function connectorFor(
  deps: WorkerDeps,
  orgId: string,
  provider: string
): Promise<CachedConnector | null> {
  let cache = connectorCache.get(deps)
  if (!cache) connectorCache.set(deps, (cache = new Map()))
  const key = `${orgId}:${provider}`
  const known = cache.get(key)
  const now = deps.clock().getTime()
  if (known && now - known.checkedAt < CONNECTION_RECHECK_MS) return known
  const [row] = await deps.db
    .select({ updatedAt: providerConnections.updatedAt })
    .from(providerConnections)
    .where(and(eq(providerConnections.orgId, orgId), eq(providerConnections.provider, provider)))
  if (!row) {
    cache.delete(key)
    return null
  }
  if (known && known.version === row.updatedAt.getTime()) {
    known.checkedAt = now
    return known
  }
  let rate = 1
  let paced = false
  const resolved = await deps.resolveConnector(orgId, provider, (inner) => {
    paced = true
    return pacedFetch(deps, orgId, provider, () => rate, inner)
  })
  if (!resolved) return null
  rate = resolved.requestsPerSecond
  const entry = { version: row.updatedAt.getTime(), checkedAt: now, resolved, paced }
  cache.set(key, entry)
  return entry
}

/** Take one job from running to its next state (`record` writes its "revoked" step). */
export async function runJob(
  deps: WorkerDeps,
  job: Job,
  record: Recorder = createRecorder(deps)
): Promise<Outcome> {
  const cached = await connectorFor(deps, job.orgId, job.provider)
  const resolved = cached?.resolved
  if (!resolved)
    return {
      state: 'dead',
      grantStatus: 'revoke_failed',
      status: null,
      requestId: null,
      error: `${job.provider} is not connected`,
      alert: 'revocation.failed',
    }
  // Paced connectors spend the budget per request; others one unit per step.
  const paced = cached?.paced ?? false
  const spend = async (): Promise<RateLimitResult> =>
    paced
      ? { allowed: true }
      : hitRateLimit(
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
  const listed = await connector.listGrants({
    email: job.userEmail,
    providerUserId: job.providerUserId,
  })
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
    // Lost the lease (another worker runs the job now): stop here; nothing more is recorded.
    if (!(await record({ kind: 'step', job, status, requestId })))
      return { state: 'failed', status, requestId, error: 'lease lost' }
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

/** Run a claimed job to its next state and record it; a crash is a transient failure. */
export async function runClaimedJob(
  deps: WorkerDeps,
  job: Job,
  record: Recorder = createRecorder(deps)
): Promise<void> {
  let outcome: Outcome
  try {
    outcome = await runJob(deps, job, record)
  } catch (error) {
    deps.log.error('revocation job crashed', {
      jobId: job.id,
      error: (error as Error).stack ?? String(error),
    })
    // Like a transient failure: retried, and dead once the attempts are spent.
    outcome = failure(deps, job, {
      ok: false,
      kind: 'transient',
      status: 0,
      message: (error as Error).message,
      requestId: null,
    })
    outcome.status = null
  }
  await record({ kind: 'finish', job, outcome })
}

/** Claim and run a batch; returns how many jobs were handled. */
export async function runRevocationBatch(deps: WorkerDeps, limit = 10): Promise<number> {
  const jobs = await claimJobs(deps, limit)
  const record = createRecorder(deps)
  await Promise.all(jobs.map((job) => runClaimedJob(deps, job, record)))
  return jobs.length
}

export interface DrainOptions {
  /** Jobs running at once in this process. */
  concurrency?: number
  /**
   * Jobs of one organisation's provider running at once: a slow or throttled provider leaves room
   * for the others. Never more than the connection's requests per second (once known), so a job's
   * requests do not queue behind so many others' that its lease runs out.
   */
  perProvider?: number
  /** Stop claiming (running jobs still finish). */
  shouldStop?: () => boolean
}

/**
 * Run due jobs until none is left: up to `concurrency` at once, claiming the next as soon as one
 * finishes (a batch waits for its slowest job). Returns how many jobs were handled.
 */
export async function drainRevocations(deps: WorkerDeps, opts: DrainOptions = {}): Promise<number> {
  const concurrency = opts.concurrency ?? 16
  const perProvider = opts.perProvider ?? Math.max(1, Math.ceil(concurrency / 2))
  // Running jobs per organisation and provider (the key of connectorCache).
  const running = new Map<string, { orgId: string; provider: string; n: number }>()
  const capOf = (key: string) => {
    const rate = connectorCache.get(deps)?.get(key)?.resolved.requestsPerSecond
    return rate ? Math.min(perProvider, Math.max(1, Math.ceil(rate))) : perProvider
  }
  const inFlight = new Set<Promise<void>>()
  const record = createRecorder(deps)
  let handled = 0
  let exhausted = false
  while (!exhausted || inFlight.size > 0) {
    if (!exhausted && !opts.shouldStop?.() && inFlight.size < concurrency) {
      const full = [...running].filter(([key, r]) => r.n >= capOf(key)).map(([, r]) => r)
      const jobs = await claimJobs(deps, concurrency - inFlight.size, full)
      // Nothing due (for the providers with room): finish what runs, then return.
      if (jobs.length === 0) exhausted = true
      for (const job of jobs) {
        handled++
        const key = `${job.orgId}:${job.provider}`
        const counter = running.get(key) ?? { orgId: job.orgId, provider: job.provider, n: 0 }
        counter.n++
        running.set(key, counter)
        const task: Promise<void> = runClaimedJob(deps, job, record)
          // Not recorded (the database failed twice): the job keeps its lease and runs again
          // when the lease ends.
          .catch((error) =>
            deps.log.error('revocation job could not be recorded', {
              jobId: job.id,
              error: (error as Error).stack ?? String(error),
            })
          )
          .finally(() => {
            if (--counter.n === 0) running.delete(key)
            inFlight.delete(task)
          })
        inFlight.add(task)
      }
      if (jobs.length > 0) continue
    }
    if (opts.shouldStop?.()) exhausted = true
    if (inFlight.size > 0) {
      await Promise.race(inFlight)
      // A provider that was full may have room again, and new jobs may be due.
      if (!opts.shouldStop?.()) exhausted = false
    }
  }
  return handled
}
