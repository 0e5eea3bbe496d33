// Rate-limit windows shared through the database: counted, and pruned once long over.
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, type TestServer } from '../../test/support/test-server.ts'
import { TEST_DB_KINDS } from '../../test/support/test-db.ts'
import { rateLimits } from '../db/schema/index.ts'
import { hitRateLimit, pruneRateLimits, reserveRateSlots } from './rate-limit.ts'

describe.each(TEST_DB_KINDS)('rate limits on %s', (kind) => {
  let server: TestServer
  beforeAll(async () => {
    server = await createTestServer(kind)
  })
  afterAll(() => server.close())

  const now = new Date('2026-11-23T09:00:00Z')
  const ago = (ms: number) => new Date(now.getTime() - ms)
  const keys = async (prefix: string) =>
    (await server.db.db.select().from(rateLimits))
      .filter((r) => r.key.startsWith(prefix))
      .map((r) => `${r.key}@${r.windowStart.toISOString()}`)
      .sort()

  it('allows up to the limit per window, then says how long to wait', async () => {
    const at = new Date('2026-11-23T09:00:00.250Z')
    expect(await hitRateLimit(server.db.db, 'count:a', 2, 1000, at)).toEqual({ allowed: true })
    expect(await hitRateLimit(server.db.db, 'count:a', 2, 1000, at)).toEqual({ allowed: true })
    expect(await hitRateLimit(server.db.db, 'count:a', 2, 1000, at)).toEqual({
      allowed: false,
      retryAfterSeconds: 1,
    })
  })

  it('prunes the windows that ended over an hour ago, and keeps the recent ones', async () => {
    await hitRateLimit(server.db.db, 'prune:old', 10, 1000, ago(3 * 3_600_000))
    await hitRateLimit(server.db.db, 'prune:old', 10, 1000, ago(3_600_000 + 5_000))
    await hitRateLimit(server.db.db, 'prune:recent', 10, 1000, ago(30 * 60_000))
    await reserveRateSlots(server.db.db, 'prune:pace', 5, 10_000, ago(2 * 3_600_000))
    await reserveRateSlots(server.db.db, 'prune:pace', 5, 10_000, now)
    expect(await keys('prune:')).toHaveLength(5)
    await pruneRateLimits(server.db.db, now)
    expect(await keys('prune:')).toEqual([
      `prune:pace@${now.toISOString()}`,
      `prune:recent@${ago(30 * 60_000).toISOString()}`,
    ])
    // Pruning again changes nothing; a counter still in use keeps counting.
    await pruneRateLimits(server.db.db, now)
    expect(await keys('prune:')).toHaveLength(2)
    const [row] = await server.db.db
      .select({ count: rateLimits.count })
      .from(rateLimits)
      .where(eq(rateLimits.key, 'prune:recent'))
    expect(row?.count).toBe(1)
  })
})
