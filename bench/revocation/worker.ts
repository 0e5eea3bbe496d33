// One revocation worker process of the benchmark (forked by bench/revocation.bench.ts): the
// engine's worker loop against the scratch database, as server/jobs.ts runs it (drainRevocations,
// connectors from resolveConnector with the worker's paced fetch), calling the simulators over
// HTTP on loopback. BENCH_LOOP=batch runs the older runRevocationBatch loop instead.
// Reports 'ready', runs until told 'stop', then reports what it did and exits.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { createDb } from '../../server/db/client.ts'
import type { Logger } from '../../server/deps.ts'
import { resolveConnector } from '../../server/domain/connections.ts'
import {
  drainRevocations,
  runRevocationBatch,
  type WorkerDeps,
} from '../../server/domain/revocation-worker.ts'
import { createSecretBox } from '../../server/domain/secret-box.ts'

export interface WorkerStats {
  workerId: string
  /** Calls of the loop (drainRevocations or runRevocationBatch), and those that found nothing. */
  batches: number
  emptyBatches: number
  /** Jobs handled (a job put back by a rate limit counts each time). */
  jobs: number
  /** Seconds inside the loop's calls that found work. */
  busySeconds: number
  /** Provider HTTP requests by origin: how many, and their summed latency in seconds. */
  requests: Record<string, { count: number; seconds: number }>
  /** Seconds of provider requests timed around the engine's paced fetch: less the requests'
   * own seconds, the time spent on the budget (reserving a slot, then waiting for it). */
  pacedSeconds: number
  /** Event-loop delay of this process, ms (p50, p99, max). */
  loopDelayMs: { p50: number; p99: number; max: number }
  errors: string[]
}

export type WorkerMessage = { type: 'ready' } | { type: 'stats'; stats: WorkerStats }

function required(name: string): string {
  const v = process.env[name]
  if (!v) throw new Error(`${name} is not set`)
  return v
}

const workerId = required('BENCH_WORKER_ID')
const loop = process.env.BENCH_LOOP === 'batch' ? 'batch' : 'drain'
const batchSize = Number(process.env.BENCH_BATCH ?? 10)
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16)
const perProvider = process.env.BENCH_PER_PROVIDER
  ? Number(process.env.BENCH_PER_PROVIDER)
  : undefined
const pollMs = Number(process.env.BENCH_POLL_MS ?? 50)
const database = await createDb({
  kind: 'postgres',
  url: required('BENCH_DB_URL'),
  max: Number(process.env.BENCH_WORKER_POOL ?? 10),
})
const secretBox = createSecretBox(Buffer.from(required('BENCH_SECRET_KEY'), 'base64'))

const stats: WorkerStats = {
  workerId,
  batches: 0,
  emptyBatches: 0,
  jobs: 0,
  busySeconds: 0,
  requests: {},
  pacedSeconds: 0,
  loopDelayMs: { p50: 0, p99: 0, max: 0 },
  errors: [],
}
const loopDelay = monitorEventLoopDelay({ resolution: 10 })
loopDelay.enable()

/** The engine's paced fetch (wrapped around timedFetch), timed from outside. */
function timedPaced(paced: typeof fetch): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const started = performance.now()
    try {
      return await paced(input, init)
    } finally {
      stats.pacedSeconds += (performance.now() - started) / 1000
    }
  }) as typeof fetch
}

const timedFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
  const origin = new URL(input instanceof Request ? input.url : String(input)).origin
  const started = performance.now()
  try {
    return await fetch(input, init)
  } finally {
    const r = (stats.requests[origin] ??= { count: 0, seconds: 0 })
    r.count++
    r.seconds += (performance.now() - started) / 1000
  }
}) as typeof fetch

const log: Logger = {
  info() {},
  warn() {},
  error(msg, fields) {
    if (stats.errors.length < 20) stats.errors.push(`${msg} ${JSON.stringify(fields ?? {})}`)
  },
}

const clock = () => new Date()
const deps: WorkerDeps = {
  db: database.db,
  clock,
  log,
  random: Math.random,
  workerId,
  // As server/jobs.ts: the worker's wrapFetch (its pacing) around the process's fetch.
  resolveConnector: (orgId, provider, wrapFetch) =>
    resolveConnector(
      {
        db: database.db,
        secretBox,
        fetch: wrapFetch ? timedPaced(wrapFetch(timedFetch)) : timedFetch,
        clock,
      },
      orgId,
      provider
    ),
}

let stopping = false
process.on('message', (m: { type?: string }) => {
  if (m?.type === 'stop') stopping = true
})
process.send?.({ type: 'ready' } satisfies WorkerMessage)

while (!stopping) {
  const started = performance.now()
  const n =
    loop === 'batch'
      ? await runRevocationBatch(deps, batchSize)
      : await drainRevocations(deps, { concurrency, perProvider, shouldStop: () => stopping })
  stats.batches++
  stats.jobs += n
  if (n === 0) {
    stats.emptyBatches++
    await new Promise((r) => setTimeout(r, pollMs))
  } else stats.busySeconds += (performance.now() - started) / 1000
}

loopDelay.disable()
stats.loopDelayMs = {
  p50: Math.round(loopDelay.percentile(50) / 1e6),
  p99: Math.round(loopDelay.percentile(99) / 1e6),
  max: Math.round(loopDelay.max / 1e6),
}
await new Promise<void>((resolve) =>
  process.send
    ? process.send({ type: 'stats', stats } satisfies WorkerMessage, () => resolve())
    : resolve()
)
await database.close()
process.exit(0)
