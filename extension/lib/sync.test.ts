// The flusher delivers the outbox, keeps what was not acknowledged, and backs off on failure.
import { fakeBrowser } from 'wxt/testing/fake-browser'
import { beforeEach, describe, expect, it } from 'vitest'
import type { DeviceEventInput } from '../../shared/api/events.ts'
import { createEnrollmentStore } from './enrollment.ts'
import { backoffDelay, createSyncer } from './sync.ts'
import { createTestStore } from './test-support.ts'

const usage = (id: string): DeviceEventInput => ({
  id,
  type: 'ai_usage',
  occurredAt: '2026-11-23T08:00:00Z',
  domain: 'chatgpt.com',
  day: '2026-11-23',
  visits: 1,
  signIns: 0,
})

type Handler = (body: { events: Array<{ id: string }> }) => Response | Promise<Response>

describe('syncer', () => {
  let store: ReturnType<typeof createTestStore>
  let handler: Handler
  let requests: Array<{ events: Array<{ id: string }>; auth: string | null }>
  let wakes: number[]
  let syncer: ReturnType<typeof createSyncer>

  beforeEach(async () => {
    fakeBrowser.reset()
    store = createTestStore()
    requests = []
    wakes = []
    handler = (body) =>
      Response.json({ accepted: body.events.map((e) => e.id), duplicates: [], rejected: [] })
    const enrollment = createEnrollmentStore(fakeBrowser.storage.local)
    await enrollment.set({
      serverUrl: 'https://consentry.test',
      credential: 'cdv_x',
      deviceId: 'd',
      orgName: 'Acme',
      email: null,
      enrolledAt: 0,
      state: 'active',
    })
    syncer = createSyncer({
      outbox: store.outbox,
      enrollment,
      storage: fakeBrowser.storage.local,
      clock: store.clock,
      random: () => 0.5,
      scheduleWake: (at) => void wakes.push(at),
      batchSize: 2,
      fetch: async (_url, init) => {
        const body = JSON.parse(String(init?.body))
        requests.push({
          events: body.events,
          auth: new Headers(init?.headers).get('authorization'),
        })
        return handler(body)
      },
    })
  })

  it('sends everything in batches with the device credential and empties the outbox', async () => {
    await store.outbox.enqueue([usage('a'), usage('b'), usage('c')])
    expect(await syncer.flush()).toBe('delivered')
    expect(requests.map((r) => r.events.map((e) => e.id))).toEqual([['a', 'b'], ['c']])
    expect(requests[0]?.auth).toBe('Bearer cdv_x')
    expect(await store.outbox.size()).toBe(0)
    expect((await syncer.getState()).lastSyncAt).toBe(store.now.value)
  })

  it('keeps everything when the server is down, and backs off with growing delays', async () => {
    handler = () => new Response('oops', { status: 503 })
    await store.outbox.enqueue([usage('a')])
    expect(await syncer.flush()).toBe('backoff')
    expect(await store.outbox.size()).toBe(1)
    const first = (await syncer.getState()).nextAttemptAt - store.now.value
    expect(wakes).toEqual([store.now.value + first])
    // Too early: no request.
    expect(await syncer.flush()).toBe('backoff')
    expect(requests).toHaveLength(1)
    store.now.value += first
    await syncer.flush()
    const second = (await syncer.getState()).nextAttemptAt - store.now.value
    expect(second).toBeGreaterThan(first)
    expect((await syncer.getState()).lastError).toBe('The server answered 503')
  })

  it('survives a network error the same way', async () => {
    handler = () => {
      throw new TypeError('Failed to fetch')
    }
    await store.outbox.enqueue([usage('a')])
    expect(await syncer.flush()).toBe('backoff')
    expect(await store.outbox.size()).toBe(1)
  })

  it('waits as long as Retry-After says on 429', async () => {
    handler = () => new Response('{}', { status: 429, headers: { 'retry-after': '42' } })
    await store.outbox.enqueue([usage('a')])
    await syncer.flush()
    expect((await syncer.getState()).nextAttemptAt).toBe(store.now.value + 42_000)
  })

  it('forgets duplicates the server already had, and sets rejected events aside with the reason', async () => {
    handler = (body) =>
      Response.json({
        accepted: [],
        duplicates: [body.events[0]?.id],
        rejected: body.events[1] ? [{ index: 1, id: body.events[1].id, reason: 'bad' }] : [],
      })
    await store.outbox.enqueue([usage('a'), usage('b')])
    await syncer.flush()
    expect(await store.outbox.size()).toBe(0)
    expect((await store.db.deadLetters.toArray()).map((d) => [d.id, d.reason])).toEqual([
      ['b', 'bad'],
    ])
  })

  it('keeps events the server did not acknowledge', async () => {
    handler = () => Response.json({ accepted: [], duplicates: [], rejected: [] })
    await store.outbox.enqueue([usage('a')])
    await syncer.flush()
    expect(await store.outbox.size()).toBe(1)
  })

  it('stops and marks the enrollment revoked on 401', async () => {
    handler = () => new Response('{}', { status: 401 })
    await store.outbox.enqueue([usage('a')])
    expect(await syncer.flush()).toBe('revoked')
    expect(await store.outbox.size()).toBe(1)
    expect(await syncer.flush()).toBe('revoked')
    expect(requests).toHaveLength(1)
  })

  it('halves the batch on 413', async () => {
    let calls = 0
    handler = (body) =>
      ++calls === 1
        ? new Response('{}', { status: 413 })
        : Response.json({ accepted: body.events.map((e) => e.id), duplicates: [], rejected: [] })
    await store.outbox.enqueue([usage('a'), usage('b')])
    await syncer.flush()
    expect(requests.map((r) => r.events.length)).toEqual([2, 1, 1])
  })

  it('runs one flush at a time', async () => {
    await store.outbox.enqueue([usage('a')])
    await Promise.all([syncer.flush(), syncer.flush(), syncer.flush()])
    expect(requests).toHaveLength(1)
  })
})

describe('backoffDelay', () => {
  it('grows exponentially up to ten minutes, with jitter', () => {
    expect(backoffDelay(1, () => 0)).toBe(2000)
    expect(backoffDelay(1, () => 0.999)).toBeLessThan(4000)
    expect(backoffDelay(5, () => 0.999)).toBeGreaterThan(backoffDelay(2, () => 0.999))
    expect(backoffDelay(50, () => 0.999)).toBeLessThanOrEqual(2000 + 600_000)
  })
})
