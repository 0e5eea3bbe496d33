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
