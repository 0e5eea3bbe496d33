// Fresh, migrated databases for tests: PGlite from a migrated snapshot, or a scratch PostgreSQL
// database (created from DATABASE_URL, dropped afterwards).
import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { createDb, type Database } from '../../server/db/client.ts'

export type TestDbKind = 'pglite' | 'postgres'

/** PGlite always; PostgreSQL too when DATABASE_URL is set (as in CI). */
export const TEST_DB_KINDS: TestDbKind[] = process.env.DATABASE_URL
  ? ['pglite', 'postgres']
  : ['pglite']

let snapshot: Promise<Blob> | null = null

async function migratedSnapshot(): Promise<Blob> {
  snapshot ??= (async () => {
    const db = await createDb({ kind: 'pglite' })
    await db.migrate()
    const client = (db as unknown as { db: { $client: { dumpDataDir(c: 'none'): Promise<Blob> } } })
      .db.$client
    const dump = await client.dumpDataDir('none')
    await db.close()
    return dump
  })()
  return snapshot
}

export interface TestDatabase extends Database {
  /** Drop the scratch database (PostgreSQL) or close PGlite. */
  dispose(): Promise<void>
}

export async function createTestDatabase(kind: TestDbKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const db = await createDb({ kind: 'pglite', loadDataDir: await migratedSnapshot() })
    return { ...db, dispose: () => db.close() }
  }
  const base = process.env.DATABASE_URL
  if (!base) throw new Error('DATABASE_URL is not set')
  const name = `consentry_t_${randomBytes(6).toString('hex')}`
  const admin = postgres(base, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  const url = new URL(base)
  url.pathname = `/${name}`
  const db = await createDb({ kind: 'postgres', url: url.href, max: 10 })
  await db.migrate()
  return {
    ...db,
    async dispose() {
      await db.close()
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    },
  }
}
