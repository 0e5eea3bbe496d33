// The background wired on the fake browser: navigations in, events through the outbox to the
// server, and a privacy check over everything stored and sent, for every event type.
import { fakeBrowser } from 'wxt/testing/fake-browser'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startBackground } from './background-app.ts'
import {
  GOOGLE_CALLBACK_DENIED,
  GOOGLE_CALLBACK_GRANTED,
  GOOGLE_DRIVE_CONSENT,
} from './test-support.ts'
import type { Browser } from 'webextension-polyfill'

const SECRETS = [
  'AUTH_CODE_SECRET',
  'STATE_SECRET_123',
  'TOKEN_SECRET_XYZ',
  'hunter2-password',
  'q=private+search',
]

const redirectListeners: unknown[] = []

type Sent = { events: Array<Record<string, unknown>> }

function nav(tabId: number, url: string, timeStamp = Date.now()) {
  return {
    tabId,
    url,
    frameId: 0,
    parentFrameId: -1,
    timeStamp,
    processId: 1,
    documentId: 'd',
    documentLifecycle: 'active',
    frameType: 'outermost_frame',
    transitionType: 'link',
    transitionQualifiers: [],
  }
}

describe('background', () => {
  let sent: Sent[]
  let bg: ReturnType<typeof startBackground>

  beforeEach(async () => {
    fakeBrowser.reset()
    // The fake browser has no webRequest; redirects are fed through webNavigation here.
    redirectListeners.length = 0
    fakeBrowser.webRequest.onBeforeRedirect.addListener = ((fn: unknown) =>
      void redirectListeners.push(fn)) as never
    sent = []
    await fakeBrowser.storage.local.set({
      enrollment: {
        serverUrl: 'https://consentry.test',
        credential: 'cdv_x',
        deviceId: 'd',
        orgName: 'Acme',
        email: 'ada@acme.example',
        enrolledAt: 0,
        state: 'active',
      },
    })
    bg = startBackground({
      browser: fakeBrowser as unknown as Browser,
      dbName: `bg-${crypto.randomUUID()}`,
      version: '0.1.0',
      browserName: 'chrome',
      fetch: async (url, init) => {
        const path = new URL(String(url)).pathname
        if (path === '/api/v1/events') {
          const body = JSON.parse(String(init?.body)) as Sent
          sent.push(body)
          return Response.json({
            accepted: body.events.map((e) => e.id),
            duplicates: [],
            rejected: [],
          })
        }
        if (path === '/api/v1/policy')
          return Response.json(
            {
              byRisk: { low: 'allow', medium: 'warn', high: 'justify', critical: 'block' },
              apps: [],
              updatedAt: null,
            },
            { headers: { etag: '"v1"' } }
          )
        if (path === '/api/v1/device/requests') return Response.json({ items: [{ id: 'r1', appName: 'Otter.ai', clientId: 'x', status: 'denied', reason: 'notes', decisionNote: 'Use the sanctioned tool', createdAt: '2026-11-23T08:00:00Z' }] })
        return Response.json({ items: [] })
      },
    })
    await bg.tracker.ready()
  })
  afterEach(() => bg.stop())

  it('turns navigations into consent events and delivers them', async () => {
    await fakeBrowser.webNavigation.onBeforeNavigate.trigger(nav(5, GOOGLE_DRIVE_CONSENT) as never)
    await fakeBrowser.webNavigation.onCommitted.trigger(nav(5, GOOGLE_CALLBACK_GRANTED) as never)
    await expect
      .poll(
        async () => (
          await bg.syncer.flush(true),
          sent.flatMap((s) => s.events).map((e) => e.outcome)
        )
      )
      .toEqual(['pending', 'granted'])
    expect(await bg.outbox.size()).toBe(0)
  })

  it('counts visits to AI tools per domain and day, without URLs', async () => {
    await fakeBrowser.webNavigation.onCommitted.trigger(
      nav(1, 'https://chatgpt.com/c/abc?q=private+search') as never
    )
    await fakeBrowser.webNavigation.onCommitted.trigger(nav(1, 'https://chatgpt.com/') as never)
    await fakeBrowser.webNavigation.onCommitted.trigger(nav(1, 'https://example.com/') as never)
    await expect.poll(() => bg.db.usage.count()).toBe(1)
    await bg.usage.report(Date.now())
    await bg.syncer.flush(true)
    const usage = sent.flatMap((s) => s.events).filter((e) => e.type === 'ai_usage')
    expect(usage).toMatchObject([{ domain: 'chatgpt.com', visits: 2 }])
  })

  it('stores and sends no code, state, token, password or query string, for any event type', async () => {
    const withSecrets = `${GOOGLE_DRIVE_CONSENT}&password=hunter2-password#access_token=TOKEN_SECRET_XYZ`
    // consent: pending + granted, pending + denied, pending + abandoned (with a justification)
    await fakeBrowser.webNavigation.onBeforeNavigate.trigger(nav(5, withSecrets) as never)
    await fakeBrowser.webNavigation.onCommitted.trigger(
      nav(5, `${GOOGLE_CALLBACK_GRANTED}#access_token=TOKEN_SECRET_XYZ`) as never
    )
    await fakeBrowser.webNavigation.onBeforeNavigate.trigger(nav(6, withSecrets) as never)
    await fakeBrowser.webNavigation.onCommitted.trigger(nav(6, GOOGLE_CALLBACK_DENIED) as never)
    await fakeBrowser.webNavigation.onBeforeNavigate.trigger(nav(7, withSecrets) as never)
    await bg.tracker.recordDecision(7, withSecrets, 'justify', 'continued', 'customer calls')
    await fakeBrowser.tabs.onRemoved.trigger(7, { windowId: 1, isWindowClosing: false })
    // approval_request
    await bg.tracker.requestApproval(8, withSecrets, 'please')
    // ai_usage
    await fakeBrowser.webNavigation.onCommitted.trigger(
      nav(1, 'https://chatgpt.com/c/1?q=private+search&token=TOKEN_SECRET_XYZ') as never
    )
    await expect
      .poll(async () => (await bg.db.usage.toArray()).map((u) => u.domain))
      .toContain('chatgpt.com')
    await bg.usage.report(Date.now())
    // ai_extension
    await bg.outbox.enqueue([
      {
        id: crypto.randomUUID(),
        type: 'ai_extension',
        occurredAt: new Date().toISOString(),
        extensionId: 'kbfnbcaeplbcioakkpcpgfkobkghlhen',
        name: 'Grammarly',
        permissions: ['tabs'],
        hostPermissions: ['<all_urls>'],
        enabled: true,
      },
    ])

    const storedBefore = JSON.stringify({
      outbox: await bg.db.outbox.toArray(),
      flows: await bg.db.flows.toArray(),
      usage: await bg.db.usage.toArray(),
    })
    await expect.poll(async () => (await bg.syncer.flush(true), bg.outbox.size())).toBe(0)
    const types = new Set(sent.flatMap((s) => s.events).map((e) => e.type))
    expect(types).toEqual(new Set(['consent', 'approval_request', 'ai_usage', 'ai_extension']))
    const outcomes = new Set(
      sent
        .flatMap((s) => s.events)
        .map((e) => e.outcome)
        .filter(Boolean)
    )
    expect(outcomes).toEqual(new Set(['pending', 'granted', 'denied', 'abandoned']))

    const everything = [
      storedBefore,
      JSON.stringify(sent),
      JSON.stringify(await fakeBrowser.storage.local.get(null)),
      JSON.stringify({
        outbox: await bg.db.outbox.toArray(),
        flows: await bg.db.flows.toArray(),
        usage: await bg.db.usage.toArray(),
        dead: await bg.db.deadLetters.toArray(),
      }),
    ].join('\n')
    for (const secret of SECRETS) expect(everything).not.toContain(secret)
    // No URL with a query string anywhere: only hosts and the redirect URI's path.
    expect(everything).not.toMatch(/https?:\/\/[^"\s]*\?/)
  })

  it('answers the content script with the consent, its classification and the policy', async () => {
    await bg.policy.refresh()
    const view = await bg.consentView(GOOGLE_DRIVE_CONSENT)
    expect(view).toMatchObject({
      action: 'block',
      basis: 'risk',
      orgName: 'Acme',
      classification: { risk: 'critical', app: { toolId: 'fireflies-ai' } },
    })
    expect(await bg.consentView('https://example.com/')).toBeNull()
  })
  it("shows the employee IT's answers to their approval requests", async () => {
    const state = await bg.popupState()
    expect(state.requests).toMatchObject([{ appName: 'Otter.ai', status: 'denied', decisionNote: 'Use the sanctioned tool' }])
    expect(state.enrollment).toMatchObject({ state: 'active', orgName: 'Acme' })
  })
})
