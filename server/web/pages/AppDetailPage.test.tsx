import { afterEach, describe, expect, it } from 'vitest'
import type { AppDetail, Role } from '../api-types.ts'
import { button, buttonTexts, click } from '../interact-in-test.ts'
import {
  apiWith,
  renderInTest,
  SessionForTest,
  type FakeRoutes,
  type Rendered,
} from '../render-in-test.tsx'
import { AppDetailPage } from './AppDetailPage.tsx'

const APP_ID = '0c7d1e8a-1111-4a4a-8a8a-000000000001'
const PLAN_ID = '7d4c1e8a-2222-4b4b-8b8b-000000000009'

function grant(n: number, email: string) {
  return {
    id: `g-${n}`,
    personId: `p-${n}`,
    personEmail: email,
    account: email,
    status: 'active' as const,
    risk: 'high' as const,
    scopes: ['https://www.googleapis.com/auth/drive.readonly'],
    firstSeenAt: '2026-06-01T00:00:00Z',
    lastSeenAt: '2026-11-20T00:00:00Z',
  }
}

const detail: AppDetail = {
  app: {
    id: APP_ID,
    provider: 'google',
    clientId: '1111-fireflies.apps.googleusercontent.com',
    name: 'Fireflies.ai',
    vendor: 'Fireflies.ai',
    toolId: 'fireflies',
    isAi: true,
    category: 'meeting_assistant',
    sanctioned: false,
    ownerEmail: null,
    sanctionExpiresAt: null,
    firstSeenAt: '2026-06-01T00:00:00Z',
    lastSeenAt: '2026-11-20T00:00:00Z',
    people: 3,
    activeGrants: 3,
    highestRisk: 'high',
  },
  scopes: [],
  grants: [
    grant(1, 'ada@acme.example'),
    grant(2, 'grace@acme.example'),
    grant(3, 'linus@acme.example'),
  ],
  policy: { action: null, effective: 'warn' },
}

const planned = {
  ok: true,
  planId: PLAN_ID,
  jobs: 2,
  skipped: [
    {
      grantId: 'g-3',
      reason: 'slack is not connected: connect it under Connections, or revoke by hand',
    },
  ],
}

let view: Rendered | null = null
afterEach(() => {
  view?.unmount()
  view = null
})

async function renderAs(role: Role, routes: FakeRoutes = {}) {
  const fake = apiWith({ [`GET /api/v1/apps/${APP_ID}`]: detail, ...routes })
  view = await renderInTest(
    <SessionForTest role={role} api={fake.api}>
      <AppDetailPage id={APP_ID} />
    </SessionForTest>
  )
  return { view, calls: fake.calls }
}

const dialog = () => document.querySelector('[role="dialog"]') as HTMLElement

describe('App page: revoke for everyone', () => {
  it('plans the revocation, shows the dry run, approves it and links to its progress', async () => {
    const { view, calls } = await renderAs('offboarding', {
      'POST /api/v1/revocations/plans': () => Response.json(planned, { status: 201 }),
      [`POST /api/v1/revocations/plans/${PLAN_ID}/approve`]: { ok: true },
    })
    await click(button(view.container, 'Revoke for everyone'))
    const plan = calls.find((c) => c.method === 'POST')!
    expect(plan.url).toBe('/api/v1/revocations/plans')
    expect(JSON.parse(String(plan.init.body))).toEqual({ scope: 'app', appId: APP_ID })
    expect(dialog().textContent).toContain('2 grants will be revoked')
    expect(dialog().textContent).toContain('1 grant left out')
    expect(dialog().textContent).toContain('linus@acme.example')
    expect(dialog().textContent).toContain('slack is not connected')
    expect(calls.some((c) => c.url.endsWith('/approve'))).toBe(false)

    await click(button(dialog(), 'Approve'))
    expect(calls.some((c) => c.method === 'POST' && c.url.endsWith(`${PLAN_ID}/approve`))).toBe(
      true
    )
    expect(dialog().textContent).toContain('Approved: the revocations are running')
    const link = dialog().querySelector('a')
    expect(link?.getAttribute('href')).toBe(`/revocations?planId=${PLAN_ID}`)
    expect(buttonTexts(dialog())).toEqual(['Close'])
  })

  it('explains that a second admin approves it from the Revocations page on 409', async () => {
    await renderAs('admin', {
      'POST /api/v1/revocations/plans': () => Response.json(planned, { status: 201 }),
      [`POST /api/v1/revocations/plans/${PLAN_ID}/approve`]: () =>
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
    await click(button(view!.container, 'Revoke for everyone'))
    await click(button(dialog(), 'Approve'))
    expect(dialog().textContent).toContain('A second admin must approve this plan')
    expect(dialog().textContent).toContain('from the Revocations page')
    expect(dialog().querySelector('a')?.getAttribute('href')).toBe(`/revocations?planId=${PLAN_ID}`)
    expect(buttonTexts(dialog())).not.toContain('Approve')
  })

  it('shows the server’s answer when there is nothing to revoke', async () => {
    await renderAs('owner', {
      'POST /api/v1/revocations/plans': () =>
        Response.json(
          { error: { code: 'nothing_to_revoke', message: 'There is no live grant to revoke' } },
          { status: 409 }
        ),
    })
    await click(button(view!.container, 'Revoke for everyone'))
    expect(dialog().textContent).toContain('Could not plan the revocation')
    expect(dialog().textContent).toContain('There is no live grant to revoke')
  })

  it('offers it to no auditor', async () => {
    const { view } = await renderAs('auditor')
    expect(view.text()).toContain('Fireflies.ai')
    expect(buttonTexts(view.container)).not.toContain('Revoke for everyone')
  })
})
