// A believable inventory for the admin e2e: employees, enrolled browsers, AI consents over
// several weeks, and one employee's approval request.
import { randomUUID } from 'node:crypto'
import { consentEvent, type DeviceClient, type OrgFixture } from '../../support/test-server.ts'

const DAY = 86_400_000
const G = 'https://www.googleapis.com/auth/'

export const EMPLOYEES = [
  'ada@acme.example',
  'grace@acme.example',
  'alan@acme.example',
  'katherine@acme.example',
  'linus@acme.example',
] as const

export const APPS = {
  fireflies: {
    provider: 'google',
    clientId: '1111-fireflies.apps.googleusercontent.com',
    redirectHost: 'app.fireflies.ai',
    scopes: ['openid', 'email', `${G}drive.readonly`, `${G}calendar.readonly`],
  },
  otter: {
    provider: 'google',
    clientId: '2222-otter.apps.googleusercontent.com',
    redirectHost: 'otter.ai',
    scopes: ['openid', 'email', `${G}calendar.readonly`],
  },
  fyxer: {
    provider: 'google',
    clientId: '3333-fyxer.apps.googleusercontent.com',
    redirectHost: 'fyxer.com',
    scopes: ['openid', 'email', `${G}gmail.modify`],
  },
  readAi: {
    provider: 'microsoft',
    host: 'login.microsoftonline.com',
    clientId: '6f1e2d3c-4b5a-4968-8776-655443322110',
    redirectHost: 'app.read.ai',
    scopes: ['openid', 'offline_access', 'Calendars.Read', 'Mail.Read'],
  },
  crm: {
    provider: 'google',
    clientId: '4444-crm.apps.googleusercontent.com',
    redirectHost: 'crm.partner.example',
    scopes: ['openid', 'email', 'profile'],
  },
} as const

type AppKey = keyof typeof APPS

/** Who granted what, and how many days ago. */
const GRANTS: [employee: number, app: AppKey, daysAgo: number][] = [
  [0, 'fireflies', 120],
  [1, 'fireflies', 62],
  [2, 'fireflies', 9],
  [0, 'otter', 150],
  [3, 'otter', 40],
  [1, 'fyxer', 20],
  [4, 'fyxer', 3],
  [2, 'readAi', 75],
  [3, 'readAi', 33],
  [4, 'readAi', 12],
  [0, 'crm', 90],
  [2, 'crm', 5],
]

function consentFor(app: AppKey, email: string, daysAgo: number) {
  const a = APPS[app]
  return consentEvent({
    occurredAt: new Date(Date.now() - daysAgo * DAY).toISOString(),
    request: {
      provider: a.provider,
      host: 'host' in a ? a.host : 'accounts.google.com',
      clientId: a.clientId,
      redirectHost: a.redirectHost,
      scopes: [...a.scopes],
      offlineAccess: true,
      loginHint: email,
    },
  })
}

export interface SeededOrg {
  devices: Record<string, DeviceClient>
}

export async function seedInventory(org: OrgFixture): Promise<SeededOrg> {
  const devices: Record<string, DeviceClient> = {}
  for (const email of EMPLOYEES) devices[email] = await org.enrollDevice(email)
  for (const [who, app, daysAgo] of GRANTS) {
    const email = EMPLOYEES[who]!
    const res = await devices[email]!.send([consentFor(app, email, daysAgo)])
    if (res.status !== 200) throw new Error(`seed consent: ${res.status} ${await res.text()}`)
    const body = (await res.json()) as { rejected: unknown[] }
    if (body.rejected.length) throw new Error(`seed consent rejected: ${JSON.stringify(body)}`)
  }
  // Katherine asks to use a meeting assistant the policy would stop.
  const res = await devices['katherine@acme.example']!.send([
    {
      id: randomUUID(),
      type: 'approval_request',
      occurredAt: new Date(Date.now() - 2 * 3600_000).toISOString(),
      flowId: randomUUID(),
      request: {
        provider: 'google',
        kind: 'consent',
        host: 'accounts.google.com',
        clientId: '5555-meetgeek.apps.googleusercontent.com',
        redirectHost: 'app.meetgeek.ai',
        scopes: ['openid', 'email', `${G}calendar.readonly`],
        offlineAccess: true,
      },
      reason: 'Customer calls in German: MeetGeek writes the notes our CRM needs.',
    },
  ])
  if (res.status !== 200)
    throw new Error(`seed approval request: ${res.status} ${await res.text()}`)
  return { devices }
}
