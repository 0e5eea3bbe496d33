// Ids of received HR and Shared Signals events: kept while the feed would still accept the event,
// then forgotten.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, type TestServer } from '../../test/support/test-server.ts'
import { TEST_DB_KINDS } from '../../test/support/test-db.ts'
import { receivedFeedEvents } from '../db/schema/index.ts'
import { FEED_EVENT_RETENTION_MS, pruneFeedEvents } from './prune-feed-events.ts'
import { recordFeedEvent, type FeedName } from './record-feed-event.ts'

describe.each(TEST_DB_KINDS)('pruning feed event ids on %s', (kind) => {
  let server: TestServer
  let orgId = ''
  beforeAll(async () => {
    server = await createTestServer(kind)
    orgId = (await server.createOrg()).orgId
  })
  afterAll(() => server.close())

  const now = new Date('2026-11-23T09:00:00Z')
  const record = (feed: FeedName, eventId: string, ageMs: number) =>
    server.db.db.transaction((tx) =>
      recordFeedEvent(
        tx,
        { orgId, feed, eventId, payload: { eventId } },
        new Date(now.getTime() - ageMs)
      )
    )

  it('forgets ids older than the feed accepts, keeps the others, and a kept id still stops a replay', async () => {
    const day = 86_400_000
    await record('hr', 'hr-old', FEED_EVENT_RETENTION_MS.hr + 1000)
    await record('hr', 'hr-recent', FEED_EVENT_RETENTION_MS.hr - 60_000)
    await record('ssf', 'ssf-old', FEED_EVENT_RETENTION_MS.ssf + 1000)
    await record('ssf', 'ssf-recent', 20 * day)
    expect(await pruneFeedEvents(server.db.db, now)).toBe(2)
    const left = (await server.db.db.select().from(receivedFeedEvents)).map((r) => r.eventId)
    expect(left.sort()).toEqual(['hr-recent', 'ssf-recent'])
    expect(await record('ssf', 'ssf-recent', 0)).toBe('duplicate')
    expect(await pruneFeedEvents(server.db.db, now)).toBe(0)
  })

  it('keeps HR ids longer than its timestamp window and SET ids longer than their maximum age', () => {
    expect(FEED_EVENT_RETENTION_MS.hr).toBeGreaterThan(300_000)
    expect(FEED_EVENT_RETENTION_MS.ssf).toBeGreaterThan(30 * 86_400_000)
  })
})
