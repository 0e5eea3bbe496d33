// Migrations: applied once and safely even when several processes start together.
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, TEST_DB_KINDS, type TestDatabase } from '../../test/support/test-db.ts'
import { createDb, MIGRATIONS_FOLDER } from './client.ts'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const JOURNAL = JSON.parse(
  readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')
) as { entries: unknown[] }

describe.each(TEST_DB_KINDS)('migrations on %s', (kind) => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await createTestDatabase(kind)
  })
  afterAll(() => db.dispose())

  it('applies nothing twice when several migrators run at the same time', async () => {
    const url = kind === 'postgres' ? await currentUrl(db) : null
    // Separate connections stand in for separate processes on PostgreSQL.
    const others = url
      ? await Promise.all([1, 2, 3].map(() => createDb({ kind: 'postgres', url, max: 2 })))
      : []
    try {
      await Promise.all([db.migrate(), db.migrate(), ...others.map((o) => o.migrate())])
      const rows = await db.db.execute<{ n: number }>(
        sql`select count(*)::int as n from drizzle.__drizzle_migrations`
      )
      const list = (
        Array.isArray(rows) ? rows : (rows as unknown as { rows: Array<{ n: number }> }).rows
      ) as Array<{ n: number }>
      expect(list[0]?.n).toBe(JOURNAL.entries.length)
    } finally {
      await Promise.all(others.map((o) => o.close()))
    }
  })

  it('answers the readiness ping', async () => {
    expect(await db.ping()).toBe(true)
  })
})

async function currentUrl(db: TestDatabase): Promise<string> {
  const rows = await db.db.execute<{ name: string }>(sql`select current_database() as name`)
  const list = (
    Array.isArray(rows) ? rows : (rows as unknown as { rows: Array<{ name: string }> }).rows
  ) as Array<{ name: string }>
  const url = new URL(process.env.DATABASE_URL ?? '')
  url.pathname = `/${list[0]?.name}`
  return url.href
}
