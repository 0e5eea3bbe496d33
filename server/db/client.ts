// Opens the database: embedded PGlite in a data folder by default, PostgreSQL with DATABASE_URL.
import { PGlite } from '@electric-sql/pglite'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import { sql } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import postgres from 'postgres'
import { fileURLToPath } from 'node:url'
import * as schema from './schema/index.ts'

export type Schema = typeof schema
export type Db = PgDatabase<PgQueryResultHKT, Schema>
/** An open transaction. */
export type Transaction = Parameters<Parameters<Db['transaction']>[0]>[0]
/** A transaction or the database itself: queries accept either. */
export type Tx = Transaction | Db

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url))
/** Arbitrary constant: the advisory lock every process takes around migrations. */
const MIGRATION_LOCK = 727_003_001

export interface Database {
  db: Db
  kind: 'pglite' | 'postgres'
  /** Apply pending migrations; safe when several processes start at once. */
  migrate(): Promise<void>
  ping(): Promise<boolean>
  close(): Promise<void>
}

export type DbConfig =
  | { kind: 'pglite'; dataDir?: string; loadDataDir?: Blob }
  | { kind: 'postgres'; url: string; max?: number }

export async function createDb(config: DbConfig): Promise<Database> {
  if (config.kind === 'postgres') return createPostgres(config.url, config.max ?? 10)
  const client = await PGlite.create(
    config.dataDir
      ? { dataDir: config.dataDir, loadDataDir: config.loadDataDir }
      : { loadDataDir: config.loadDataDir }
  )
  const db = drizzlePglite({ client, schema }) as unknown as Db
  return {
    db,
    kind: 'pglite',
    // One PGlite data folder belongs to one process, so no lock is needed.
    migrate: () =>
      migratePglite(drizzlePglite({ client, schema }), { migrationsFolder: MIGRATIONS_FOLDER }),
    ping: () => ping(db),
    close: () => client.close(),
  }
}

async function createPostgres(url: string, max: number): Promise<Database> {
  const client = postgres(url, { max, onnotice: () => {} })
  const db = drizzlePostgres({ client, schema }) as unknown as Db
  return {
    db,
    kind: 'postgres',
    async migrate() {
      // A dedicated session holds the advisory lock while migrating: a second process waits,
      // then finds nothing left to apply.
      const lockClient = postgres(url, { max: 1, onnotice: () => {} })
      try {
        await lockClient`select pg_advisory_lock(${MIGRATION_LOCK})`
        await migratePostgres(drizzlePostgres({ client: lockClient }), {
          migrationsFolder: MIGRATIONS_FOLDER,
        })
        await lockClient`select pg_advisory_unlock(${MIGRATION_LOCK})`
      } finally {
        await lockClient.end()
      }
    },
    ping: () => ping(db),
    close: () => client.end(),
  }
}

async function ping(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`select 1`)
    return true
  } catch {
    return false
  }
}
