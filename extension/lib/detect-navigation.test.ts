// The consent tracker follows a tab from consent page to outcome, across popups and restarts.
import { beforeEach, describe, expect, it } from 'vitest'
import { createConsentTracker } from './detect-navigation.ts'
import {
  createTestStore,
  GOOGLE_CALLBACK_DENIED,
  GOOGLE_CALLBACK_GRANTED,
  GOOGLE_DRIVE_CONSENT,
} from './test-support.ts'

type Consent = {
  type: 'consent'
  outcome: string
  flowId: string
  request: { clientId: string; scopes: string[] }
  grantedScopes: string[] | null
  policy: unknown
}

describe('consent tracker', () => {
  let store: ReturnType<typeof createTestStore>
  let tracker: ReturnType<typeof createConsentTracker>
  const signIns: Array<string | null> = []
  beforeEach(() => {
    store = createTestStore()
    signIns.length = 0
    tracker = createConsentTracker({ ...store, onGranted: (host) => void signIns.push(host) })
  })
  const events = async () =>
    (await store.outbox.peek(100)).map((r) => r.event as unknown as Consent)

  it('costs nothing on an ordinary navigation', async () => {
    await tracker.ready()
    expect(tracker.onNavigation(1, 'https://news.ycombinator.com/item?id=1')).toBe(false)
  })

  it('reports the consent at once, then the grant on the redirect back with a code', async () => {
    expect(await tracker.onNavigation(7, GOOGLE_DRIVE_CONSENT)).toBe(true)
    let list = await events()
    expect(list.map((e) => e.outcome)).toEqual(['pending'])
    // Later pages of the same flow do not start a new one.
    expect(
      await tracker.onNavigation(
        7,
        'https://accounts.google.com/signin/oauth/consent?authuser=0&part=AJi8&as=S1&client_id=1234-abc.apps.googleusercontent.com'
      )
    ).toBe(false)
    expect(await tracker.onNavigation(7, GOOGLE_CALLBACK_GRANTED)).toBe(true)
    list = await events()
    expect(list.map((e) => e.outcome)).toEqual(['pending', 'granted'])
    expect(list[1]?.flowId).toBe(list[0]?.flowId)
    expect(list[1]?.grantedScopes).toEqual([
      'openid',
      'https://www.googleapis.com/auth/drive.readonly',
    ])
    expect(list[1]?.request.scopes).toEqual([
      'openid',
      'https://www.googleapis.com/auth/drive.readonly',
    ])
    expect(signIns).toEqual(['app.fireflies.ai'])
    expect(tracker.openFlowCount()).toBe(0)
  })

  it('records a denial', async () => {
    await tracker.onNavigation(7, GOOGLE_DRIVE_CONSENT)
    await tracker.onNavigation(7, GOOGLE_CALLBACK_DENIED)
    expect((await events()).map((e) => e.outcome)).toEqual(['pending', 'denied'])
  })

  it('keeps the flow open through single sign-on detours and other provider pages', async () => {
    await tracker.onNavigation(7, GOOGLE_DRIVE_CONSENT)
    await tracker.onNavigation(7, 'https://acme.okta.com/app/google/sso/saml?SAMLRequest=x')
    await tracker.onNavigation(7, 'https://sso.acme.example/adfs/ls')
    await tracker.onNavigation(7, GOOGLE_CALLBACK_GRANTED)
    expect((await events()).map((e) => e.outcome)).toEqual(['pending', 'granted'])
  })

  it('calls a closed tab abandoned', async () => {
    await tracker.onNavigation(7, GOOGLE_DRIVE_CONSENT)
    await tracker.onTabRemoved(7)
    expect((await events()).map((e) => e.outcome)).toEqual(['pending', 'abandoned'])
  })

  it("follows a sign-in popup's flow back to its opener", async () => {
    tracker.onTabCreated(9, 3)
    await tracker.onNavigation(9, GOOGLE_DRIVE_CONSENT)
    await tracker.onTabRemoved(9) // the popup closes itself after posting to the opener
    await tracker.onNavigation(3, GOOGLE_CALLBACK_GRANTED)
    expect((await events()).map((e) => e.outcome)).toEqual(['pending', 'granted'])
  })

  it('abandons a flow nobody finished within 30 minutes', async () => {
    await tracker.onNavigation(7, GOOGLE_DRIVE_CONSENT, store.now.value)
    expect(await tracker.expire(store.now.value + 10 * 60_000)).toBe(0)
    expect(await tracker.expire(store.now.value + 31 * 60_000)).toBe(1)
    expect((await events()).map((e) => e.outcome)).toEqual(['pending', 'abandoned'])
  })

  it('abandons the previous flow when another app asks in the same tab', async () => {
    await tracker.onNavigation(7, GOOGLE_DRIVE_CONSENT)
    await tracker.onNavigation(
      7,
      'https://github.com/login/oauth/authorize?client_id=Ov23liABC&scope=repo'
    )
    expect((await events()).map((e) => [e.outcome, e.request.clientId])).toEqual([
      ['pending', '1234-abc.apps.googleusercontent.com'],
      ['abandoned', '1234-abc.apps.googleusercontent.com'],
      ['pending', 'Ov23liABC'],
    ])
  })

  it('finishes a flow that was open before the worker restarted', async () => {
    await tracker.onNavigation(7, GOOGLE_DRIVE_CONSENT)
    const revived = createConsentTracker({ ...store })
    expect(await revived.onNavigation(7, GOOGLE_CALLBACK_GRANTED)).toBe(true)
    expect((await events()).map((e) => e.outcome)).toEqual(['pending', 'granted'])
  })

  it('reports the policy decision with the outcome; cancelling ends the flow', async () => {
    await tracker.onNavigation(7, GOOGLE_DRIVE_CONSENT)
    await tracker.recordDecision(
      7,
      GOOGLE_DRIVE_CONSENT,
      'justify',
      'continued',
      'Customer call notes'
    )
    await tracker.onNavigation(7, GOOGLE_CALLBACK_GRANTED)
    expect((await events())[1]?.policy).toEqual({
      action: 'justify',
      decision: 'continued',
      justification: 'Customer call notes',
    })
    await tracker.onNavigation(8, GOOGLE_DRIVE_CONSENT)
    await tracker.recordDecision(8, GOOGLE_DRIVE_CONSENT, 'warn', 'cancelled', null)
    const last = (await events()).at(-1)
    expect([last?.outcome, last?.policy]).toEqual([
      'abandoned',
      { action: 'warn', decision: 'cancelled', justification: null },
    ])
  })

  it('queues an approval request for a blocked app', async () => {
    await tracker.onNavigation(7, GOOGLE_DRIVE_CONSENT)
    await tracker.recordDecision(7, GOOGLE_DRIVE_CONSENT, 'block', 'blocked', null)
    expect(
      await tracker.requestApproval(7, GOOGLE_DRIVE_CONSENT, 'Needed for customer calls')
    ).toBe(true)
    const all = (await store.outbox.peek(10)).map((r) => r.event)
    expect(all.map((e) => e.type)).toEqual(['consent', 'consent', 'approval_request'])
    expect(all[2]).toMatchObject({
      reason: 'Needed for customer calls',
      request: { clientId: '1234-abc.apps.googleusercontent.com' },
    })
  })

  it('keeps the employee\'s answer when the "shown" notice arrives after it', async () => {
    await tracker.onNavigation(7, GOOGLE_DRIVE_CONSENT)
    await tracker.recordDecision(
      7,
      GOOGLE_DRIVE_CONSENT,
      'justify',
      'continued',
      'Customer call notes'
    )
    await tracker.recordDecision(7, GOOGLE_DRIVE_CONSENT, 'justify', 'shown', null)
    await tracker.onNavigation(7, GOOGLE_CALLBACK_GRANTED)
    expect((await events())[1]?.policy).toEqual({
      action: 'justify',
      decision: 'continued',
      justification: 'Customer call notes',
    })
  })
})
