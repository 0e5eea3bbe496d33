// Fixed-window rate limits counted in the database, so every server process shares them, and
// paced request budgets (reserveRateSlots) on the same counters.
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

/** Windows of a key known to be full, per database and process: reservations start after them. */
const fullWindows = new WeakMap<Db, Map<string, number>>()

/**
 * Reserve the next `n` free slots of a request budget shared by every process: `limit` slots per
 * window of `windowMs`, spaced evenly through the window (windowMs / limit apart), so requests are
 * paced rather than sent in a burst at each window's start. Returns, for each slot, the
 * milliseconds to wait before sending (0: now), in order. Slots already in the past are skipped,
 * so a budget left unused for a while does not turn into a burst either. One statement reserves
 * all `n` (more only when they spill into the next window). The counters are the same rows as
 * hitRateLimit's; use keys of their own.
 */
export async function reserveRateSlots(
  db: Db,
  key: string,
  limit: number,
  windowMs: number,
  now: Date,
  n = 1
): Promise<number[]> {
  const t = now.getTime()
  const spacing = windowMs / limit
  const waits: number[] = []
  let fullUpTo = fullWindows.get(db)
  if (!fullUpTo) fullWindows.set(db, (fullUpTo = new Map()))
  let start = Math.max(Math.floor(t / windowMs) * windowMs, (fullUpTo.get(key) ?? 0) + windowMs)
  for (; waits.length < n; start += windowMs) {
    // The first slot not yet in the past; a window whose slots are all past is skipped.
    const first = Math.max(0, Math.ceil((t - start) / spacing))
    if (first >= limit) continue
    const wanted = n - waits.length
    const [row] = await db
      .insert(rateLimits)
      .values({ key, windowStart: new Date(start), count: first + wanted })
      .onConflictDoUpdate({
        target: [rateLimits.key, rateLimits.windowStart],
        set: { count: sql`greatest(${rateLimits.count}, ${first}) + ${wanted}` },
      })
      .returning({ count: rateLimits.count })
    const end = row?.count ?? first + wanted
    // Ours are the `wanted` slots before `end`; those past the window's limit are not slots.
    for (let slot = end - wanted; slot < Math.min(end, limit); slot++)
      waits.push(Math.max(0, Math.round(start + slot * spacing - t)))
    if (end >= limit) {
      // Counts only grow: this window stays full, and later reservations need not ask again.
      if (start > (fullUpTo.get(key) ?? 0)) fullUpTo.set(key, start)
      if (fullUpTo.size > 10_000) fullUpTo.clear()
    }
  }
  return waits
}

/** Forget windows that ended long ago (called now and then, from any process). */
export async function pruneRateLimits(db: Db, now: Date): Promise<void> {
  await db.delete(rateLimits).where(lt(rateLimits.windowStart, new Date(now.getTime() - 3_600_000)))
}
