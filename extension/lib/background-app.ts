// Wires the background: listeners first (synchronously, so a woken worker misses nothing), then
// the stores, the consent tracker, usage counting, the policy cache and the outbox flusher.
import type { Browser } from 'webextension-polyfill'
import { classifyConsent } from '../../shared/consent/classify-consent.ts'
import { decidePolicy } from '../../shared/consent/decide-policy.ts'
import { observedHostPatterns } from '../../shared/consent/idp-match-patterns.ts'
import { parseConsentUrl } from '../../shared/consent/parse-consent-url.ts'
import { aiExtensionEvents, fingerprint } from './ai-extensions.ts'
import { createConsentTracker } from './detect-navigation.ts'
import {
  createEnrollmentStore,
  enroll,
  enrollFromManaged,
  type ManagedConfig,
} from './enrollment.ts'
import { onMessage, type Connection, type ConsentView, type PopupState } from './messaging.ts'
import { createExtensionDb, type DbOptions } from './outbox/db.ts'
import { createOutbox } from './outbox/outbox.ts'
import { createPolicyCache } from './policy-cache.ts'
import { createSyncer } from './sync.ts'
import { createUsageTracker } from './usage.ts'

export const ALARMS = { flush: 'consentry-flush', housekeeping: 'consentry-housekeeping' } as const

export interface BackgroundDeps {
  browser: Browser
  fetch: typeof fetch
  clock?: () => number
  random?: () => number
  newId?: () => string
  /** The extension's version and browser ("chrome", "firefox"), reported at enrollment. */
  version: string
  browserName: string
  dbName?: string
  dbOptions?: DbOptions
}

export function startBackground(deps: BackgroundDeps) {
  const { browser } = deps
  const clock = deps.clock ?? Date.now
  const newId = deps.newId ?? (() => crypto.randomUUID())
  const db = createExtensionDb(deps.dbName, deps.dbOptions)
  const outbox = createOutbox(db, clock)
  const enrollment = createEnrollmentStore(browser.storage.local)
  const syncer = createSyncer({
    outbox,
    enrollment,
    storage: browser.storage.local,
    fetch: deps.fetch,
    clock,
    random: deps.random ?? Math.random,
    scheduleWake: (at) =>
      browser.alarms.create(ALARMS.flush, { when: Math.max(at, clock() + 1000) }),
  })
  const policy = createPolicyCache({
    storage: browser.storage.local,
    enrollment,
    fetch: deps.fetch,
    clock,
  })
  const usage = createUsageTracker({ db, outbox, newId })
  const tracker = createConsentTracker({
    db,
    outbox,
    clock,
    newId,
    onGranted: (host, at) => usage.onSignIn(host, at) || undefined,
  })
  const { version, browserName } = deps

  let flushTimer: ReturnType<typeof setTimeout> | null = null
  /** Deliver soon, coalescing bursts of navigation events into one batch. */
  function flushSoon() {
    if (flushTimer) return
    flushTimer = setTimeout(() => {
      flushTimer = null
      void syncer.flush().then(refreshPolicyIfStale)
    }, 250)
  }
  /** After a delivery, check the policy too (a 304 when unchanged), at most once a minute. */
  async function refreshPolicyIfStale(result: string) {
    if (result !== 'delivered') return
    const last = await policy.lastFetchedAt()
    if (last === null || clock() - last > 60_000) await policy.refresh()
  }
  const afterChange = (result: Promise<boolean> | false) => {
    if (result) void result.then((queued) => queued && flushSoon())
  }

  // --- Listeners: registered before anything is awaited. ---
  browser.webNavigation.onBeforeNavigate.addListener((d) => {
    if (d.frameId === 0) afterChange(tracker.onNavigation(d.tabId, d.url, d.timeStamp))
  })
  browser.webNavigation.onCommitted.addListener((d) => {
    if (d.frameId !== 0) return
    afterChange(tracker.onNavigation(d.tabId, d.url, d.timeStamp))
    void usage.onVisit(d.url, d.timeStamp)
  })
  browser.webNavigation.onCreatedNavigationTarget.addListener((d) =>
    tracker.onTabCreated(d.tabId, d.sourceTabId)
  )
  // Observe only: the redirect from the identity provider to the app carries the outcome.
  browser.webRequest.onBeforeRedirect.addListener(
    (d) => afterChange(tracker.onNavigation(d.tabId, d.redirectUrl, d.timeStamp)),
    { urls: observedHostPatterns(), types: ['main_frame'] }
  )
  browser.tabs.onRemoved.addListener((tabId) => afterChange(tracker.onTabRemoved(tabId)))
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === ALARMS.flush) void syncer.flush()
    if (alarm.name === ALARMS.housekeeping) void housekeeping(false)
  })
  browser.runtime.onInstalled.addListener(() => void setup(false))
  // A browser start is a fresh chance: deliver at once rather than wait out an old backoff.
  browser.runtime.onStartup.addListener(() => void setup(true))

  const removers: Array<() => void> = []
  removers.push(onMessage('getConsentView', ({ data }) => consentView(data.url)))
  removers.push(
    onMessage('reportDecision', async ({ data, sender }) => {
      const tabId = sender.tab?.id
      if (tabId === undefined) return false
      const done = await tracker.recordDecision(
        tabId,
        data.url,
        data.action,
        data.decision,
        data.justification
      )
      flushSoon()
      return done
    })
  )
  removers.push(
    onMessage('requestApproval', async ({ data, sender }) => {
      const done = await tracker.requestApproval(sender.tab?.id ?? -1, data.url, data.reason)
      if (done) void syncer.flush(true)
      return done
    })
  )
  removers.push(
    onMessage('enroll', async ({ data }) => {
      const result = await enroll(
        { ...data, browserName, version },
        { fetch: deps.fetch, store: enrollment, clock }
      )
      if (!result.ok) return result
      void policy.refresh()
      void syncer.flush(true)
      return { ok: true, orgName: result.enrollment.orgName }
    })
  )
  removers.push(
    onMessage('syncNow', async () => {
      await usage.report(clock())
      const result = await syncer.flush(true)
      void policy.refresh()
      return result
    })
  )
  removers.push(onMessage('getPopupState', () => popupState()))
  // The options page asks for the permission (a user gesture is needed), then tells us.
  removers.push(
    onMessage('enableExtensionInventory', async () => {
      const granted = await browser.permissions.contains({ permissions: ['management'] })
      if (granted) {
        await reportExtensions()
        flushSoon()
      }
      return granted
    })
  )

  // --- Start-up and periodic work. ---
  async function setup(forceFlush: boolean) {
    await browser.alarms.create(ALARMS.housekeeping, { periodInMinutes: 15 })
    await enrollFromManagedStorage()
    await housekeeping(forceFlush)
  }

  async function enrollFromManagedStorage() {
    let managed: ManagedConfig = {}
    try {
      managed = (await browser.storage.managed.get([
        'serverUrl',
        'enrollmentToken',
        'email',
      ])) as ManagedConfig
    } catch {
      return // no enterprise policy on this browser
    }
    await enrollFromManaged(managed, {
      fetch: deps.fetch,
      store: enrollment,
      clock,
      browserName,
      version,
    })
  }

  async function reportExtensions() {
    const has = await browser.permissions.contains({ permissions: ['management'] })
    if (!has || !browser.management) return
    const events = aiExtensionEvents(await browser.management.getAll(), clock(), newId)
    const print = fingerprint(events)
    const last = (await browser.storage.local.get('extensionsFingerprint')).extensionsFingerprint
    if (print === last) return
    await outbox.enqueue(events)
    await browser.storage.local.set({ extensionsFingerprint: print })
  }

  async function housekeeping(forceFlush = false) {
    await tracker.expire()
    await usage.report(clock())
    await reportExtensions()
    await policy.refresh()
    await syncer.flush(forceFlush)
  }

  async function connections(): Promise<{ items: Connection[] | null; error: string | null }> {
    const e = await enrollment.get()
    if (!e || e.state !== 'active') return { items: null, error: null }
    try {
      const res = await deps.fetch(`${e.serverUrl}/api/v1/device/connections`, {
        headers: { authorization: `Bearer ${e.credential}` },
      })
      if (res.status === 401) await enrollment.markRevoked()
      if (!res.ok) return { items: null, error: `The server answered ${res.status}` }
      return { items: ((await res.json()) as { items: Connection[] }).items, error: null }
    } catch {
      return { items: null, error: 'Offline: cannot reach the server' }
    }
  }

  /** What the content script shows: the consent, its classification and the policy's action. */
  async function consentView(url: string): Promise<ConsentView | null> {
    const request = parseConsentUrl(url)
    if (!request) return null
    const classification = classifyConsent(request)
    const decision = decidePolicy(await policy.get(), request, classification)
    return {
      request,
      classification,
      ...decision,
      orgName: (await enrollment.get())?.orgName ?? null,
    }
  }

  /** The employee's approval requests and IT's answers. */
  async function requests(): Promise<PopupState['requests']> {
    const e = await enrollment.get()
    if (!e || e.state !== 'active') return []
    try {
      const res = await deps.fetch(`${e.serverUrl}/api/v1/device/requests`, { headers: { authorization: `Bearer ${e.credential}` } })
      return res.ok ? ((await res.json()) as { items: PopupState['requests'] }).items : []
    } catch {
      return []
    }
  }

  async function popupState(): Promise<PopupState> {
    const [e, state, queued, dead, fetchedAt, conn, answers] = await Promise.all([
      enrollment.get(),
      syncer.getState(),
      outbox.size(),
      outbox.deadCount(),
      policy.lastFetchedAt(),
      connections(),
      requests(),
    ])
    let managed = false
    try {
      managed = Boolean((await browser.storage.managed.get('serverUrl')).serverUrl)
    } catch {
      managed = false
    }
    return {
      enrollment: {
        state: e ? e.state : 'not_enrolled',
        serverUrl: e?.serverUrl ?? null,
        orgName: e?.orgName ?? null,
        email: e?.email ?? null,
        managed,
      },
      sync: { ...state, queued, deadLetters: dead, policyFetchedAt: fetchedAt },
      connections: conn.items,
      connectionsError: conn.error,
      requests: answers,
    }
  }

  // A worker woken by an alarm or event after a restart still delivers what is queued.
  void syncer.flush()

  /** Remove the message handlers (tests start several backgrounds in one context). */
  const stop = () => removers.forEach((remove) => remove())

  return {
    db,
    outbox,
    tracker,
    usage,
    syncer,
    policy,
    enrollment,
    setup,
    housekeeping,
    consentView,
    popupState,
    stop,
  }
}
