// Ingestion throughput of POST /api/v1/events against real server processes (PGlite, PostgreSQL,
// PostgreSQL with 4 processes), as events/s, batches/s and batch latency, with GET /healthz on
// the same servers and load generator as the machine baseline. Two load shapes per scenario:
//  - saturation: autocannon, BENCH_CONNECTIONS connections each sending the next batch as soon as
//    the previous one is answered (closed loop): the most the server does; latency there is
//    mostly queueing (connections / throughput);
//  - fixed rate: BENCH_RATE events/s (default 5,000 = 50 batches/s) sent on schedule whatever the
//    server does (open loop), latency timed from the scheduled send: the target check.
//
//   npm run bench:ingest
//   BENCH_SCENARIOS=pg BENCH_DURATION=15 BENCH_CONNECTIONS=32 npm run bench:ingest
//
// Settings (environment): BENCH_SCENARIOS (pglite,pg,pg4), BENCH_DURATION (s, 12, per phase),
// BENCH_RATE (events/s for the fixed-rate phase, 5000; 0 skips it), BENCH_APPS (app pool, 200),
// BENCH_WARMUP (s, 3), BENCH_BASELINE (s, 5), BENCH_CONNECTIONS (24), BENCH_DEVICES (20),
// BENCH_BATCH (100), BENCH_USAGE_SHARE (0.7), BENCH_POOL_SIZE (server DATABASE_POOL_SIZE, default
// the server's), BENCH_PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/test), BENCH_JSON (file),
// BENCH_NODE_ARGS (extra Node flags for the servers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"),
// BENCH_SERVER_ENTRY (server entry point, default server/main.ts via tsx; .js/.mjs runs on plain node).
import { PGlite } from '@electric-sql/pglite'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { appPool, makeBatch } from './ingest/event-mix.ts'
import { runLoad, type LoadResult } from './ingest/load.ts'
import { runOpenLoop, type OpenLoopResult } from './ingest/open-loop.ts'
import { provisionDevices, type Device } from './ingest/provision.ts'
import {
  countRows,
  createScratchDb,
  dropAllScratchDbs,
  sampleWaits,
} from './ingest/scratch-postgres.ts'
import {
  cpuSeconds,
  freePort,
  killAllServers,
  postgresCpuSeconds,
  startServer,
  type ServerProcess,
} from './ingest/server-process.ts'

const num = (name: string, fallback: number) => {
  const v = process.env[name]
  if (v === undefined || v === '') return fallback
  const n = Number(v)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${v}`)
  return n
}

const cfg = {
  scenarios: (process.env.BENCH_SCENARIOS ?? 'pglite,pg,pg4')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
  duration: num('BENCH_DURATION', 12),
  warmup: num('BENCH_WARMUP', 3),
  baseline: num('BENCH_BASELINE', 5),
  connections: num('BENCH_CONNECTIONS', 24),
  devices: num('BENCH_DEVICES', 20),
  batch: num('BENCH_BATCH', 100),
  usageShare: (() => {
    const share = Number(process.env.BENCH_USAGE_SHARE ?? 0.7)
    if (!(share >= 0 && share <= 1))
      throw new Error(
        `BENCH_USAGE_SHARE must be between 0 and 1, got ${process.env.BENCH_USAGE_SHARE}`
      )
    return share
  })(),
  rate: process.env.BENCH_RATE === '0' ? 0 : num('BENCH_RATE', 5000),
  apps: num('BENCH_APPS', 200),
  poolSize: process.env.BENCH_POOL_SIZE,
  pgAdminUrl: process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  json: process.env.BENCH_JSON,
}

interface ScenarioDef {
  id: string
  title: string
  db: 'pglite' | 'postgres'
  processes: number
}
const SCENARIOS: Record<string, ScenarioDef> = {
  pglite: { id: 'pglite', title: 'PGlite, 1 process', db: 'pglite', processes: 1 },
  pg: { id: 'pg', title: 'PostgreSQL, 1 process', db: 'postgres', processes: 1 },
  pg4: { id: 'pg4', title: 'PostgreSQL, 4 processes', db: 'postgres', processes: 4 },
}

interface ScenarioResult {
  scenario: ScenarioDef
  healthz: LoadResult
  ingest: LoadResult
  fixed: OpenLoopResult | null
  fixedWaits: Record<string, number> | null
  eventsPerSec: number
  batchesPerSec: number
  cpu: { servers: number; postgres: number; generator: number }
  stored: Record<string, number> | null
  expectedStoredAtLeast: number
  waits: Record<string, number> | null
}

const tempDirs: string[] = []
let cleaning: Promise<void> | null = null
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    killAllServers('SIGKILL')
    await dropAllScratchDbs()
    for (const d of tempDirs) rmSync(d, { recursive: true, force: true })
  })()
  return cleaning
}
process.on('exit', () => killAllServers('SIGKILL'))
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping servers and dropping scratch databases`)
    void cleanup().finally(() => process.exit(130))
  })
}

/** The server's environment: inherited, minus database settings, plus the benchmark's. */
function serverEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (
      v !== undefined &&
      !['DATABASE_URL', 'DATA_DIR', 'PORT', 'PUBLIC_URL', 'DATABASE_POOL_SIZE'].includes(k)
    )
      env[k] = v
  }
  return {
    ...env,
    HOST: '127.0.0.1',
    INGEST_RATE_PER_MINUTE: '1000000',
    // The login limit's variable was renamed; set both names (unknown variables are ignored).
    LOGIN_ATTEMPTS_PER_15_MIN: '1000000',
    LOGIN_FAILURES_PER_15_MIN: '1000000',
    ...(cfg.poolSize ? { DATABASE_POOL_SIZE: cfg.poolSize } : {}),
    ...extra,
  }
}

async function pgliteCounts(dataDir: string): Promise<Record<string, number>> {
  const db = await PGlite.create({ dataDir })
  try {
    const { rows } = await db.query<Record<string, number>>(
      `select (select count(*)::int from consent_events) as events, (select count(*)::int from grants) as grants,
              (select count(*)::int from apps) as apps, (select count(*)::int from audit_log) as audit`
    )
    return rows[0] ?? {}
  } finally {
    await db.close()
  }
}

async function runScenario(def: ScenarioDef): Promise<ScenarioResult> {
  console.log(`\n== ${def.title}`)
  let dataDir: string | null = null
  let dbUrl: string | null = null
  let dbName: string | null = null
  let dropDb: (() => Promise<void>) | null = null
  if (def.db === 'pglite') {
    dataDir = mkdtempSync(join(tmpdir(), 'consentry-bench-'))
    tempDirs.push(dataDir)
  } else {
    const scratch = await createScratchDb(cfg.pgAdminUrl)
    dbUrl = scratch.url
    dropDb = scratch.drop
    dbName = scratch.name
    console.log(`   scratch database ${scratch.name}`)
  }

  const servers: ServerProcess[] = []
  try {
    const ports: number[] = []
    for (let i = 0; i < def.processes; i++) ports.push(await freePort())
    const started = Date.now()
    // All processes start together, as a real multi-process deployment would (shared migrations).
    const results = await Promise.allSettled(
      ports.map((port, i) =>
        startServer(
          serverEnv({
            PORT: String(port),
            ...(dataDir ? { DATA_DIR: dataDir } : {}),
            ...(dbUrl ? { DATABASE_URL: dbUrl } : {}),
          }),
          `${def.id}#${i + 1} (port ${port})`
        )
      )
    )
    for (const r of results) if (r.status === 'fulfilled') servers.push(r.value)
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) throw failed.reason
    console.log(
      `   ${servers.length} server process(es) ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ports ${ports.join(', ')}`
    )

    const token = servers.map((s) => s.setupToken()).find((t): t is string => !!t)
    if (!token)
      throw new Error('no server printed a setup token (a line with /setup?token=) on stdout')
    const first = servers[0]!
    const devices: Device[] = await provisionDevices(
      first.url,
      `http://localhost:${first.port}`,
      token,
      cfg.devices
    )
    console.log(`   enrolled ${devices.length} devices`)

    const urls = servers.map((s) => s.url)
    // Baseline: the same load generator against GET /healthz (no database), after a short warm-up.
    await runLoad({
      urls,
      connections: cfg.connections,
      durationSeconds: 1,
      method: 'GET',
      path: '/healthz',
    })
    const healthz = await runLoad({
      urls,
      connections: cfg.connections,
      durationSeconds: cfg.baseline,
      method: 'GET',
      path: '/healthz',
    })
    console.log(
      `   GET /healthz baseline: ${(healthz.ok / healthz.seconds).toFixed(0)} req/s, p99 ${healthz.p99.toFixed(2)} ms`
    )

    const apps = appPool(cfg.apps)
    let counter = 0
    const next = () => {
      const i = counter++ % devices.length
      const device = devices[i]!
      return {
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${device.credential}`,
        },
        body: JSON.stringify({
          events: makeBatch(device.email, i, {
            batchSize: cfg.batch,
            usageShare: cfg.usageShare,
            apps,
          }),
        }),
      }
    }
    const ingestLoad = (durationSeconds: number) =>
      runLoad({
        urls,
        connections: cfg.connections,
        durationSeconds,
        method: 'POST',
        path: '/api/v1/events',
        next,
        expectAccepted: cfg.batch,
      })

    const warm = await ingestLoad(cfg.warmup)
    console.log(
      `   warm-up ${cfg.warmup} s: ${warm.ok} batches, ${warm.non2xx} non-2xx, ${warm.errors} errors`
    )

    /** Runs one load phase while measuring CPU (servers, PostgreSQL, generator) and PostgreSQL waits. */
    async function phase<T extends { seconds: number }>(name: string, run: () => Promise<T>) {
      const servers0 = servers.reduce((sum, p) => sum + (cpuSeconds(p.child.pid ?? -1) ?? 0), 0)
      const pg0 = def.db === 'postgres' ? postgresCpuSeconds() : 0
      const self0 = process.cpuUsage()
      const sampler = dbName ? sampleWaits(cfg.pgAdminUrl, dbName) : null
      const result = await run()
      const waits = sampler ? await sampler.stop() : null
      const self = process.cpuUsage(self0)
      const cpu = {
        servers:
          (servers.reduce((sum, p) => sum + (cpuSeconds(p.child.pid ?? -1) ?? 0), 0) - servers0) /
          result.seconds,
        postgres: def.db === 'postgres' ? (postgresCpuSeconds() - pg0) / result.seconds : 0,
        generator: (self.user + self.system) / 1e6 / result.seconds,
      }
      if (waits) {
        const top = Object.entries(waits.average)
          .slice(0, 5)
          .map(([k, n]) => `${k}=${n}`)
          .join(', ')
        console.log(`   ${name}: postgres backends on average (${waits.samples} samples): ${top}`)
      }
      return { result, cpu, waits: waits?.average ?? null }
    }

    let fixed: Awaited<ReturnType<typeof phase<OpenLoopResult>>> | null = null
    if (cfg.rate > 0) {
      fixed = await phase('fixed rate', () =>
        runOpenLoop({
          urls,
          ratePerSecond: cfg.rate / cfg.batch,
          durationSeconds: cfg.duration,
          path: '/api/v1/events',
          next,
          maxInFlight: 128,
        })
      )
      const f = fixed.result
      console.log(
        `   fixed rate ${cfg.rate} events/s for ${cfg.duration} s: ${f.ok}/${f.scheduled} batches ok, ${f.skipped} skipped (128 in flight), ${f.errors} errors, p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms, took ${f.seconds.toFixed(1)} s`
      )
    }

    const sat = await phase('saturation', () => ingestLoad(cfg.duration))
    const ingest = sat.result
    const codes = Object.entries(ingest.statusCodes)
      .map(([c, n]) => `${c}:${n}`)
      .join(' ')
    console.log(
      `   saturation ${cfg.duration} s: ${ingest.ok} batches ok, status ${codes}, ${ingest.errors} errors, ${ingest.partial} partial`
    )
    for (const s of servers) {
      const errs = s
        .stderrTail()
        .split('\n')
        .filter((l) => l.includes('"level":"error"'))
      if (errs.length)
        console.log(
          `   ${errs.length} error log line(s) from port ${s.port}, last: ${errs[errs.length - 1]!.slice(0, 600)}`
        )
    }

    await Promise.all(servers.map((s) => s.stop()))
    const stored = dataDir ? await pgliteCounts(dataDir) : dbUrl ? await countRows(dbUrl) : null
    const expectedStoredAtLeast = warm.accepted + ingest.accepted + (fixed?.result.accepted ?? 0)
    console.log(
      `   stored: ${JSON.stringify(stored)} (responses accepted ${expectedStoredAtLeast} events)`
    )

    return {
      scenario: def,
      healthz,
      ingest,
      fixed: fixed?.result ?? null,
      fixedWaits: fixed?.waits ?? null,
      eventsPerSec: ingest.accepted / ingest.seconds,
      batchesPerSec: ingest.ok / ingest.seconds,
      cpu: sat.cpu,
      stored,
      expectedStoredAtLeast,
      waits: sat.waits,
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop().catch(() => {})))
    if (dropDb) await dropDb()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  }
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)]
}

const TARGET = { eventsPerSec: 5000, p99Ms: 50 }

function printTables(results: ScenarioResult[]) {
  const healthzRate = (r: ScenarioResult) => r.healthz.ok / r.healthz.seconds
  console.log(
    `\nIngestion, batches of ${cfg.batch} (${Math.round(cfg.usageShare * 100)}% ai_usage, ${cfg.apps} apps), ${cfg.devices} devices, ${cfg.duration} s per phase`
  )
  console.log(`\nSaturation (closed loop, ${cfg.connections} connections)`)
  for (const l of table(
    [
      'scenario',
      'events/s',
      'batches/s',
      'p50 ms',
      'p99 ms',
      'max ms',
      'err/non2xx',
      'healthz/s',
      'ratio',
      'cpu srv/pg/gen %',
    ],
    results.map((r) => [
      r.scenario.title,
      r.eventsPerSec.toFixed(0),
      r.batchesPerSec.toFixed(1),
      r.ingest.p50.toFixed(1),
      r.ingest.p99.toFixed(1),
      r.ingest.max.toFixed(0),
      `${r.ingest.errors}/${r.ingest.non2xx}`,
      healthzRate(r).toFixed(0),
      `${((r.batchesPerSec / healthzRate(r)) * 100).toFixed(2)}%`,
      `${(r.cpu.servers * 100).toFixed(0)}/${(r.cpu.postgres * 100).toFixed(0)}/${(r.cpu.generator * 100).toFixed(0)}`,
    ])
  ))
    console.log(l)
  console.log(
    'ratio = ingest batches/s ÷ GET /healthz req/s, same servers and generator (compare across machines); cpu in % of one core'
  )

  const withFixed = results.filter((r) => r.fixed)
  if (withFixed.length === 0) return
  console.log(
    `\nFixed rate (open loop): ${cfg.rate} events/s offered = ${(cfg.rate / cfg.batch).toFixed(0)} batches/s, latency from the scheduled send`
  )
  for (const l of table(
    ['scenario', 'achieved ev/s', 'p50 ms', 'p99 ms', 'max ms', 'err/non2xx/skipped', 'target'],
    withFixed.map((r) => {
      const f = r.fixed!
      const achieved = f.accepted / f.seconds
      const met =
        cfg.rate >= TARGET.eventsPerSec &&
        achieved >= cfg.rate * 0.98 &&
        f.p99 < TARGET.p99Ms &&
        f.errors + f.non2xx + f.skipped === 0
      return [
        r.scenario.title,
        achieved.toFixed(0),
        f.p50.toFixed(1),
        f.p99.toFixed(1),
        f.max.toFixed(0),
        `${f.errors}/${f.non2xx}/${f.skipped}`,
        r.scenario.db === 'postgres' ? (met ? 'MET' : 'MISSED') : '-',
      ]
    })
  ))
    console.log(l)
  console.log(
    `target on PostgreSQL: >= ${TARGET.eventsPerSec} events/s in batches of 100 with p99 < ${TARGET.p99Ms} ms and no errors`
  )
}

async function main() {
  const unknown = cfg.scenarios.filter((s) => !SCENARIOS[s])
  if (unknown.length)
    throw new Error(
      `unknown scenario(s) ${unknown.join(', ')}; choose from ${Object.keys(SCENARIOS).join(', ')}`
    )
  const results: ScenarioResult[] = []
  for (const id of cfg.scenarios) results.push(await runScenario(SCENARIOS[id]!))
  printTables(results)
  if (cfg.json) writeFileSync(cfg.json, JSON.stringify({ config: cfg, results }, null, 2))
  const short = results.filter((r) => r.stored && (r.stored.events ?? 0) < r.expectedStoredAtLeast)
  if (short.length) {
    throw new Error(
      `stored fewer events than the server acknowledged in: ${short.map((r) => r.scenario.title).join(', ')}`
    )
  }
}

main()
  .then(() => cleanup())
  .catch(async (error: unknown) => {
    console.error(
      `\ningest benchmark failed: ${error instanceof Error ? error.message : String(error)}`
    )
    await cleanup()
    process.exit(1)
  })
