// The outbox keeps every event until acknowledged, once per id, oldest first.
import { beforeEach, describe, expect, it } from 'vitest'
import { createExtensionDb, type ExtensionDb } from './db.ts'
import { createOutbox } from './outbox.ts'
import type { DeviceEventInput } from '../../../shared/api/events.ts'

const usage = (id: string): DeviceEventInput => ({
  id,
  type: 'ai_usage',
  occurredAt: '2026-11-23T08:00:00Z',
  domain: 'chatgpt.com',
  day: '2026-11-23',
  visits: 1,
  signIns: 0,
})

describe('outbox', () => {
  let db: ExtensionDb
  beforeEach(async () => {
    db = createExtensionDb(`test-${crypto.randomUUID()}`)
    await db.open()
  })

  it('keeps events in order and once per id', async () => {
    const outbox = createOutbox(db, () => 1000)
    await outbox.enqueue([usage('a'), usage('b')])
    await outbox.enqueue([usage('a'), usage('c')])
    expect((await outbox.peek(10)).map((r) => r.id).sort()).toEqual(['a', 'b', 'c'])
    expect(await outbox.size()).toBe(3)
  })

  it('forgets only what was acknowledged', async () => {
    const outbox = createOutbox(db)
    await outbox.enqueue([usage('a'), usage('b'), usage('c')])
    await outbox.remove(['a', 'c'])
    expect((await outbox.peek(10)).map((r) => r.id)).toEqual(['b'])
  })

  it('moves refused events aside with the reason instead of dropping them', async () => {
    const outbox = createOutbox(db)
    await outbox.enqueue([usage('a'), usage('b')])
    await outbox.deadLetter([{ id: 'a', reason: 'outcome: invalid option' }], 5)
    expect(await outbox.size()).toBe(1)
    expect(await db.deadLetters.toArray()).toEqual([
      { id: 'a', event: usage('a'), reason: 'outcome: invalid option', at: 5 },
    ])
  })

  it('survives a reopened database (a browser restart)', async () => {
    const name = `restart-${crypto.randomUUID()}`
    const first = createExtensionDb(name)
    await createOutbox(first).enqueue([usage('x')])
    first.close()
    const second = createExtensionDb(name)
    expect((await createOutbox(second).peek(5)).map((r) => r.id)).toEqual(['x'])
  })
})
