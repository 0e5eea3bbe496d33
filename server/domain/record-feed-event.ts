// Replay protection and idempotency for the push feeds (HR webhook, Shared Signals): an event id
// is applied once per organisation and feed; a resend of the same event is a duplicate, a
// different event under a used id is a conflict.
import { and, eq } from 'drizzle-orm'
import { receivedFeedEvents } from '../db/schema/index.ts'
import type { Transaction } from '../db/client.ts'
import { canonicalJson } from './audit-chain.ts'

export type FeedName = 'hr' | 'ssf'

/**
 * Record an event id inside the transaction that applies the event. On PostgreSQL a concurrent
 * delivery of the same id waits on the unique index until this transaction ends, then sees it.
 */
export async function recordFeedEvent(
  tx: Transaction,
  input: { orgId: string; feed: FeedName; eventId: string; payload: Record<string, unknown> },
  now: Date
): Promise<'new' | 'duplicate' | 'conflict'> {
  const [row] = await tx
    .insert(receivedFeedEvents)
    .values({ ...input, receivedAt: now })
    .onConflictDoNothing({
      target: [receivedFeedEvents.orgId, receivedFeedEvents.feed, receivedFeedEvents.eventId],
    })
    .returning({ id: receivedFeedEvents.id })
  if (row) return 'new'
  const [prior] = await tx
    .select({ payload: receivedFeedEvents.payload })
    .from(receivedFeedEvents)
    .where(
      and(
        eq(receivedFeedEvents.orgId, input.orgId),
        eq(receivedFeedEvents.feed, input.feed),
        eq(receivedFeedEvents.eventId, input.eventId)
      )
    )
  return prior && canonicalJson(prior.payload) === canonicalJson(input.payload)
    ? 'duplicate'
    : 'conflict'
}
