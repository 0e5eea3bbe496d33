// Follows consent flows tab by tab: a consent URL opens a flow ("pending" reported at once), the
// redirect back to the app closes it as granted, denied or failed, and closing the tab or
// wandering off for good closes it as abandoned. Ordinary navigations cost one parse, no I/O.
import type { ConsentEvent, DeviceEventInput, PolicyAction } from '../../shared/api/events.ts'
import { parseConsentOutcome } from '../../shared/consent/parse-consent-outcome.ts'
import { parseConsentUrl } from '../../shared/consent/parse-consent-url.ts'
import type { ConsentRequest } from '../../shared/consent/types.ts'
import { toConsentReport, withoutQueries } from './consent-report.ts'
import type { ExtensionDb, FlowRow } from './outbox/db.ts'
import type { Outbox } from './outbox/outbox.ts'

export const FLOW_TIMEOUT_MS = 30 * 60_000

type Decision = NonNullable<FlowRow['policy']>['decision']
type Outcome = ConsentEvent['outcome']

export interface TrackerDeps {
  db: ExtensionDb
  outbox: Outbox
  clock: () => number
  newId: () => string
  /** Told when a consent ended granted with a redirect to this host (AI tool sign-in counting). */
  onGranted?: (redirectHost: string | null, at: number) => void | Promise<void>
}

function sameApp(a: ConsentRequest, b: ConsentRequest): boolean {
  return a.provider === b.provider && a.clientId === b.clientId && a.appSlug === b.appSlug
}

/** Later pages of one flow (account chooser, consent screen) may carry less: keep the richest. */
function merge(current: ConsentRequest, next: ConsentRequest): ConsentRequest {
  return next.scopes.length > current.scopes.length ? next : current
}

export function createConsentTracker(deps: TrackerDeps) {
  /** tabId -> flowId of the open flow in that tab: the in-memory fast path. */
  const openTabs = new Map<number, string>()
  /** Sign-in popups: new tab -> the tab that opened it. */
  const openers = new Map<number, number>()
  let queue: Promise<unknown> = Promise.resolve()
  // Flows survive a worker restart in IndexedDB; until they are loaded, take the slow path.
  let isLoaded = false
  const loaded = deps.db.flows.toArray().then((rows) => {
    for (const f of rows) openTabs.set(f.tabId, f.flowId)
    isLoaded = true
  })

  /** Run one change at a time: navigation events arrive faster than IndexedDB answers. */
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = queue.then(() => loaded).then(fn)
    queue = run.catch(() => undefined)
    return run
  }

  function event(
    flow: FlowRow,
    outcome: Outcome,
    at: number,
    extra: Partial<ConsentEvent> = {}
  ): DeviceEventInput {
    return {
      id: deps.newId(),
      type: 'consent',
      occurredAt: new Date(at).toISOString(),
      flowId: flow.flowId,
      request: toConsentReport(flow.request),
      outcome,
      error: null,
      grantedScopes: null,
      policy: flow.policy,
      ...extra,
    }
  }

  async function close(
    flow: FlowRow,
    outcome: Outcome,
    at: number,
    extra: Partial<ConsentEvent> = {}
  ) {
    await deps.db.transaction('rw', deps.db.flows, deps.db.outbox, async () => {
      await deps.db.flows.delete(flow.flowId)
      await deps.outbox.enqueue([event(flow, outcome, at, extra)])
    })
    if (openTabs.get(flow.tabId) === flow.flowId) openTabs.delete(flow.tabId)
  }

  async function flowInTab(tabId: number): Promise<FlowRow | undefined> {
    return deps.db.flows.where('tabId').equals(tabId).first()
  }

  async function open(tabId: number, request: ConsentRequest, at: number): Promise<FlowRow> {
    const flow: FlowRow = {
      flowId: deps.newId(),
      tabId,
      openerTabId: openers.get(tabId) ?? null,
      request: withoutQueries(request),
      startedAt: at,
      lastActivityAt: at,
      policy: null,
    }
    await deps.db.transaction('rw', deps.db.flows, deps.db.outbox, async () => {
      await deps.db.flows.put(flow)
      await deps.outbox.enqueue([event(flow, 'pending', at)])
    })
    openTabs.set(tabId, flow.flowId)
    return flow
  }

  async function handle(
    tabId: number,
    url: string,
    request: ConsentRequest | null,
    at: number
  ): Promise<boolean> {
    const flow = await flowInTab(tabId)
    if (request) {
      if (flow && sameApp(flow.request, request)) {
        await deps.db.flows.put({
          ...flow,
          request: withoutQueries(merge(flow.request, request)),
          lastActivityAt: at,
        })
        return false
      }
      if (flow) await close(flow, 'abandoned', at)
      await open(tabId, request, at)
      return true
    }
    if (!flow) return false
    const result = parseConsentOutcome(url, flow.request)
    if (result.outcome === 'unknown') return false
    await close(flow, result.outcome, at, {
      error: result.error,
      grantedScopes: result.grantedScopes,
    })
    if (result.outcome === 'granted') await deps.onGranted?.(flow.request.redirectHost, at)
    return true
  }

  return {
    /**
     * A main-frame navigation, redirect or commit in a tab. Resolves true when something was
     * queued for the server. Cheap (no I/O) when the URL is no consent and the tab has no flow.
     */
    onNavigation(tabId: number, url: string, at = deps.clock()): Promise<boolean> | false {
      const request = parseConsentUrl(url)
      if (!request && isLoaded && !openTabs.has(tabId)) return false
      // Mark the tab at once: the redirect with the outcome may arrive before the flow is stored.
      if (request && !openTabs.has(tabId)) openTabs.set(tabId, 'opening')
      return serial(() => handle(tabId, url, request, at))
    },

    onTabCreated(tabId: number, openerTabId: number) {
      openers.set(tabId, openerTabId)
    },

    /** A closed tab abandons its flow, or hands a sign-in popup's flow back to its opener. */
    onTabRemoved(tabId: number, at = deps.clock()): Promise<boolean> | false {
      openers.delete(tabId)
      if (isLoaded && !openTabs.has(tabId)) return false
      return serial(async () => {
        const flow = await flowInTab(tabId)
        if (!flow) return false
        if (flow.openerTabId !== null && !openTabs.has(flow.openerTabId)) {
          await deps.db.flows.put({
            ...flow,
            tabId: flow.openerTabId,
            openerTabId: null,
            lastActivityAt: at,
          })
          openTabs.delete(tabId)
          openTabs.set(flow.openerTabId, flow.flowId)
          return false
        }
        await close(flow, 'abandoned', at)
        return true
      })
    },

    /** Close flows nobody finished within the timeout as abandoned. */
    expire(at = deps.clock()): Promise<number> {
      return serial(async () => {
        const stale = await deps.db.flows
          .where('lastActivityAt')
          .below(at - FLOW_TIMEOUT_MS)
          .toArray()
        for (const flow of stale) await close(flow, 'abandoned', at)
        return stale.length
      })
    },

    /** What the employee did on the warning; cancelling or being blocked ends the flow. */
    recordDecision(
      tabId: number,
      url: string,
      action: PolicyAction,
      decision: Decision,
      justification: string | null,
      at = deps.clock()
    ) {
      return serial(async () => {
        let flow = await flowInTab(tabId)
        const ends = decision === 'cancelled' || decision === 'blocked'
        // A flow we never saw (or already closed) is only worth opening to record its end.
        const request = ends ? parseConsentUrl(url) : null
        if (!flow && request) flow = await open(tabId, request, at)
        if (!flow) return false
        // "shown" is sent when the warning appears; arriving late, it must not undo the answer.
        if (decision === 'shown' && flow.policy && flow.policy.decision !== 'shown') return true
        const updated: FlowRow = {
          ...flow,
          policy: { action, decision, justification },
          lastActivityAt: at,
        }
        if (ends) {
          await close(updated, 'abandoned', at)
        } else {
          await deps.db.flows.put(updated)
        }
        return true
      })
    },

    /** The employee asks IT to allow the app the policy blocks. */
    requestApproval(tabId: number, url: string, reason: string, at = deps.clock()) {
      return serial(async () => {
        const request = parseConsentUrl(url) ?? (await flowInTab(tabId))?.request ?? null
        if (!request) return false
        const flow = await flowInTab(tabId)
        await deps.outbox.enqueue([
          {
            id: deps.newId(),
            type: 'approval_request',
            occurredAt: new Date(at).toISOString(),
            flowId: flow?.flowId ?? deps.newId(),
            request: toConsentReport(request),
            reason: reason.slice(0, 2000),
          },
        ])
        return true
      })
    },

    openFlowCount: () => openTabs.size,
    /** Resolves once the flows kept from before a restart are loaded. */
    ready: () => loaded,
  }
}
export type ConsentTracker = ReturnType<typeof createConsentTracker>
