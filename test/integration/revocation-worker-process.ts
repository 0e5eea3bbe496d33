// One revocation worker in its own process, for worker-crash.test.ts: says it is ready, starts on
// a line on stdin (so several start together), then runs batches against a PostgreSQL database
// until no job can move. Configured by the environment:
//   WORKER_DATABASE_URL, WORKER_SECRET_KEY (base64 of the 32-byte key that sealed the
//   credentials), WORKER_ID, WORKER_LEASE_MS, WORKER_BATCH, WORKER_DEADLINE_MS.
import { setTimeout as sleep } from 'node:timers/promises'
import { count, inArray } from 'drizzle-orm'
import { createDb } from '../../server/db/client.ts'
import { revocationJobs } from '../../server/db/schema/index.ts'
import { createJsonLogger } from '../../server/deps.ts'
import { resolveConnector } from '../../server/domain/connections.ts'
import { runRevocationBatch, type WorkerDeps } from '../../server/domain/revocation-worker.ts'
import { createSecretBox } from '../../server/domain/secret-box.ts'

function env(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set`)
  return value
}

const database = await createDb({ kind: 'postgres', url: env('WORKER_DATABASE_URL'), max: 4 })
const { db } = database
const secretBox = createSecretBox(Buffer.from(env('WORKER_SECRET_KEY'), 'base64'))
const clock = () => new Date()
const log = createJsonLogger(process.stderr)
const worker: WorkerDeps = {
  db,
  clock,
  log,
  random: Math.random,
  workerId: env('WORKER_ID'),
  leaseMs: Number(env('WORKER_LEASE_MS')),
  resolveConnector: (orgId, provider) =>
    resolveConnector({ db, secretBox, fetch: globalThis.fetch, clock }, orgId, provider),
}
const batch = Number(process.env.WORKER_BATCH ?? 10)
const deadline = Date.now() + Number(process.env.WORKER_DEADLINE_MS ?? 60_000)

process.stdout.write(`${JSON.stringify({ worker: worker.workerId, ready: true })}\n`)
await new Promise((resolve) => process.stdin.once('data', resolve))
process.stdin.pause()

let exitCode = 2
while (Date.now() < deadline) {
  const handled = await runRevocationBatch(worker, batch)
  process.stdout.write(`${JSON.stringify({ worker: worker.workerId, handled })}\n`)
  if (handled > 0) continue
  // Jobs still able to move: due now, waiting on a backoff, or held by a lease that may expire.
  const [open] = await db
    .select({ n: count() })
    .from(revocationJobs)
    .where(inArray(revocationJobs.state, ['approved', 'running', 'failed']))
  if (!open?.n) {
    exitCode = 0
    break
  }
  await sleep(100)
}
await database.close()
process.exit(exitCode)
