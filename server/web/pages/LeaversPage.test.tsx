import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { act } from 'preact/test-utils'
import { createApi } from '../api.ts'
import type { LeaverRow, LeaverWhen, Role } from '../api-types.ts'
import { toDateInput } from '../format.ts'
import {
  fakeFetch,
  renderInTest,
  SessionForTest,
  settle,
  type FakeRoutes,
  type Rendered,
} from '../render-in-test.tsx'
import { LeaversPage } from './LeaversPage.tsx'

const day = (offset: number) => toDateInput(new Date(Date.now() + offset * 86_400_000))

const ADA: LeaverRow = {
  personId: '9a3b0c1d-0000-4000-8000-000000000001',
  email: 'ada@acme.example',
  name: 'Ada Lovelace',
  status: 'left',
  departureDate: day(-3),
  source: 'scim',
  caseId: 'c-1',
  state: 'in_progress',
  dueDate: day(-3),
  liveGrants: 4,
  highestRisk: 'critical',
  orphanedApps: 2,
}
const GRACE: LeaverRow = {
  ...ADA,
  personId: '9a3b0c1d-0000-4000-8000-000000000002',
  email: 'grace@acme.example',
  name: null,
  status: 'leaving',
  departureDate: day(5),
  dueDate: day(5),
  source: 'csv',
  state: 'open',
  liveGrants: 0,
  highestRisk: null,
  orphanedApps: 0,
}

let view: Rendered | null = null
beforeEach(() => history.replaceState(null, '', '/leavers'))
afterEach(() => {
  view?.unmount()
  view = null
})

/** The API with GET /leavers answered by the `when` asked for (the fake fetch ignores queries). */
async function renderAs(
  role: Role,
  lists: Partial<Record<LeaverWhen, LeaverRow[]>>,
  routes: FakeRoutes = {}
) {
  const fake = fakeFetch(routes)
  const asked: string[] = []
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://consentry.test')
    if (url.pathname === '/api/v1/leavers' && (init?.method ?? 'GET') === 'GET') {
      const when = url.searchParams.get('when') ?? ''
      asked.push(when)
      return Response.json({ items: lists[when as LeaverWhen] ?? [] })
    }
    return fake.fetch(input, init)
  }) as typeof globalThis.fetch
  view = await renderInTest(
    <SessionForTest role={role} api={createApi({ fetch })}>
      <LeaversPage />
    </SessionForTest>
  )
  return { view, calls: fake.calls, asked }
}

const buttonNames = (v: Rendered) =>
  [...v.container.querySelectorAll('button')].map((b) => b.textContent?.trim() ?? '')

async function click(v: Rendered, name: string) {
  await act(() => {
    ;[...v.container.querySelectorAll('button')]
      .find((b) => b.textContent?.trim().startsWith(name))!
      .click()
  })
  await settle()
}

async function type(v: Rendered, name: string, value: string) {
  await act(() => {
    const el = v.container.querySelector(`[name="${name}"]`) as HTMLInputElement
    el.value = value
    el.dispatchEvent(new Event('input', { bubbles: true }))
  })
}

async function submitDialog(v: Rendered) {
  await act(() => {
    v.container
      .querySelector('[role="dialog"] form')!
      .dispatchEvent(new Event('submit', { cancelable: true }))
  })
  await settle()
}

describe('the leavers page', () => {
  it('lists leavers with leaving day, source, case, live grants, risk and orphaned apps', async () => {
    const { view: v } = await renderAs('offboarding', { all: [ADA, GRACE] })
    const rows = [...v.container.querySelectorAll('tbody tr')]
    expect(rows).toHaveLength(2)
    const cells = (row: Element) =>
      [...row.querySelectorAll('td')].map((td) => td.textContent?.trim())
    expect(cells(rows[0]!)).toEqual([
      'Ada Lovelaceada@acme.example',
      '3 days ago',
      'SCIM',
      'In progressOverdue',
      '4',
      'Critical',
      '2',
    ])
    expect(cells(rows[1]!)).toEqual([
      'grace@acme.example',
      'in 5 days',
      'CSV import',
      'Open',
      '0',
      '—',
      '0',
    ])
    expect(
      v.container.querySelector(`a[href="/leavers/${ADA.personId}"]`)?.textContent?.trim()
    ).toBe('Ada Lovelace')
  })

  it('filters by tab and keeps the tab in the URL', async () => {
    const { view: v, asked } = await renderAs('offboarding', {
      all: [ADA, GRACE],
      overdue: [ADA],
      upcoming: [GRACE],
    })
    expect(asked).toEqual(['all'])
    await click(v, 'Overdue')
    expect(location.pathname + location.search).toBe('/leavers?when=overdue')
    expect(asked.at(-1)).toBe('overdue')
    expect(v.container.querySelectorAll('tbody tr')).toHaveLength(1)
    expect(v.text()).not.toContain('grace@acme.example')
    const selected = v.container.querySelector('[role="tab"][aria-selected="true"]')
    expect(selected?.textContent).toBe('Overdue1')
    await click(v, 'Due today')
    expect(location.search).toBe('?when=due')
    expect(v.text()).toContain('Nobody leaves today')
    await click(v, 'All')
    expect(location.search).toBe('')
    expect(v.container.querySelectorAll('tbody tr')).toHaveLength(2)
  })

  it('opens on the tab the URL names', async () => {
    history.replaceState(null, '', '/leavers?when=upcoming')
    const { view: v, asked } = await renderAs('offboarding', { upcoming: [GRACE] })
    expect(asked).toEqual(['upcoming'])
    expect(v.text()).toContain('grace@acme.example')
  })

  it('shows a failed load with a way to try again', async () => {
    let fail = true
    const fetch = (async () =>
      fail
        ? Response.json(
            { error: { code: 'unavailable', message: 'Database unavailable' } },
            { status: 503 }
          )
        : Response.json({ items: [ADA] })) as typeof globalThis.fetch
    view = await renderInTest(
      <SessionForTest role="auditor" api={createApi({ fetch })}>
        <LeaversPage />
      </SessionForTest>
    )
    expect(view.text()).toContain('Could not load leavers')
    expect(view.text()).toContain('Database unavailable')
    fail = false
    await click(view, 'Try again')
    expect(view.text()).toContain('Ada Lovelace')
  })

  it('marks someone as leaving by hand and links to their case', async () => {
    const { view: v, calls } = await renderAs(
      'offboarding',
      { all: [] },
      {
        'POST /api/v1/leavers': () =>
          Response.json(
            { personId: GRACE.personId, changed: true, caseId: 'c-2' },
            { status: 201 }
          ),
      }
    )
    expect(v.text()).toContain('No leavers yet')
    await click(v, 'Mark someone as leaving')
    await type(v, 'email', 'grace')
    await submitDialog(v)
    expect(v.text()).toContain('Enter a valid email address.')
    expect(v.text()).toContain('Choose the leaving day.')
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0)
    await type(v, 'email', ' Grace@Acme.example ')
    await type(v, 'departureDate', '2026-12-31')
    await type(v, 'successorEmail', 'katherine@acme.example')
    await submitDialog(v)
    const posted = calls.filter((c) => c.method === 'POST')
    expect(posted.map((c) => c.url)).toEqual(['/api/v1/leavers'])
    expect(JSON.parse(String(posted[0]!.init.body))).toEqual({
      email: 'grace@acme.example',
      departureDate: '2026-12-31',
      successorEmail: 'katherine@acme.example',
    })
    expect(v.container.querySelector('[role="dialog"]')).toBeNull()
    expect(v.text()).toContain('grace@acme.example is marked as leaving.')
    expect(v.container.querySelector(`a[href="/leavers/${GRACE.personId}"]`)).not.toBeNull()
  })

  it('imports a CSV as text/csv and shows the refused rows with their line and reason', async () => {
    const { view: v, calls } = await renderAs(
      'admin',
      { all: [] },
      {
        'POST /api/v1/leavers/import': {
          applied: 2,
          unchanged: 1,
          rejected: [
            { line: 5, reason: 'departure_date must be a date as YYYY-MM-DD' },
            { line: 3, reason: 'not an email address' },
          ],
        },
      }
    )
    await click(v, 'Import CSV')
    await submitDialog(v)
    expect(v.text()).toContain('Choose a CSV file or paste its rows.')
    const csv = 'email,departure_date\nada@acme.example,2026-12-01\n'
    await type(v, 'csv', csv)
    await submitDialog(v)
    const posted = calls.filter((c) => c.method === 'POST')
    expect(posted.map((c) => c.url)).toEqual(['/api/v1/leavers/import'])
    expect(posted[0]!.init.body).toBe(csv)
    const headers = posted[0]!.init.headers as Record<string, string>
    expect(headers['Content-Type']).toBe('text/csv')
    const dialog = v.container.querySelector('[role="dialog"]')!
    expect(dialog.textContent).toContain('Import finished')
    expect(dialog.textContent).toContain('Applied2')
    expect(dialog.textContent).toContain('Already up to date1')
    expect(dialog.textContent).toContain('2 rows were refused')
    const rows = [...dialog.querySelectorAll('tbody tr')].map((r) => r.textContent)
    expect(rows).toEqual(['3not an email address', '5departure_date must be a date as YYYY-MM-DD'])
  })

  it.each<Role>(['owner', 'admin', 'offboarding'])(
    'lets the %s mark and import leavers',
    async (role) => {
      const { view: v } = await renderAs(role, { all: [ADA] })
      expect(buttonNames(v)).toEqual(
        expect.arrayContaining(['Import CSV', 'Mark someone as leaving'])
      )
    }
  )

  it('shows the auditor the list with no control that changes it', async () => {
    const { view: v } = await renderAs('auditor', { all: [ADA] })
    expect(v.text()).toContain('Ada Lovelace')
    // Only the tabs; the selected one counts its rows.
    expect(buttonNames(v)).toEqual(['All1', 'Due today', 'Overdue', 'Upcoming', 'Done'])
  })
})
