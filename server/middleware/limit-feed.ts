// Push feeds (HR webhook, Shared Signals) are reachable by anyone who knows their URL: count the
// deliveries per organisation and feed before any signature is checked, and answer 429 with
// Retry-After past the limit (a flood of forged deliveries costs the database one counter each).
import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { hitRateLimit } from '../domain/rate-limit.ts'

export function limitFeed(
  feed: 'hr' | 'ssf',
  orgOf: (c: Context<AppEnv>) => string | undefined,
  tooMany: (c: Context<AppEnv>, retryAfterSeconds: number) => Response
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { db, clock, limits } = c.var.deps
    // An absent or odd org id is refused by the feed itself; count it under one key.
    const org = /^[0-9a-f-]{36}$/i.test(orgOf(c) ?? '') ? orgOf(c)!.toLowerCase() : 'unknown'
    const result = await hitRateLimit(
      db,
      `feed:${feed}:${org}`,
      limits.feedDeliveriesPerMinute,
      60_000,
      clock()
    )
    if (!result.allowed) {
      c.header('Retry-After', String(result.retryAfterSeconds))
      c.var.deps.log.warn('feed: delivery rate limited', { feed, org })
      return tooMany(c, result.retryAfterSeconds)
    }
    await next()
  }
}
