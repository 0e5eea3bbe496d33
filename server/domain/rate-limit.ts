// Fixed-window rate limits counted in the database, so every server process shares them.
import { lt, sql } from 'drizzle-orm'
import { rateLimits } from '../db/schema/index.ts'
import type { Db } from '../db/client.ts'

export type RateLimitResult = { allowed: true } | { allowed: false; retryAfterSeconds: number }

export async function hitRateLimit(
  db: Db,
  key: string,
  limit: number,
  windowMs: number,
  now: Date
): Promise<RateLimitResult> {
  const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs)
  const [row] = await db
    .insert(rateLimits)
    .values({ key, windowStart, count: 1 })
    .onConflictDoUpdate({
      target: [rateLimits.key, rateLimits.windowStart],
      set: { count: sql`${rateLimits.count} + 1` },
    })
    .returning({ count: rateLimits.count })
  if ((row?.count ?? 0) <= limit) return { allowed: true }
  const retryAfterMs = windowStart.getTime() + windowMs - now.getTime()
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) }
}

/** Forget windows that ended long ago (called now and then, from any process). */
export async function pruneRateLimits(db: Db, now: Date): Promise<void> {
  await db.delete(rateLimits).where(lt(rateLimits.windowStart, new Date(now.getTime() - 3_600_000)))
}
