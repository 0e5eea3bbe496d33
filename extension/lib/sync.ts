// Delivers the outbox to POST /api/v1/events: batches, exponential backoff with full jitter,
// Retry-After on 429, and removal only after the server's acknowledgement.
import type { Storage } from 'webextension-polyfill'
import type { EventBatchResult } from '../../shared/api/events.ts'
import type { EnrollmentStore } from './enrollment.ts'
import type { Outbox } from './outbox/outbox.ts'

export interface SyncState {
  lastSyncAt: number | null
  lastError: string | null
  failures: number
  nextAttemptAt: number
}

export type FlushResult = 'delivered' | 'empty' | 'not_enrolled' | 'revoked' | 'backoff' | 'failed'

export interface SyncerDeps {
  outbox: Outbox
  enrollment: EnrollmentStore
  storage: Storage.StorageArea
  fetch: typeof fetch
  clock: () => number
  random: () => number
  /** Wake the worker at this time to try again (chrome.alarms). */
  scheduleWake: (at: number) => void | Promise<void>
  batchSize?: number
}

const KEY = 'syncState'
const BASE_DELAY_MS = 2_000
const MAX_DELAY_MS = 10 * 60_000
const MAX_BATCHES_PER_FLUSH = 20

export function backoffDelay(failures: number, random: () => number): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, failures - 1))
  // Full jitter, but never sooner than one base delay: a herd of devices spreads out.
  return BASE_DELAY_MS + Math.floor(random() * ceiling)
}

export function createSyncer(deps: SyncerDeps) {
  let running: Promise<FlushResult> | null = null
  let batchSize = deps.batchSize ?? 100

  async function getState(): Promise<SyncState> {
    const stored = (await deps.storage.get(KEY))[KEY] as SyncState | undefined
    return stored ?? { lastSyncAt: null, lastError: null, failures: 0, nextAttemptAt: 0 }
  }
  const setState = (s: SyncState) => deps.storage.set({ [KEY]: s })

  async function fail(
    state: SyncState,
    error: string,
    retryAfterMs?: number
  ): Promise<FlushResult> {
    const failures = state.failures + 1
    const delay = retryAfterMs ?? backoffDelay(failures, deps.random)
    const next = { ...state, failures, lastError: error, nextAttemptAt: deps.clock() + delay }
    await setState(next)
    await deps.scheduleWake(next.nextAttemptAt)
    return 'backoff'
  }

  async function flushOnce(force: boolean): Promise<FlushResult> {
    const enrollment = await deps.enrollment.get()
    if (!enrollment) return 'not_enrolled'
    if (enrollment.state === 'revoked') return 'revoked'
    let state = await getState()
    if (!force && deps.clock() < state.nextAttemptAt) {
      await deps.scheduleWake(state.nextAttemptAt)
      return 'backoff'
    }
    let delivered = false
    for (let i = 0; i < MAX_BATCHES_PER_FLUSH; i++) {
      const rows = await deps.outbox.peek(batchSize)
      if (rows.length === 0) break
      await deps.outbox.markAttempt(rows.map((r) => r.id))
      let res: Response
      try {
        res = await deps.fetch(`${enrollment.serverUrl}/api/v1/events`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${enrollment.credential}`,
          },
          body: JSON.stringify({ events: rows.map((r) => r.event) }),
        })
      } catch (error) {
        return fail(state, `Cannot reach the server: ${(error as Error).message}`)
      }
      if (res.status === 401) {
        await deps.enrollment.markRevoked()
        await setState({ ...state, lastError: 'This device was revoked by IT; enroll it again' })
        return 'revoked'
      }
      if (res.status === 429) {
        const seconds = Number(res.headers.get('retry-after'))
        return fail(
          state,
          'The server asked to slow down',
          Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined
        )
      }
      if (res.status === 413) {
        if (rows.length === 1) {
          await deps.outbox.deadLetter(
            [{ id: rows[0]?.id ?? '', reason: 'event larger than the server accepts' }],
            deps.clock()
          )
        } else {
          batchSize = Math.max(1, Math.floor(rows.length / 2))
        }
        continue
      }
      if (!res.ok) return fail(state, `The server answered ${res.status}`)
      const body = (await res.json()) as EventBatchResult
      await deps.outbox.remove([...body.accepted, ...body.duplicates])
      if (body.rejected.length > 0) {
        await deps.outbox.deadLetter(
          body.rejected.map((r) => ({ id: rows[r.index]?.id ?? r.id ?? '', reason: r.reason })),
          deps.clock()
        )
      }
      delivered = true
      state = { lastSyncAt: deps.clock(), lastError: null, failures: 0, nextAttemptAt: 0 }
      await setState(state)
    }
    if ((await deps.outbox.size()) > 0) await deps.scheduleWake(deps.clock() + BASE_DELAY_MS)
    return delivered ? 'delivered' : 'empty'
  }

  return {
    /** Send what is queued. One flush at a time; `force` ignores the backoff (user pressed Sync). */
    flush(force = false): Promise<FlushResult> {
      running ??= flushOnce(force).finally(() => {
        running = null
      })
      return running
    },
    getState,
  }
}
