import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { RevocationJobRow, RevocationPlanRow, Role } from '../api-types.ts'
import { button, buttonTexts, choose, click } from '../interact-in-test.ts'
import {
  apiWith,
  renderInTest,
  SessionForTest,
  type FakeRoutes,
  type Rendered,
} from '../render-in-test.tsx'
import { RevocationsPage } from './RevocationsPage.tsx'

const LEAVER_PLAN = '7d4c1e8a-2222-4b4b-8b8b-000000000001'
const APP_PLAN = '7d4c1e8a-2222-4b4b-8b8b-000000000002'
const PERSON = '5a5a5a5a-3333-4c4c-8c8c-000000000001'
const APP = '0c7d1e8a-1111-4a4a-8a8a-000000000001'

const plans: RevocationPlanRow[] = [
  {
    id: LEAVER_PLAN,
    scope: 'leaver',
    subjectId: PERSON,
    state: 'running',
    createdBy: 'a-1',
    createdAt: '2026-11-23T08:00:00Z',
    approvedBy: 'a-2',
    approvedAt: '2026-11-23T08:05:00Z',
    counts: { verified: 3, failed: 1, dead: 1 },
  },
  {
    id: APP_PLAN,
    scope: 'app',
    subjectId: APP,
    state: 'planned',
    createdBy: 'a-1',
    createdAt: '2026-11-23T09:00:00Z',
    approvedBy: null,
    approvedAt: null,
    counts: { planned: 4 },
  },
]

function job(n: number, change: Partial<RevocationJobRow> = {}): RevocationJobRow {
  return {
    id: `j-${n}`,
    planId: LEAVER_PLAN,
    planScope: 'leaver',
    planSubjectId: PERSON,
    grantId: `g-${n}`,
    provider: 'google',
    userEmail: 'ada@acme.example',
    clientId: `${n}-notes.apps.googleusercontent.com`,
    appName: `Notes ${n}`,
    personId: PERSON,
    state: 'verified',
    attempts: 1,
    lastStatus: 204,
    lastRequestId: null,
    lastError: null,
    updatedAt: '2026-11-23T08:10:00Z',
    ...change,
  }
}

let view: Rendered | null = null
beforeEach(() => history.replaceState(null, '', '/revocations'))
afterEach(() => {
  view?.unmount()
  view = null
})

async function renderAs(role: Role, routes: FakeRoutes) {
  const fake = apiWith({ 'GET /api/v1/revocations/plans': { items: plans }, ...routes })
  view = await renderInTest(
    <SessionForTest role={role} api={fake.api}>
      <RevocationsPage />
    </SessionForTest>
  )
  return { view, calls: fake.calls }
}

const jobsCalls = (calls: { method: string; url: string }[]) =>
  calls.filter((c) => c.url.startsWith('/api/v1/revocations/jobs')).map((c) => c.url)

describe('Revocations page', () => {
  it('lists jobs with state, attempts, the provider’s answer and a link to the case or app', async () => {
    const { view } = await renderAs('auditor', {
      'GET /api/v1/revocations/jobs': {
        items: [
          job(1, { state: 'failed', attempts: 3, lastStatus: 403, lastError: 'Not Authorized' }),
          job(2, {
            planId: APP_PLAN,
            planScope: 'app',
            planSubjectId: APP,
            // The server names the grant's person on an app's plan too: the link is the app's.
            personId: 'p-colleague',
            state: 'running',
          }),
          job(3, { planScope: 'selection', planSubjectId: null, personId: 'p-3' }),
        ],
        nextCursor: null,
      },
    })
    const text = view.text()
    expect(text).toContain('Notes 1')
    expect(text).toContain('Failed, will retry')
    expect(text).toContain('HTTP 403')
    expect(text).toContain('Not Authorized')
    expect(text).toContain('Running')
    const hrefs = [...view.container.querySelectorAll('table[aria-label="Revocation jobs"] a')].map(
      (a) => a.getAttribute('href')
    )
    expect(hrefs).toEqual([`/leavers/${PERSON}`, `/apps/${APP}`, '/people/p-3'])
    // Plans with their counts per state.
    expect(text).toContain('3 verified')
    expect(text).toContain('1 dead')
    expect(text).toContain('Waiting for approval')
  })

  it('keeps the state and provider filters in the URL and asks the API with them', async () => {
    const { view, calls } = await renderAs('auditor', {
      'GET /api/v1/revocations/jobs': { items: [job(1)], nextCursor: null },
    })
    expect(jobsCalls(calls)).toEqual(['/api/v1/revocations/jobs?limit=50'])
    await choose(view.container, 'select[name="state"]', 'failed')
    expect(location.search).toBe('?state=failed')
    await choose(view.container, 'select[name="provider"]', 'okta')
    expect(location.search).toBe('?state=failed&provider=okta')
    expect(jobsCalls(calls).slice(-1)).toEqual([
      '/api/v1/revocations/jobs?state=failed&provider=okta&limit=50',
    ])
    await click(button(view.container, 'Clear filters'))
    expect(location.search).toBe('')
  })

  it('reads a plan filter from the URL (the app page links there) and can drop it', async () => {
    history.replaceState(null, '', `/revocations?planId=${APP_PLAN}`)
    const { view, calls } = await renderAs('auditor', {
      'GET /api/v1/revocations/jobs': { items: [], nextCursor: null },
    })
    expect(jobsCalls(calls)).toEqual([`/api/v1/revocations/jobs?planId=${APP_PLAN}&limit=50`])
    expect(view.text()).toContain('No revocation jobs match these filters')
    expect(view.container.querySelector('tr.row-selected')?.textContent).toContain(APP_PLAN)
    await click(
      view.container.querySelector('button[aria-label="Show jobs of every plan"]') as HTMLElement
    )
    expect(location.search).toBe('')
  })

  it('loads the next page with the cursor on "Load more"', async () => {
    let page = 0
    const { view, calls } = await renderAs('auditor', {
      'GET /api/v1/revocations/jobs': () =>
        Response.json(
          ++page === 1
            ? { items: [job(1), job(2)], nextCursor: 'cursor-1' }
            : { items: [job(3)], nextCursor: null }
        ),
    })
    expect(view.text()).toContain('2 jobs shown, more to load')
    await click(button(view.container, 'Load more'))
    expect(jobsCalls(calls)[1]).toBe('/api/v1/revocations/jobs?limit=50&cursor=cursor-1')
    expect(view.text()).toContain('Notes 3')
    expect(view.text()).toContain('3 jobs shown')
    expect(buttonTexts(view.container)).not.toContain('Load more')
  })

  it('shows an error with a retry when the jobs cannot be loaded', async () => {
    let fail = true
    const { view } = await renderAs('auditor', {
      'GET /api/v1/revocations/jobs': () =>
        fail
          ? Response.json({ error: { code: 'boom', message: 'Database away' } }, { status: 503 })
          : Response.json({ items: [job(1)], nextCursor: null }),
    })
    expect(view.text()).toContain('Could not load revocations')
    expect(view.text()).toContain('Database away')
    fail = false
    await click(button(view.container, 'Try again'))
    expect(view.text()).toContain('Notes 1')
  })

  it('lets offboarding staff retry failed and dead jobs of a plan', async () => {
    const { view, calls } = await renderAs('offboarding', {
      'GET /api/v1/revocations/jobs': { items: [job(1)], nextCursor: null },
      [`POST /api/v1/revocations/plans/${LEAVER_PLAN}/retry`]: { retried: 2 },
    })
    await click(button(view.container, 'Retry failed'))
    expect(calls.some((c) => c.method === 'POST' && c.url.endsWith(`${LEAVER_PLAN}/retry`))).toBe(
      true
    )
    expect(view.text()).toContain('2 revocations back in the queue.')
    // The plans and jobs are read again to show the new states.
    expect(calls.filter((c) => c.url === '/api/v1/revocations/plans').length).toBe(2)
    expect(jobsCalls(calls).length).toBe(2)
  })

  it('explains that a second person must approve a plan its maker cannot approve', async () => {
    const { view } = await renderAs('admin', {
      'GET /api/v1/revocations/jobs': { items: [], nextCursor: null },
      [`POST /api/v1/revocations/plans/${APP_PLAN}/approve`]: () =>
        Response.json(
          {
            error: {
              code: 'second_approver_required',
              message: 'Another admin must approve a plan you made',
            },
          },
          { status: 409 }
        ),
    })
    await click(button(view.container, 'Approve'))
    expect(view.text()).toContain('A second person must approve this plan')
    expect(view.text()).toContain('Ask a colleague')
  })

  it('shows auditors the plans without Approve or Retry', async () => {
    const { view } = await renderAs('auditor', {
      'GET /api/v1/revocations/jobs': { items: [job(1)], nextCursor: null },
    })
    expect(view.text()).toContain('1 failed')
    expect(buttonTexts(view.container)).not.toContain('Retry failed')
    expect(buttonTexts(view.container)).not.toContain('Approve')
  })
})
