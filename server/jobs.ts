// Periodic work of every server process: deliver due webhook alerts, notice expired sanctions,
// move offboarding cases that fell due, discover grants at connected providers, and forget rate
// limit windows that ended long ago (about once an hour).
// Safe with several processes: deliveries are claimed with SKIP LOCKED, expiries atomically.
import type { Deps } from './deps.ts'
import { alertExpiredSanctions } from './domain/apps.ts'
import { deliverDueAlerts } from './domain/webhooks.ts'
import { advanceDueCases } from './domain/advance-due-cases.ts'
import { closeSettledCases } from './domain/close-case.ts'
import { runDueDiscovery } from './domain/discover-grants.ts'
import { drainRevocations, type WorkerDeps } from './domain/revocation-worker.ts'
import { resolveConnector } from './domain/connections.ts'
import { pruneRateLimits } from './domain/rate-limit.ts'
import { pruneFeedEvents } from './domain/prune-feed-events.ts'
import { hostname } from 'node:os'
import { randomUUID } from 'node:crypto'

/** How often a process deletes old rate-limit windows (any process may; the delete is idempotent). */
export const PRUNE_INTERVAL_MS = 3_600_000

export function startJobs(deps: Deps, intervalMs = 5_000) {
  const worker: WorkerDeps = {
    db: deps.db,
    clock: deps.clock,
    log: deps.log,
    random: Math.random,
    workerId: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    // The worker's wrapFetch paces every provider request within the organisation's budget.
    resolveConnector: (orgId, provider, wrapFetch) =>
      resolveConnector(
        wrapFetch ? { ...deps, fetch: wrapFetch(deps.fetch) } : deps,
        orgId,
        provider
      ),
  }
  let running: Promise<void> | null = null
  let lastExpiryCheck = 0
  let lastPrune = 0
  async function tick() {
    try {
      const now = deps.clock()
      if (now.getTime() - lastExpiryCheck > 60_000) {
        lastExpiryCheck = now.getTime()
        await alertExpiredSanctions(deps.db, now)
        await runDueDiscovery(deps.db, worker.resolveConnector, now)
        while ((await advanceDueCases(deps.db, now)) > 0) {
          // cases fall due in bulk on a Monday; keep going
        }
        // Cases whose leaver has nothing live left close themselves.
        await closeSettledCases(deps.db, now)
      }
      if (now.getTime() - lastPrune >= PRUNE_INTERVAL_MS) {
        lastPrune = now.getTime()
        await pruneRateLimits(deps.db, now)
        await pruneFeedEvents(deps.db, now)
      }
      // Drain the revocation queue, several jobs at once (leases keep other processes off them).
      await drainRevocations(worker)
      while ((await deliverDueAlerts(deps)) > 0) {
        // keep going while there is a backlog
      }
    } catch (error) {
      deps.log.error('background job failed', { error: (error as Error).stack ?? String(error) })
    }
  }
  const timer = setInterval(() => {
    running ??= tick().finally(() => {
      running = null
    })
  }, intervalMs)
  timer.unref()
  return {
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
