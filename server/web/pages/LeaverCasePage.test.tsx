import { afterEach, describe, expect, it } from 'vitest'
import { act } from 'preact/test-utils'
import type {
  CaseGrant,
  OffboardingCase,
  PlanProgressEvent,
  RevocationPlanDetail,
  Role,
} from '../api-types.ts'
import {
  apiWith,
  meAs,
  renderInTest,
  SessionForTest,
  settle,
  type FakeRoutes,
  type Rendered,
} from '../render-in-test.tsx'
import type { EventSourceLike } from '../use-plan-progress.ts'
import { LeaverCasePage } from './LeaverCasePage.tsx'
import { PersonPage } from './PersonPage.tsx'

const PERSON = '9a3b0c1d-0000-4000-8000-000000000001'
const PLAN = '7e1f0000-0000-4000-8000-0000000000aa'
const ME = meAs('offboarding').id

function grant(id: string, change: Partial<CaseGrant> = {}): CaseGrant {
  return {
    id,
    appId: `app-${id}`,
    appName: 'Fireflies.ai',
    clientId: '1111-fireflies.apps.googleusercontent.com',
    isAi: true,
    provider: 'google',
    account: 'ada@acme.example',
    scopes: ['https://www.googleapis.com/auth/drive.readonly'],
    risk: 'high',
    status: 'active',
    firstSeenAt: '2026-06-01T00:00:00Z',
    lastSeenAt: '2026-11-20T00:00:00Z',
    followUp: null,
    ...change,
  }
}

const GOOGLE = grant('g-1')
const GITHUB = grant('g-2', {
  appName: 'Copilot Workspace',
  clientId: 'Iv1.copilot',
  provider: 'github',
  account: 'ada@acme.example',
  scopes: ['repo'],
  risk: 'critical',
})
const PERSONAL = grant('g-3', {
  appName: 'Otter.ai',
  account: 'ada.private@gmail.com',
  followUp:
    'Personal account: company data left the company and an admin cannot revoke it; ask the person to remove the app',
})

function leaverCase(change: Partial<OffboardingCase> = {}): OffboardingCase {
  return {
    person: {
      id: PERSON,
      email: 'ada@acme.example',
      name: 'Ada Lovelace',
      status: 'left',
      departureDate: '2026-11-20',
      source: 'scim',
      managerEmail: 'grace@acme.example',
      successorEmail: 'katherine@acme.example',
      aliases: ['ada.l@acme.example'],
      githubLogin: null,
    },
    case: {
      id: 'case-1',
      state: 'in_progress',
      dueDate: '2026-11-20',
      history: [
        { at: '2026-11-19T09:00:00Z', by: 'scim:tok-1', note: 'leaving on 2026-11-20' },
        { at: '2026-11-19T10:00:00Z', by: 'manual:a-2', note: 'leaving on 2026-11-20' },
      ],
      createdAt: '2026-11-19T09:00:00Z',
      closedAt: null,
      closedBy: null,
      closeNote: null,
    },
    toRevoke: [GITHUB, GOOGLE],
    followUps: [PERSONAL],
    orphanedApps: [
      {
        id: 'app-9',
        name: 'MeetGeek',
        clientId: 'c-9',
        provider: 'google',
        purpose: 'Sales call notes',
        sanctionExpiresAt: null,
        successorEmail: 'katherine@acme.example',
      },
    ],
    liveGrants: 3,
    plans: [],
    closable: {
      ok: true,
      reason: '3 grants are still live: say in a note how they were accounted for',
      needsNote: true,
    },
    ...change,
  }
}

function planDetail(
  state: RevocationPlanDetail['plan']['state'],
  jobs: [string, string, Partial<RevocationPlanDetail['jobs'][number]>?][]
): RevocationPlanDetail {
  return {
    plan: {
      id: PLAN,
      scope: 'leaver',
      subjectId: PERSON,
      state,
      createdBy: ME,
      createdAt: '2026-11-23T08:00:00Z',
      approvedBy: state === 'planned' ? null : 'a-2',
      approvedAt: state === 'planned' ? null : '2026-11-23T08:05:00Z',
    },
    counts: {},
    jobs: jobs.map(([id, grantId, change]) => ({
      id,
      grantId,
      provider: grantId === 'g-2' ? 'github' : 'google',
      userEmail: 'ada@acme.example',
      clientId: grantId === 'g-2' ? 'Iv1.copilot' : '1111-fireflies.apps.googleusercontent.com',
      appName: grantId === 'g-2' ? 'Copilot Workspace' : 'Fireflies.ai',
      state: 'approved',
      attempts: 0,
      lastStatus: null,
      lastRequestId: null,
      lastError: null,
      updatedAt: '2026-11-23T08:05:00Z',
      ...change,
    })),
  }
}

const planRow = (state: RevocationPlanDetail['plan']['state']) => ({
  id: PLAN,
  scope: 'leaver' as const,
  state,
  createdAt: '2026-11-23T08:00:00Z',
  createdBy: ME,
  approvedBy: null,
  approvedAt: null,
  counts: {},
})

/** An EventSource the test drives: it records its URL and whether the page closed it. */
class FakeStream implements EventSourceLike {
  closed = false
  private listeners = new Map<string, ((event: Event) => void)[]>()
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (event: Event) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener])
  }
  close() {
    this.closed = true
  }
  async progress(data: PlanProgressEvent) {
    await act(() => {
      for (const l of this.listeners.get('progress') ?? [])
        l(new MessageEvent('progress', { data: JSON.stringify(data) }))
    })
    await settle()
  }
  async fail() {
    await act(() => {
      for (const l of this.listeners.get('error') ?? []) l(new Event('error'))
    })
    await settle()
  }
}

let view: Rendered | null = null
afterEach(() => {
  view?.unmount()
  view = null
})

const json = (body: unknown, status = 200) => Response.json(body, { status })

async function renderCase(routes: FakeRoutes, role: Role = 'offboarding', pollMs = 5) {
  const { api, calls } = apiWith({
    'GET /api/v1/admins': {
      items: [
        {
          id: 'a-2',
          email: 'sam@acme.example',
          name: 'Sam',
          role: 'admin',
          disabledAt: null,
          createdAt: '2026-01-01T00:00:00Z',
        },
      ],
    },
    ...routes,
  })
  const streams: FakeStream[] = []
  const eventSource = (url: string) => {
    const stream = new FakeStream(url)
    streams.push(stream)
    return stream
  }
  view = await renderInTest(
    <SessionForTest role={role} api={api}>
      <LeaverCasePage personId={PERSON} eventSource={eventSource} pollMs={pollMs} />
    </SessionForTest>
  )
  return { view, calls, streams }
}

function button(v: Rendered, name: string | RegExp): HTMLButtonElement {
  const found = [...v.container.querySelectorAll('button')].find((b) =>
    typeof name === 'string' ? b.textContent?.trim() === name : name.test(b.textContent ?? '')
  )
  if (!found) throw new Error(`no button ${String(name)} in: ${v.text()}`)
  return found
}

async function click(v: Rendered, name: string | RegExp) {
  await act(() => {
    button(v, name).click()
  })
  await settle()
}

const buttonNames = (v: Rendered) =>
  [...v.container.querySelectorAll('button')].map((b) => b.textContent?.trim() ?? '')

const sent = (calls: { method: string; url: string; init: RequestInit }[], method: string) =>
  calls.filter((c) => c.method === method)

describe('the leaver case page', () => {
  it('shows who leaves, the grants in words, follow-ups with their reason and orphaned apps', async () => {
    const { view } = await renderCase({ [`GET /api/v1/leavers/${PERSON}`]: leaverCase() })
    const text = view.text()
    expect(text).toContain('Ada Lovelace')
    expect(text).toContain('katherine@acme.example')
    expect(text).toContain('ada.l@acme.example')
    expect(text).toContain('SCIM')
    // Scopes in words, not only the raw scope.
    expect(text).toContain('Google Drive')
    expect(text).toContain('Personal account: company data left the company')
    expect(text).toContain('MeetGeek')
    expect(text).toContain('Sales call notes')
    expect(text).toContain('Leaving on 2026-11-20')
    // Who wrote each history line: an admin by name, a feed by its name only.
    const history = [...view.container.querySelectorAll('.history li')].map((li) => li.textContent)
    expect(history).toEqual([
      expect.stringContaining('By hand, Sam'),
      expect.not.stringContaining('admin'),
    ])
    const json = view.container.querySelector('a[href$="/evidence"]')
    const html = view.container.querySelector('a[href$="/evidence.html"]')
    expect(json?.getAttribute('href')).toBe(`/api/v1/leavers/${PERSON}/evidence`)
    expect(json?.hasAttribute('download')).toBe(true)
    expect(html?.getAttribute('target')).toBe('_blank')
    // The CSP (default-src 'self') refuses inline style attributes.
    expect(view.container.querySelector('[style]')).toBeNull()
  })

  it('plans a revocation and shows the dry run: the jobs, and the grants left out with why', async () => {
    let current = leaverCase()
    const { view, calls } = await renderCase({
      [`GET /api/v1/leavers/${PERSON}`]: () => json(current),
      'POST /api/v1/revocations/plans': () => {
        current = leaverCase({ plans: [planRow('planned')] })
        return json(
          {
            ok: true,
            planId: PLAN,
            jobs: 1,
            skipped: [
              {
                grantId: 'g-2',
                reason: 'github is not connected: connect it under Connections, or revoke by hand',
              },
              { grantId: 'g-3', reason: PERSONAL.followUp },
            ],
          },
          201
        )
      },
      [`GET /api/v1/revocations/plans/${PLAN}`]: planDetail('planned', [
        ['j-1', 'g-1', { state: 'planned' }],
      ]),
    })
    expect(view.text()).toContain('No revocation planned yet')
    await click(view, 'Plan revocation')
    const posted = sent(calls, 'POST')[0]!
    expect(posted.url).toBe('/api/v1/revocations/plans')
    expect(JSON.parse(String(posted.init.body))).toEqual({ scope: 'leaver', personId: PERSON })
    const text = view.text()
    expect(text).toContain('Dry run: 1 grant will be revoked, nothing is revoked yet')
    expect(text).toContain('Left out of the plan (2)')
    expect(text).toContain('github is not connected')
    expect(text).toContain('Copilot Workspace')
    expect(buttonNames(view)).toContain('Approve and revoke 1 grant')
    // One account in the plan: the page header names it, the table does not repeat it.
    const headers = (label: string) =>
      [...view.container.querySelectorAll(`table[aria-label="${label}"] th`)].map((th) =>
        th.textContent?.trim()
      )
    expect(headers('Grants this plan revokes')).toEqual(['App', 'Provider'])
    // One unfinished plan at a time.
    expect(buttonNames(view)).not.toContain('Plan revocation')
  })

  it('explains that another admin must approve when the server wants a second approver', async () => {
    const { view, calls } = await renderCase({
      [`GET /api/v1/leavers/${PERSON}`]: leaverCase({ plans: [planRow('planned')] }),
      [`GET /api/v1/revocations/plans/${PLAN}`]: planDetail('planned', [
        ['j-1', 'g-1', { state: 'planned' }],
      ]),
      [`POST /api/v1/revocations/plans/${PLAN}/approve`]: () =>
        json(
          {
            error: {
              code: 'second_approver_required',
              message: 'Another admin must approve a plan you made',
            },
          },
          409
        ),
    })
    await click(view, /^Approve and revoke/)
    expect(sent(calls, 'POST').map((c) => c.url)).toEqual([
      `/api/v1/revocations/plans/${PLAN}/approve`,
    ])
    const alert = view.container.querySelector('[role="alert"]')
    expect(alert?.textContent).toContain('Another admin must approve this plan')
    expect(alert?.textContent).toContain('planned by you on')
    expect(alert?.textContent).toContain('Ask another owner, admin or offboarding admin')
  })

  it('notices when another admin approves the plan it waits for, and follows it live', async () => {
    let planNow = planDetail('planned', [['j-1', 'g-1', { state: 'planned' }]])
    const { view, streams } = await renderCase({
      [`GET /api/v1/leavers/${PERSON}`]: leaverCase({ plans: [planRow('planned')] }),
      [`GET /api/v1/revocations/plans/${PLAN}`]: () => json(planNow),
    })
    expect(streams).toHaveLength(0)
    planNow = planDetail('approved', [['j-1', 'g-1', { state: 'approved' }]])
    for (let i = 0; i < 200 && streams.length === 0; i++) await settle(1)
    expect(streams).toHaveLength(1)
    expect(view.text()).toContain('0 of 1 verified')
    await streams[0]!.progress({
      state: 'done',
      counts: { verified: 1 },
      jobs: [{ id: 'j-1', state: 'verified', lastError: null, lastStatus: 204 }],
    })
    expect(view.text()).toContain('1 of 1 verified')
  })

  it('follows progress from the event stream until every grant is verified', async () => {
    let current = leaverCase({ plans: [planRow('running')] })
    const { view, calls, streams } = await renderCase({
      [`GET /api/v1/leavers/${PERSON}`]: () => json(current),
      [`GET /api/v1/revocations/plans/${PLAN}`]: planDetail('running', [
        ['j-1', 'g-1', { state: 'running' }],
        ['j-2', 'g-2', { userEmail: 'ada.l@acme.example' }],
      ]),
    })
    expect(streams).toHaveLength(1)
    expect(streams[0]!.url).toBe(`/api/v1/revocations/plans/${PLAN}/events`)
    // Two accounts (an alias among them): the table says which each revocation is for.
    const header = [
      ...view.container.querySelectorAll('table[aria-label="Revocation of each grant"] th'),
    ].map((th) => th.textContent?.trim())
    expect(header).toContain('Account')
    expect(view.text()).toContain('0 of 2 verified')
    expect(view.text()).toContain('Running')

    await streams[0]!.progress({
      state: 'running',
      counts: { revoked: 1, running: 1 },
      jobs: [
        { id: 'j-1', state: 'revoked', lastError: null, lastStatus: 204 },
        { id: 'j-2', state: 'running', lastError: null, lastStatus: null },
      ],
    })
    expect(view.text()).toContain('Revoked, verifying')
    expect(view.text()).toContain('0 of 2 verified')

    await streams[0]!.progress({
      state: 'running',
      counts: { verified: 1, failed: 1 },
      jobs: [
        { id: 'j-1', state: 'verified', lastError: null, lastStatus: 204 },
        { id: 'j-2', state: 'failed', lastError: 'GitHub answered 502', lastStatus: 502 },
      ],
    })
    expect(view.text()).toContain('1 of 2 verified')
    expect(view.text()).toContain('GitHub answered 502')
    expect(view.text()).toContain('(HTTP 502)')

    const caseLoads = () =>
      calls.filter((c) => c.method === 'GET' && c.url === `/api/v1/leavers/${PERSON}`).length
    const before = caseLoads()
    current = leaverCase({ plans: [planRow('done')], toRevoke: [], liveGrants: 1 })
    await streams[0]!.progress({
      state: 'done',
      counts: { verified: 2 },
      jobs: [
        { id: 'j-1', state: 'verified', lastError: null, lastStatus: 204 },
        { id: 'j-2', state: 'verified', lastError: null, lastStatus: 204 },
      ],
    })
    expect(view.text()).toContain('2 of 2 verified')
    expect(view.text()).toContain('every grant is revoked and verified gone')
    const bar = view.container.querySelector('progress')!
    expect([bar.getAttribute('value'), bar.getAttribute('max')]).toEqual(['2', '2'])
    // Closed before the server ends the stream, so EventSource does not reconnect.
    expect(streams[0]!.closed).toBe(true)
    expect(view.container.querySelector('[style]')).toBeNull()
    // The case reloads: the grants are gone from "to revoke".
    expect(caseLoads()).toBe(before + 1)
    expect(view.text()).toContain('Nothing to revoke')
    expect(buttonNames(view)).not.toContain(expect.stringMatching(/^Retry failed/))
  })

  it('falls back to polling the plan when the event stream fails', async () => {
    let planNow = planDetail('running', [['j-1', 'g-1', { state: 'running' }]])
    const { view, calls, streams } = await renderCase({
      [`GET /api/v1/leavers/${PERSON}`]: leaverCase({ plans: [planRow('running')] }),
      [`GET /api/v1/revocations/plans/${PLAN}`]: () => json(planNow),
    })
    const planLoads = () =>
      calls.filter((c) => c.url === `/api/v1/revocations/plans/${PLAN}`).length
    expect(planLoads()).toBe(1)
    planNow = planDetail('done', [['j-1', 'g-1', { state: 'verified', lastStatus: 204 }]])
    await streams[0]!.fail()
    await settle(10)
    expect(streams[0]!.closed).toBe(true)
    expect(planLoads()).toBeGreaterThanOrEqual(2)
    expect(view.text()).toContain('1 of 1 verified')
  })

  it('shows the provider reason of a dead revocation and retries the failed ones', async () => {
    let planNow = planDetail('done', [
      ['j-1', 'g-1', { state: 'verified', lastStatus: 204, attempts: 1 }],
      [
        'j-2',
        'g-2',
        {
          state: 'dead',
          attempts: 1,
          lastStatus: 403,
          lastError: 'Resource not accessible by integration',
        },
      ],
    ])
    const { view, calls, streams } = await renderCase({
      [`GET /api/v1/leavers/${PERSON}`]: leaverCase({ plans: [planRow('done')] }),
      [`GET /api/v1/revocations/plans/${PLAN}`]: () => json(planNow),
      [`POST /api/v1/revocations/plans/${PLAN}/retry`]: () => {
        planNow = planDetail('running', [
          ['j-1', 'g-1', { state: 'verified', lastStatus: 204 }],
          ['j-2', 'g-2', { state: 'approved' }],
        ])
        return json({ retried: 1 })
      },
    })
    // A finished plan is not followed live.
    expect(streams).toHaveLength(0)
    expect(view.text()).toContain('Gave up')
    expect(view.text()).toContain('Resource not accessible by integration')
    expect(view.text()).toContain('(HTTP 403)')
    expect(view.text()).toContain('1 failed')
    await click(view, 'Retry failed (1)')
    expect(sent(calls, 'POST').map((c) => c.url)).toEqual([
      `/api/v1/revocations/plans/${PLAN}/retry`,
    ])
    expect(view.text()).toContain('1 revocation put back in the queue.')
    // The plan runs again and is followed live.
    expect(streams).toHaveLength(1)
    expect(buttonNames(view)).not.toContain(expect.stringMatching(/^Retry failed/))
  })

  it('closes the case only with a note when grants are still live', async () => {
    let current = leaverCase()
    const { view, calls } = await renderCase({
      [`GET /api/v1/leavers/${PERSON}`]: () => json(current),
      [`POST /api/v1/leavers/${PERSON}/close`]: () => {
        current = leaverCase({
          case: {
            ...leaverCase().case!,
            state: 'done',
            closedAt: '2026-11-23T10:00:00Z',
            closedBy: ME,
            closeNote: 'Asked Ada to remove Otter from her personal account',
          },
          closable: { ok: false, reason: 'The case is already done', needsNote: false },
        })
        return json({ ok: true })
      },
    })
    await click(view, 'Close case')
    const dialog = view.container.querySelector('[role="dialog"]')!
    expect(dialog.textContent).toContain('Closing note (required)')
    expect(dialog.textContent).toContain('3 grants are still live')
    await act(() => {
      dialog.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }))
    })
    await settle()
    expect(view.text()).toContain('Say how the grants that are still live were accounted for.')
    expect(sent(calls, 'POST')).toHaveLength(0)

    await act(() => {
      const note = dialog.querySelector('textarea[name="note"]') as HTMLTextAreaElement
      note.value = 'Asked Ada to remove Otter from her personal account'
      note.dispatchEvent(new Event('input', { bubbles: true }))
    })
    await act(() => {
      dialog.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }))
    })
    await settle()
    const posted = sent(calls, 'POST')
    expect(posted.map((c) => c.url)).toEqual([`/api/v1/leavers/${PERSON}/close`])
    expect(JSON.parse(String(posted[0]!.init.body))).toEqual({
      note: 'Asked Ada to remove Otter from her personal account',
    })
    expect(view.container.querySelector('[role="dialog"]')).toBeNull()
    expect(view.text()).toContain('Closed')
    expect(view.text()).toContain('by you')
    expect(buttonNames(view)).not.toContain('Close case')
  })

  it("shows the server's message when it refuses to close the case", async () => {
    const { view } = await renderCase({
      [`GET /api/v1/leavers/${PERSON}`]: leaverCase({
        followUps: [],
        liveGrants: 0,
        closable: { ok: true, reason: null, needsNote: false },
      }),
      [`POST /api/v1/leavers/${PERSON}/close`]: () =>
        json(
          {
            error: {
              code: 'not_closable',
              message: '1 revocation is still running: wait for it to finish',
            },
          },
          409
        ),
    })
    await click(view, 'Close case')
    expect(view.text()).toContain('Closing note (optional)')
    await act(() => {
      view!.container
        .querySelector('[role="dialog"] form')!
        .dispatchEvent(new Event('submit', { cancelable: true }))
    })
    await settle()
    const dialog = view.container.querySelector('[role="dialog"]')
    expect(dialog?.textContent).toContain('The case was not closed')
    expect(dialog?.textContent).toContain('1 revocation is still running: wait for it to finish')
  })

  it('asks for the GitHub username when GitHub grants are to be revoked', async () => {
    let current = leaverCase()
    const { view, calls } = await renderCase({
      [`GET /api/v1/leavers/${PERSON}`]: () => json(current),
      [`PATCH /api/v1/people/${PERSON}`]: () => {
        current = leaverCase({ person: { ...leaverCase().person, githubLogin: 'ada-l' } })
        return json({ ok: true })
      },
    })
    expect(view.text()).toContain('GitHub username needed')
    await act(() => {
      const input = view!.container.querySelector('input[name="githubLogin"]') as HTMLInputElement
      input.value = '@ada-l'
      input.dispatchEvent(new Event('input', { bubbles: true }))
    })
    await click(view, 'Save')
    const patch = sent(calls, 'PATCH')
    expect(patch.map((c) => c.url)).toEqual([`/api/v1/people/${PERSON}`])
    expect(JSON.parse(String(patch[0]!.init.body))).toEqual({ githubLogin: 'ada-l' })
    expect(view.text()).not.toContain('GitHub username needed')
    expect(view.text()).toContain('ada-l')
  })

  it('shows the auditor the case and the evidence with no control that changes it', async () => {
    const { view } = await renderCase(
      {
        [`GET /api/v1/leavers/${PERSON}`]: leaverCase({ plans: [planRow('planned')] }),
        [`GET /api/v1/revocations/plans/${PLAN}`]: planDetail('planned', [
          ['j-1', 'g-1', { state: 'planned' }],
        ]),
      },
      'auditor'
    )
    expect(view.text()).toContain('Dry run: 1 grant will be revoked')
    expect(view.container.querySelector('a[href$="/evidence.html"]')).not.toBeNull()
    expect(buttonNames(view).filter((b) => !/more$/.test(b))).toEqual([])
    expect(view.container.querySelector('input, textarea, select')).toBeNull()
  })
})

describe('the person page', () => {
  async function renderPerson(kase: OffboardingCase) {
    const { api } = apiWith({
      [`GET /api/v1/people/${PERSON}`]: {
        id: PERSON,
        email: 'ada@acme.example',
        name: 'Ada Lovelace',
        status: 'left',
        departureDate: '2026-11-20',
        grants: [],
        devices: [],
      },
      [`GET /api/v1/leavers/${PERSON}`]: kase,
      'GET /api/v1/admins': { items: [] },
    })
    view = await renderInTest(
      <SessionForTest role="admin" api={api}>
        <PersonPage id={PERSON} />
      </SessionForTest>
    )
    return view
  }

  it("shows the person's offboarding case in brief with a link to it", async () => {
    const v = await renderPerson(
      leaverCase({ plans: [{ ...planRow('running'), counts: { verified: 1, running: 1 } }] })
    )
    expect(v.text()).toContain('Offboarding case')
    expect(v.text()).toContain('2 grants to revoke, 1 manual follow-up, 1 orphaned app.')
    expect(v.text()).toContain('1 of 2 verified')
    expect(v.container.querySelector(`a[href="/leavers/${PERSON}"]`)?.textContent?.trim()).toBe(
      'Open the case'
    )
  })

  it('shows no case section for someone who is not leaving', async () => {
    const v = await renderPerson(leaverCase({ case: null, plans: [] }))
    expect(v.text()).toContain('ada@acme.example')
    expect(v.text()).not.toContain('Offboarding case')
  })
})
