// A throw-away PostgreSQL database per scenario, created and dropped through an admin URL.
import { randomBytes } from 'node:crypto'
import postgres from 'postgres'

export interface ScratchDb {
  name: string
  url: string
  drop(): Promise<void>
}

const created = new Map<string, () => Promise<void>>()

export async function createScratchDb(adminUrl: string): Promise<ScratchDb> {
  const name = `consentry_bench_${randomBytes(5).toString('hex')}`
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 })
  try {
    await admin.unsafe(`create database "${name}"`)
  } finally {
    await admin.end()
  }
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  let dropped = false
  const drop = async () => {
    if (dropped) return
    dropped = true
    created.delete(name)
    const sql = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 })
    try {
      await sql.unsafe(`drop database if exists "${name}" with (force)`)
    } finally {
      await sql.end()
    }
  }
  created.set(name, drop)
  return { name, url: url.toString(), drop }
}

/** Drop every scratch database still around (on exit or error). */
export async function dropAllScratchDbs(): Promise<void> {
  for (const drop of [...created.values()]) {
    try {
      await drop()
    } catch (error) {
      console.error(`could not drop a scratch database: ${String(error)}`)
    }
  }
}

/** Row counts in a scratch database, to check what the server really stored. */
export async function countRows(url: string): Promise<Record<string, number>> {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    const [row] = await sql<Record<string, string>[]>`
      select (select count(*) from consent_events) as events,
             (select count(*) from grants) as grants,
             (select count(*) from apps) as apps,
             (select count(*) from audit_log) as audit`
    return Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, Number(v)]))
  } finally {
    await sql.end()
  }
}

export interface WaitSampler {
  /** Average number of the database's backends per state/wait event over the samples. */
  stop(): Promise<{ samples: number; average: Record<string, number> }>
}

/**
 * Samples pg_stat_activity of one database every `everyMs` while the load runs: shows whether
 * backends wait for the application (idle in transaction / ClientRead) or for locks.
 */
export function sampleWaits(adminUrl: string, dbName: string, everyMs = 100): WaitSampler {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} })
  const totals: Record<string, number> = {}
  let samples = 0
  let running = true
  const loop = (async () => {
    while (running) {
      const rows = await sql<{ k: string; n: number }[]>`
        select coalesce(state, '?') || coalesce(' / ' || wait_event_type || ':' || wait_event, '')
                 || case when wait_event_type = 'Lock'
                         then ' [' || split_part(regexp_replace(query, '[[:space:]]+', ' ', 'g'), ' (', 1) || ']' else '' end as k,
               count(*)::int as n
        from pg_stat_activity where datname = ${dbName} and pid <> pg_backend_pid() group by 1`
      samples++
      for (const r of rows) totals[r.k] = (totals[r.k] ?? 0) + r.n
      await new Promise((r) => setTimeout(r, everyMs))
    }
  })()
  return {
    async stop() {
      running = false
      await loop.catch(() => {})
      await sql.end()
      const average = Object.fromEntries(
        Object.entries(totals)
          .sort((a, b) => b[1] - a[1])
          .map(([k, n]) => [k, Math.round((n / Math.max(1, samples)) * 10) / 10])
      )
      return { samples, average }
    },
  }
}
