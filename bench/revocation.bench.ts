// Bulk revocation against rate-limited providers: N leavers x 20 grants spread over Google,
// Microsoft, Okta, Slack and GitHub, revoked by two worker processes on PostgreSQL (the engine's
// loop as server/jobs.ts runs it: drainRevocations, connectors from resolveConnector with the
// worker's paced fetch), the providers being the simulators of test/simulators served over HTTP on
// loopback and each enforcing a per-tenant request limit. Measures the time from approving the
// plans to every job being terminal against the least time those limits allow (ratio; the issue's
// target is at most 1.15), and checks that no revocation was lost or repeated.
//
//   npm run bench:revocation                 # 200 leavers x 20 grants (4,000 jobs), about 2 min
//   BENCH_FULL=1 npm run bench:revocation    # 1,000 leavers x 20 grants (20,000 jobs), about 9 min
//
// GitHub finds org members by login, never by email: every leaver's person carries a GitHub login
// (people.githubLogin, as PATCH /api/v1/people/:id or SCIM set it), planRevocation puts it on the
// GitHub jobs as providerUserId, and the worker passes it to the connector. The checks below
// include that every GitHub job carries its person's login and that no plan skipped a grant.
//
// Rate limits. The published per-tenant limits would make 20,000 grants take hours:
//   Google Directory API: 2,400 queries per minute per user per project (40/s)
//     https://developers.google.com/workspace/admin/directory/v1/limits
//   Microsoft Graph, identity and access: 3,500 / 5,000 / 8,000 resource units per 10 s per app
//     per tenant (under 50 / 50-500 / over 500 users; oauth2PermissionGrants GETs cost 2), and
//     3,000 writes per 150 s https://learn.microsoft.com/en-us/graph/throttling-limits#identity-and-access-service-limits
//   Okta: 600 requests per minute on /api/v1/users* for most plans (10/s)
//     https://developer.okta.com/docs/reference/rl-global-mgmt/
//   Slack: admin.apps.* are Tier 2 (20+ per minute, per method per org), users.lookupByEmail is
//     Tier 3 (50+ per minute) https://docs.slack.dev/apis/web-api/rate-limits
//   GitHub REST: 5,000 requests per hour per token (under 1.4/s; 15,000 for a GitHub App
//     installation on Enterprise Cloud), plus secondary limits: at most 100 concurrent requests,
//     900 points per minute per endpoint (GET 1, POST/DELETE 5)
//     https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
// so every simulator is scaled to the same BENCH_RPS requests per second per tenant (Slack: per
// method, as Slack counts; GitHub: per org; fixed 1 s windows), and every connection's
// requestsPerSecond is set to that same number: the workers' budget matches what the providers
// enforce. Over the limit, a simulator answers 429 with its provider's headers; GitHub answers 403
// with x-ratelimit-remaining: 0 and x-ratelimit-reset, as its docs describe (403 or 429), and the
// tables count those as rate limited too. GitHub's secondary limits are not simulated: in its own
// numbers the primary limit is the tighter (83 requests a minute against 900 points a minute per
// endpoint), and the workers never have 100 requests in flight (at most BENCH_CONCURRENCY jobs at
// once per process, one request each). The minimum is, for each provider, its busiest bucket's calls
// (bench/revocation/minimum.ts, as the connectors make them) / BENCH_RPS; the slowest provider
// (Microsoft: 7 calls a grant) sets it. The calls the simulators actually answered are printed
// beside it.
//
// BENCH_RPS is 100 by default: at 200 the five providers together want about 93 jobs a second,
// and at some 25 ms of CPU a job (workers, simulators and PostgreSQL together) that is more than
// a 2-core machine has, so the run measures the CPU, not the engine against the limits.
//
// The default split, google:6,microsoft:6,okta:4,slack:2,github:2, keeps 20 grants a leaver and
// Microsoft the bottleneck (6 x 7 = 42 calls a leaver, plus one per app), so the minimum is the
// same as with the split before GitHub joined (google:7,microsoft:6,okta:5,slack:2). GitHub gets 2
// because the connector tells a member's grants apart only by credential type (a SAML-authorized
// token and a fine-grained PAT; test/simulators/github.ts): 4 calls a grant, 8 a leaver. Its two
// grants come from Google and Okta, not Microsoft: Google (18 calls a leaver), Okta (28), GitHub
// (8) and Slack (6 on its busiest method) all finish well before Microsoft, so the ratio measures
// the engine at one clear bottleneck rather than two providers racing for it. Slack stays a small
// share: its approvals are org-wide, one per app, and every Slack job lists all of them.
//
// Settings (environment): BENCH_FULL=1 (1,000 leavers), BENCH_LEAVERS (200), BENCH_SPLIT (grants
// per leaver by provider, google:6,microsoft:6,okta:4,slack:2,github:2; GitHub at most 2),
// BENCH_RPS (100), BENCH_WORKERS (2), BENCH_CONCURRENCY (jobs at once per worker, 16),
// BENCH_PER_PROVIDER (jobs of one provider at once per worker, half the concurrency), BENCH_LOOP
// (drain, or batch for the runRevocationBatch loop; BENCH_BATCH is its claim size, 10),
// BENCH_WORKER_POOL (database connections per worker, 10), BENCH_TIMEOUT (s, 900),
// BENCH_PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/test), BENCH_TRACE=1 (print each
// provider's requests per second), BENCH_JSON (write the results to this file), BENCH_NODE_ARGS
// (extra Node flags for the workers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
import { fork, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { createDb, type Database } from '../server/db/client.ts'
import { approvePlan } from '../server/domain/revocation-plans.ts'
import { createSecretBox } from '../server/domain/secret-box.ts'
import { cpuSeconds, postgresCpuSeconds } from './ingest/server-process.ts'
import { createScratchDb, dropAllScratchDbs, sampleWaits } from './ingest/scratch-postgres.ts'
import { callsNeeded } from './revocation/minimum.ts'
import { pool, seedDatabase } from './revocation/seed.ts'
import { startSimulators, type Simulators } from './revocation/simulators.ts'
import type { WorkerMessage, WorkerStats } from './revocation/worker.ts'
import { BENCH_PROVIDERS, makeLeavers, parseSplit } from './revocation/workload.ts'

const num = (name: string, fallback: number) => {
  const v = process.env[name]
  if (v === undefined || v === '') return fallback
  const n = Number(v)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${v}`)
  return n
}

const full = process.env.BENCH_FULL === '1'
const cfg = {
  leavers: Math.floor(num('BENCH_LEAVERS', full ? 1000 : 200)),
  split: parseSplit(process.env.BENCH_SPLIT ?? 'google:6,microsoft:6,okta:4,slack:2,github:2'),
  rps: Math.floor(num('BENCH_RPS', 100)),
  workers: Math.floor(num('BENCH_WORKERS', 2)),
  loop: process.env.BENCH_LOOP === 'batch' ? 'batch' : 'drain',
  batch: Math.floor(num('BENCH_BATCH', 10)),
  concurrency: Math.floor(num('BENCH_CONCURRENCY', 16)),
  perProvider: process.env.BENCH_PER_PROVIDER ? Math.floor(num('BENCH_PER_PROVIDER', 8)) : null,
  workerPool: Math.floor(num('BENCH_WORKER_POOL', 10)),
  timeoutS: num('BENCH_TIMEOUT', 900),
  pgAdminUrl: process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  json: process.env.BENCH_JSON,
}
const TARGET = 1.15
const TERMINAL = ['verified', 'dead', 'needs_decision', 'cancelled']

const children = new Set<ChildProcess>()
let sims: Simulators | null = null
let cleaning: Promise<void> | null = null
function killWorkers() {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  children.clear()
}
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    killWorkers()
    await sims?.close()
    await dropAllScratchDbs()
  })()
  return cleaning
}
process.on('exit', killWorkers)
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    console.error(`\n${signal}: stopping workers and dropping the scratch database`)
    void cleanup().finally(() => process.exit(130))
  })

const log = (msg: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`)
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d

interface Worker {
  child: ChildProcess
  stats: Promise<WorkerStats>
}

async function startWorker(index: number, env: Record<string, string>): Promise<Worker> {
  const entry = fileURLToPath(new URL('./revocation/worker.ts', import.meta.url))
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const child = fork(entry, [], {
    execArgv: [...nodeArgs, '--import', 'tsx'],
    env: { ...process.env, ...env, BENCH_WORKER_ID: `bench-worker-${index + 1}` },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  children.add(child)
  let ready!: () => void
  const isReady = new Promise<void>((r) => (ready = r))
  const stats = new Promise<WorkerStats>((resolve, reject) => {
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'ready') ready()
      if (m.type === 'stats') resolve(m.stats)
    })
    child.once('exit', (code, signal) =>
      reject(new Error(`worker ${index + 1} exited (${code ?? signal}) before reporting`))
    )
  })
  stats.catch(() => {})
  await Promise.race([isReady, stats.then(() => {})])
  return { child, stats }
}

async function jobCounts(db: Database['db'], orgId: string) {
  const rows = await db.execute<{ state: string; n: number }>(
    sql`select state::text as state, count(*)::int as n from revocation_jobs where org_id = ${orgId} group by 1`
  )
  const counts: Record<string, number> = {}
  for (const r of rows as unknown as Array<{ state: string; n: number }>) counts[r.state] = r.n
  return counts
}

async function main() {
  const providers = BENCH_PROVIDERS.filter((p) => cfg.split[p] > 0)
  const perLeaver = providers.reduce((n, p) => n + cfg.split[p], 0)
  log(
    `${cfg.leavers} leavers x ${perLeaver} grants (${providers.map((p) => `${p} ${cfg.split[p]}`).join(', ')}), ` +
      `limit ${cfg.rps}/s per tenant, ${cfg.workers} worker processes`
  )
  const leavers = makeLeavers(cfg.leavers, cfg.split)
  sims = await startSimulators({ providers, leavers, limit: cfg.rps, windowMs: 1000 })
  log('simulators seeded and listening on loopback')

  const scratch = await createScratchDb(cfg.pgAdminUrl)
  const database = await createDb({ kind: 'postgres', url: scratch.url, max: 8 })
  await database.migrate()
  const db = database.db
  const key = randomBytes(32)
  const seeded = await seedDatabase({
    db,
    box: createSecretBox(key),
    leavers,
    connections: sims.connections,
    requestsPerSecond: cfg.rps,
    now: new Date(),
  })
  const jobsPlanned = Object.values(await jobCounts(db, seeded.orgId)).reduce((a, b) => a + b, 0)
  log(
    `database ${scratch.name}: ${seeded.grants} grants, ${seeded.planIds.length} plans, ${jobsPlanned} jobs planned, ${seeded.skipped} skipped`
  )

  const workerEnv = {
    BENCH_DB_URL: scratch.url,
    BENCH_SECRET_KEY: key.toString('base64'),
    BENCH_BATCH: String(cfg.batch),
    BENCH_LOOP: cfg.loop,
    BENCH_CONCURRENCY: String(cfg.concurrency),
    ...(cfg.perProvider ? { BENCH_PER_PROVIDER: String(cfg.perProvider) } : {}),
    BENCH_WORKER_POOL: String(cfg.workerPool),
  }
  const workers = await Promise.all(
    Array.from({ length: cfg.workers }, (_, i) => startWorker(i, workerEnv))
  )
  log(`${workers.length} workers ready; approving ${seeded.planIds.length} plans`)

  const cpuBefore = {
    workers: workers.map((w) => cpuSeconds(w.child.pid ?? 0) ?? 0),
    self: process.cpuUsage(),
    postgres: postgresCpuSeconds(),
  }
  const loadBefore = loadavg()[0] ?? 0
  const waits = sampleWaits(cfg.pgAdminUrl, scratch.name, 250)
  const t0 = Date.now()
  await pool(seeded.planIds, 4, async (planId) => {
    const res = await approvePlan(db, seeded.actor, planId, new Date())
    if (!res.ok) throw new Error(`approvePlan: ${res.reason}`)
  })
  const approvedS = (Date.now() - t0) / 1000
  log(`plans approved in ${round(approvedS)} s`)

  let counts: Record<string, number> = {}
  let lastReport = Date.now()
  const deadline = t0 + cfg.timeoutS * 1000
  for (;;) {
    counts = await jobCounts(db, seeded.orgId)
    const done = TERMINAL.reduce((n, s) => n + (counts[s] ?? 0), 0)
    if (done === jobsPlanned) break
    if (Date.now() > deadline) {
      log(`timed out after ${cfg.timeoutS} s: ${JSON.stringify(counts)}`)
      break
    }
    if (Date.now() - lastReport >= 10_000) {
      lastReport = Date.now()
      log(`${done}/${jobsPlanned} terminal after ${round((Date.now() - t0) / 1000, 1)} s`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  // The last job's own finishing time, not the poll's.
  const [end] = (await db.execute<{ at: Date | string | null }>(
    sql`select max(updated_at) as at from revocation_jobs where org_id = ${seeded.orgId}`
  )) as unknown as Array<{ at: Date | string | null }>
  const measuredS = (new Date(end?.at ?? Date.now()).getTime() - t0) / 1000
  const cpu = {
    workers: workers.reduce(
      (n, w, i) => n + ((cpuSeconds(w.child.pid ?? 0) ?? 0) - (cpuBefore.workers[i] ?? 0)),
      0
    ),
    bench: (() => {
      const u = process.cpuUsage(cpuBefore.self)
      return (u.user + u.system) / 1e6
    })(),
    postgres: postgresCpuSeconds() - cpuBefore.postgres,
  }
  const pgWaits = await waits.stop()

  for (const w of workers) w.child.send({ type: 'stop' })
  const stats = await Promise.all(workers.map((w) => w.stats))
  children.clear()

  // ---- checks ----------------------------------------------------------------------------------
  const [integrity] = (await db.execute(
    sql`select count(*)::int as jobs, count(distinct grant_id)::int as grants_with_job,
               coalesce(sum(attempts), 0)::int as attempts,
               count(*) filter (where attempts > 1)::int as retried,
               (select count(*)::int from grants where org_id = ${seeded.orgId}) as grants,
               (select count(*)::int from grants where org_id = ${seeded.orgId} and status = 'revoked') as revoked,
               (select count(*)::int from revocation_plans where org_id = ${seeded.orgId} and state <> 'done') as plans_open,
               (select count(*)::int from revocation_jobs j
                  join grants g on g.id = j.grant_id join people p on p.id = g.person_id
                  where j.org_id = ${seeded.orgId} and j.provider = 'github'
                    and j.provider_user_id is distinct from p.github_login) as github_without_login
        from revocation_jobs where org_id = ${seeded.orgId}`
  )) as unknown as Array<Record<string, number>>
  const tallies = sims.tally()
  const needed = callsNeeded(leavers, cfg.rps)
  const bottleneck = [...needed].sort((a, b) => b.seconds - a.seconds)[0]
  const minimumS = bottleneck?.seconds ?? 0
  const ratio = measuredS / minimumS
  const rateLimited = tallies.reduce((n, t) => n + t.rateLimited, 0)
  const duplicated = tallies.reduce((n, t) => n + t.duplicated, 0)
  const leftAtProviders = tallies.reduce((n, t) => n + t.left, 0)
  const lost = (integrity?.grants ?? 0) - (integrity?.grants_with_job ?? 0)
  const duplicateJobs = (integrity?.jobs ?? 0) - (integrity?.grants_with_job ?? 0)

  const summary = {
    grants: integrity?.grants ?? 0,
    providers: providers.join(', '),
    'limit (req/s per tenant)': cfg.rps,
    workers: cfg.workers,
    'minimum (s)': round(minimumS),
    'measured (s)': round(measuredS),
    ratio: round(ratio, 3),
    verified: counts.verified ?? 0,
    failed: counts.failed ?? 0,
    dead: counts.dead ?? 0,
    'other states': Object.entries(counts)
      .filter(([s]) => !['verified', 'failed', 'dead'].includes(s))
      .map(([s, n]) => `${s} ${n}`)
      .join(', '),
    'rate limited (429; GitHub 403)': rateLimited,
  }
  console.log('\nRevocation benchmark')
  console.table(summary)

  const perProvider = needed.map((n) => {
    const t = tallies.find((x) => x.provider === n.provider)
    const busy = t && t.last > t.first ? (t.last - t.first) / 1000 : 0
    return {
      provider: n.provider,
      jobs: n.jobs,
      bucket: n.bucket,
      'calls needed': n.calls,
      'calls made (not limited)': t?.byBucket[n.bucket] ?? 0,
      'rate limited': t?.rateLimited ?? 0,
      'minimum (s)': round(n.seconds),
      'last call (s)': t ? round((t.last - t0) / 1000) : 0,
      'achieved req/s': busy ? round((t?.byBucket[n.bucket] ?? 0) / busy, 1) : 0,
      'left at provider': t?.left ?? 0,
      'max deletes per grant': t?.maxDeletesPerGrant ?? 0,
    }
  })
  console.log('Per provider (the busiest rate-limit bucket of each)')
  console.table(perProvider)
  if (process.env.BENCH_TRACE)
    for (const t of tallies)
      console.log(
        `${t.provider} ${t.bucket} per second from ${round((t.first - t0) / 1000)} s: ${t.perSecond.join(' ')}`
      )

  const checks = {
    'every job verified': (counts.verified ?? 0) === jobsPlanned,
    'jobs = grants (none lost)': lost === 0 && (integrity?.jobs ?? 0) === (integrity?.grants ?? 0),
    'one job per grant': duplicateJobs === 0,
    'grants revoked in the database': integrity?.revoked === integrity?.grants,
    'every plan done': integrity?.plans_open === 0,
    'no grant skipped by the plans': seeded.skipped === 0,
    "GitHub jobs carry the person's login": (integrity?.github_without_login ?? 0) === 0,
    'nothing left at the providers': leftAtProviders === 0,
    'no grant deleted twice at a provider': duplicated === 0,
    [`ratio <= ${TARGET}`]: ratio <= TARGET,
  }
  console.log('Checks')
  console.table(
    Object.fromEntries(Object.entries(checks).map(([k, v]) => [k, v ? 'ok' : 'FAILED']))
  )

  const workerTable = stats.map((s) => {
    const requests = Object.values(s.requests).reduce((n, r) => n + r.count, 0)
    const requestSeconds = Object.values(s.requests).reduce((n, r) => n + r.seconds, 0)
    const perRequest = (seconds: number) => round((seconds / Math.max(1, requests)) * 1000)
    return {
      worker: s.workerId,
      calls: s.batches,
      'found nothing': s.emptyBatches,
      jobs: s.jobs,
      'busy (s)': round(s.busySeconds),
      'provider requests': requests,
      'request (ms, mean)': perRequest(requestSeconds),
      'budget wait (ms, mean)': s.pacedSeconds ? perRequest(s.pacedSeconds - requestSeconds) : '-',
      'event-loop delay p50/p99/max (ms)': `${s.loopDelayMs.p50}/${s.loopDelayMs.p99}/${s.loopDelayMs.max}`,
      errors: s.errors.length,
    }
  })
  console.log('Workers')
  console.table(workerTable)
  console.log(
    `attempts ${integrity?.attempts ?? 0} for ${integrity?.jobs ?? 0} jobs (${integrity?.retried ?? 0} jobs took more than one); ` +
      `plans approved in ${round(approvedS)} s; CPU s: workers ${round(cpu.workers, 1)}, bench+simulators ${round(cpu.bench, 1)}, ` +
      `postgres ${round(cpu.postgres, 1)} over ${round(measuredS, 1)} s on 2 cores`
  )
  console.log(`postgres backends by state (average): ${JSON.stringify(pgWaits.average)}`)
  // Other work on the machine slows every request: the 1-minute load average around the run.
  console.log(
    `load average before ${round(loadBefore)}, after ${round(loadavg()[0] ?? 0)} (2 cores)`
  )
  for (const s of stats) for (const e of s.errors.slice(0, 3)) console.log(`${s.workerId}: ${e}`)

  if (cfg.json)
    writeFileSync(
      cfg.json,
      JSON.stringify(
        { cfg, summary, perProvider, checks, workers: stats, cpu, pgWaits, integrity, tallies },
        null,
        2
      )
    )
  await database.close()
  await cleanup()
  const failed = Object.entries(checks).filter(([k, v]) => !v && !k.startsWith('ratio'))
  if (failed.length) {
    console.error(`FAILED: ${failed.map(([k]) => k).join('; ')}`)
    process.exitCode = 1
  }
}

main().catch(async (error) => {
  console.error(error)
  await cleanup()
  process.exit(1)
})
