// Forgetting the ids of received feed events once the feed would refuse the event anyway: the
// replay protection of recordFeedEvent needs them only that long.
import { and, eq, lt } from 'drizzle-orm'
import { receivedFeedEvents } from '../db/schema/index.ts'
import type { Db } from '../db/client.ts'
import { HR_TIMESTAMP_TOLERANCE_SECONDS } from './hr-events.ts'
import type { FeedName } from './record-feed-event.ts'
import { SET_MAX_AGE_SECONDS } from './verify-security-event-token.ts'

/**
 * How long an event id must be remembered: as long as the feed would still accept the event (the
 * HR webhook's timestamp window, a SET's maximum age), with a day to spare.
 */
export const FEED_EVENT_RETENTION_MS: Record<FeedName, number> = {
  hr: (HR_TIMESTAMP_TOLERANCE_SECONDS + 86_400) * 1000,
  ssf: (SET_MAX_AGE_SECONDS + 86_400) * 1000,
}

/** Forget event ids no feed would accept again; returns how many were deleted. */
export async function pruneFeedEvents(db: Db, now: Date): Promise<number> {
  let deleted = 0
  for (const [feed, keepMs] of Object.entries(FEED_EVENT_RETENTION_MS)) {
    const rows = await db
      .delete(receivedFeedEvents)
      .where(
        and(
          eq(receivedFeedEvents.feed, feed),
          lt(receivedFeedEvents.receivedAt, new Date(now.getTime() - keepMs))
        )
      )
      .returning({ id: receivedFeedEvents.id })
    deleted += rows.length
  }
  return deleted
}
