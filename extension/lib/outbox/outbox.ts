// The outbox: every event is written here first and leaves only when the server acknowledged it.
import type { DeviceEventInput } from '../../../shared/api/events.ts'
import type { ExtensionDb, OutboxRow } from './db.ts'

export interface Outbox {
  enqueue(events: DeviceEventInput[]): Promise<void>
  /** The oldest events, up to `limit`. */
  peek(limit: number): Promise<OutboxRow[]>
  /** Acknowledged by the server (stored now or earlier): forget them. */
  remove(ids: string[]): Promise<void>
  markAttempt(ids: string[]): Promise<void>
  /** The server refused these for good: keep them aside with the reason, never resend. */
  deadLetter(items: Array<{ id: string; reason: string }>, now: number): Promise<void>
  size(): Promise<number>
  deadCount(): Promise<number>
}

export function createOutbox(db: ExtensionDb, clock: () => number = Date.now): Outbox {
  return {
    async enqueue(events) {
      if (events.length === 0) return
      const now = clock()
      // bulkPut: an event id enqueued twice stays one row.
      await db.outbox.bulkPut(
        events.map((event, i) => ({ id: event.id, event, createdAt: now + i / 1000, attempts: 0 }))
      )
    },
    peek: (limit) => db.outbox.orderBy('createdAt').limit(limit).toArray(),
    remove: async (ids) => {
      await db.outbox.bulkDelete(ids)
    },
    async markAttempt(ids) {
      await db.transaction('rw', db.outbox, async () => {
        for (const id of ids)
          await db.outbox
            .where('id')
            .equals(id)
            .modify((row) => void (row.attempts += 1))
      })
    },
    async deadLetter(items, now) {
      await db.transaction('rw', db.outbox, db.deadLetters, async () => {
        const rows = await db.outbox.bulkGet(items.map((i) => i.id))
        const dead = items.flatMap((item, i) => {
          const row = rows[i]
          return row ? [{ id: item.id, event: row.event, reason: item.reason, at: now }] : []
        })
        await db.deadLetters.bulkPut(dead)
        await db.outbox.bulkDelete(items.map((i) => i.id))
      })
    },
    size: () => db.outbox.count(),
    deadCount: () => db.deadLetters.count(),
  }
}
