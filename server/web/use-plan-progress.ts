// Live progress of one revocation plan: its jobs from GET /revocations/plans/:id, then updates from
// the plan's server-sent events, falling back to polling when the stream fails (a buffering proxy).
import { useEffect, useRef, useState } from 'preact/hooks'
import { planEventsUrl, type Api } from './api.ts'
import type { PlanProgressEvent, PlanState, RevocationPlanDetail } from './api-types.ts'

/** What the hook needs of an EventSource: tests hand in a fake they drive. */
export interface EventSourceLike {
  addEventListener(type: string, listener: (event: Event) => void): void
  close(): void
}
export type EventSourceFactory = (url: string) => EventSourceLike

/** The browser's EventSource (same origin: the session cookie goes along), if there is one. */
export const browserEventSource: EventSourceFactory | null =
  typeof EventSource === 'function' ? (url) => new EventSource(url) : null

/** Approved and running plans have jobs that still move; the others wait or are finished. */
export function isPlanMoving(state: PlanState): boolean {
  return state === 'approved' || state === 'running'
}

/** A plan with one progress event applied: the event carries every job's state, not its details. */
export function applyProgress(
  detail: RevocationPlanDetail,
  event: PlanProgressEvent
): RevocationPlanDetail {
  const updates = new Map(event.jobs.map((job) => [job.id, job]))
  return {
    plan: { ...detail.plan, state: event.state ?? detail.plan.state },
    counts: event.counts ?? detail.counts,
    jobs: detail.jobs.map((job) => {
      const update = updates.get(job.id)
      return update ? { ...job, ...update } : job
    }),
  }
}

export type ProgressMode = 'idle' | 'live' | 'polling'

export interface PlanProgressOptions {
  /** null: no EventSource, poll only; undefined: the browser's. */
  eventSource?: EventSourceFactory | null
  pollMs?: number
  /** Bump to load and follow the plan again (after approving or retrying). */
  generation?: number
  /** Called when a moving plan stops moving (done or cancelled). */
  onSettled?(): void
}

export function usePlanProgress(api: Api, planId: string | null, options: PlanProgressOptions) {
  const [detail, setDetail] = useState<RevocationPlanDetail | undefined>(undefined)
  const [error, setError] = useState<unknown>(null)
  const [mode, setMode] = useState<ProgressMode>('idle')
  const [tick, setTick] = useState(0)
  const onSettled = useRef(options.onSettled)
  onSettled.current = options.onSettled

  useEffect(() => {
    if (!planId) {
      setDetail(undefined)
      setMode('idle')
      return
    }
    let stopped = false
    let source: EventSourceLike | null = null
    let timer: ReturnType<typeof setTimeout> | undefined
    const factory = options.eventSource === undefined ? browserEventSource : options.eventSource
    const pollMs = options.pollMs ?? 2000
    // Show the plan being asked for, not the one before it.
    setDetail((d) => (d?.plan.id === planId ? d : undefined))

    async function load(): Promise<RevocationPlanDetail | null> {
      try {
        const loaded = await api.getRevocationPlan(planId as string)
        if (stopped) return null
        setDetail(loaded)
        setError(null)
        return loaded
      } catch (e) {
        if (!stopped) setError(e)
        return null
      }
    }
    function settled() {
      setMode('idle')
      onSettled.current?.()
    }
    function poll() {
      setMode('polling')
      timer = setTimeout(async () => {
        const loaded = await load()
        if (stopped) return
        if (loaded && !isPlanMoving(loaded.plan.state)) settled()
        else poll()
      }, pollMs)
    }
    /** A plan waiting for a second admin: look now and then, and follow once someone approves. */
    function awaitApproval() {
      timer = setTimeout(async () => {
        const loaded = await load()
        if (stopped) return
        if (!loaded || loaded.plan.state === 'planned') awaitApproval()
        else if (isPlanMoving(loaded.plan.state)) follow()
        else settled()
      }, pollMs * 2)
    }
    function follow() {
      if (!factory) return poll()
      const stream = factory(planEventsUrl(planId as string))
      source = stream
      setMode('live')
      stream.addEventListener('progress', (event) => {
        if (stopped || source !== stream) return
        let data: PlanProgressEvent
        try {
          data = JSON.parse(String((event as MessageEvent).data)) as PlanProgressEvent
        } catch {
          return
        }
        setDetail((d) => (d ? applyProgress(d, data) : d))
        if (data.state && !isPlanMoving(data.state)) {
          // The server ends the stream here; closing first stops EventSource reconnecting.
          stream.close()
          source = null
          settled()
        }
      })
      stream.addEventListener('error', () => {
        if (stopped || source !== stream) return
        stream.close()
        source = null
        poll()
      })
    }
    void load().then((loaded) => {
      if (stopped || !loaded) return
      if (isPlanMoving(loaded.plan.state)) follow()
      else if (loaded.plan.state === 'planned') awaitApproval()
    })
    return () => {
      stopped = true
      source?.close()
      clearTimeout(timer)
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [planId, options.generation, tick])

  return { detail, error, mode, reload: () => setTick((t) => t + 1) }
}
