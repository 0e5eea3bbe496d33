import { afterEach, describe, expect, it } from 'vitest'
import type { AppDetail, Role } from '../api-types.ts'
import { apiWith, renderInTest, SessionForTest, type Rendered } from '../render-in-test.tsx'
import { AppDetailPage } from './AppDetailPage.tsx'
import { DevicesPage } from './DevicesPage.tsx'
import { RequestsPage } from './RequestsPage.tsx'
import { SettingsPage } from './SettingsPage.tsx'

const APP_ID = '0c7d1e8a-1111-4a4a-8a8a-000000000001'
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
    sanctioned: true,
    ownerEmail: 'grace@acme.example',
    purpose: 'Meeting notes',
    sanctionExpiresAt: '2026-01-01T00:00:00Z',
    sanctionExpired: true,
    policy: null,
    firstSeenAt: '2026-06-01T00:00:00Z',
    lastSeenAt: '2026-11-20T00:00:00Z',
    people: 1,
    activeGrants: 1,
    highestRisk: 'critical',
  },
  scopes: [
    {
      scope: 'https://www.googleapis.com/auth/drive.readonly',
      known: true,
      resource: 'Google Drive',
      access: 'read',
      description: 'Read all your Google Drive files',
      risk: 'high',
    },
  ],
  grants: [],
  policy: { action: null, effective: 'justify' },
}

const routes = {
  [`GET /api/v1/apps/${APP_ID}`]: detail,
  'GET /api/v1/enrollment-tokens': {
    items: [
      {
        id: 't-1',
        label: 'Sales laptops',
        expiresAt: '2099-01-01T00:00:00Z',
        revokedAt: null,
        uses: 2,
        createdAt: '2026-11-01T00:00:00Z',
      },
    ],
  },
  'GET /api/v1/devices': {
    items: [
      {
        id: 'd-1',
        email: 'ada@acme.example',
        personId: 'p-1',
        browser: 'chrome',
        extensionVersion: '0.1.0',
        enrolledAt: '2026-11-01T00:00:00Z',
        lastSeenAt: '2026-11-22T00:00:00Z',
        revokedAt: null,
      },
    ],
  },
  'GET /api/v1/approval-requests': {
    items: [
      {
        id: 'r-1',
        personEmail: 'katherine@acme.example',
        provider: 'google',
        clientId: 'c-1',
        appName: 'MeetGeek',
        appId: null,
        scopes: ['openid'],
        reason: 'Notes',
        status: 'open',
        createdAt: '2026-11-23T07:00:00Z',
        decidedAt: null,
        decidedBy: null,
        decisionNote: null,
      },
    ],
  },
  'GET /api/v1/admin/policy': {
    byRisk: { low: 'allow', medium: 'allow', high: 'warn', critical: 'justify' },
    apps: [],
    updatedAt: null,
  },
  'GET /api/v1/admins': {
    items: [
      {
        id: 'a-2',
        email: 'sam@acme.example',
        name: 'Sam',
        role: 'admin',
        disabledAt: null,
        createdAt: '2026-11-01T00:00:00Z',
      },
    ],
  },
  'GET /api/v1/webhooks': { items: [] },
}

let view: Rendered | null = null
afterEach(() => {
  view?.unmount()
  view = null
})

async function renderAs(role: Role, page: preact.VNode) {
  const { api } = apiWith(routes)
  view = await renderInTest(
    <SessionForTest role={role} api={api}>
      {page}
    </SessionForTest>
  )
  return view
}

function buttons(v: Rendered): string[] {
  return [...v.container.querySelectorAll('button')].map((b) => b.textContent?.trim() ?? '')
}

describe('write actions by role', () => {
  it.each<[Role, string[]]>([
    ['auditor', []],
    // Offboarding staff revoke an app for everyone, but change neither policy nor sanction.
    ['offboarding', ['Revoke for everyone']],
  ])('shows the %s an app with no control that changes its policy', async (role, allowed) => {
    const v = await renderAs(role, <AppDetailPage id={APP_ID} />)
    expect(v.text()).toContain('Read all your Google Drive files')
    expect(v.text()).toContain('Expired')
    expect(v.container.querySelector('select, input, textarea')).toBeNull()
    expect(buttons(v)).toEqual(allowed)
  })

  it.each<Role>(['owner', 'admin'])('lets the %s change policy and sanction', async (role) => {
    const v = await renderAs(role, <AppDetailPage id={APP_ID} />)
    expect(v.container.querySelector('#app-policy')).not.toBeNull()
    expect(buttons(v)).toEqual(
      expect.arrayContaining(['Save', 'Save sanction', 'Withdraw sanction'])
    )
    expect(v.text()).toContain('This sanction has expired')
  })

  it('hides token and device actions from read-only roles', async () => {
    const auditor = await renderAs('auditor', <DevicesPage />)
    expect(auditor.text()).toContain('Sales laptops')
    expect(auditor.text()).toContain('ada@acme.example')
    expect(buttons(auditor)).toEqual([])
    auditor.unmount()
    const admin = await renderAs('admin', <DevicesPage />)
    expect(buttons(admin)).toEqual(['Create token', 'Revoke', 'Revoke'])
  })

  it('hides Approve and Deny from read-only roles', async () => {
    history.replaceState(null, '', '/requests')
    const auditor = await renderAs('offboarding', <RequestsPage />)
    expect(auditor.text()).toContain('MeetGeek')
    expect(buttons(auditor)).toEqual(['Open', 'Decided'])
    auditor.unmount()
    const admin = await renderAs('admin', <RequestsPage />)
    expect(buttons(admin)).toEqual(expect.arrayContaining(['Approve', 'Deny']))
  })

  it('lets only the owner manage admins and webhooks', async () => {
    const admin = await renderAs('admin', <SettingsPage />)
    expect(
      admin.container.querySelector('select[aria-label="Role of sam@acme.example"]')
    ).toBeNull()
    expect(buttons(admin)).not.toContain('Add admin')
    expect(buttons(admin)).not.toContain('Add webhook')
    expect(admin.text()).toContain('Only the owner manages webhooks.')
    // Admins still set the policy defaults.
    expect(admin.container.querySelector('#risk-critical')).not.toBeNull()
    admin.unmount()
    const auditor = await renderAs('auditor', <SettingsPage />)
    expect(auditor.container.querySelector('select')).toBeNull()
    expect(buttons(auditor)).toEqual([])
    auditor.unmount()
    const owner = await renderAs('owner', <SettingsPage />)
    expect(
      owner.container.querySelector('select[aria-label="Role of sam@acme.example"]')
    ).not.toBeNull()
    expect(buttons(owner)).toEqual(expect.arrayContaining(['Add admin', 'Disable', 'Add webhook']))
  })
})
