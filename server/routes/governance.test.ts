// Governance: app detail and sanction, expired sanctions, approval requests, admin changes, and
// alert webhooks (HMAC-signed, retried, logged).
import { createHmac, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { alertExpiredSanctions } from '../domain/apps.ts'
import { deliverDueAlerts } from '../domain/webhooks.ts'
import { silentLogger } from '../deps.ts'
import {
  consentEvent,
  createTestServer,
  PASSWORD,
  type OrgFixture,
  type TestServer,
} from '../../test/support/test-server.ts'
import { TEST_DB_KINDS } from '../../test/support/test-db.ts'

type Received = { url: string; headers: Headers; body: string }

describe.each(TEST_DB_KINDS)('governance on %s', (kind) => {
  let server: TestServer
  let org: OrgFixture
  const received: Received[] = []
  let receiverStatus = 200
  beforeAll(async () => {
    server = await createTestServer(
      kind,
      {},
      {
        fetch: async (url, init) => {
          received.push({
            url: String(url),
            headers: new Headers(init?.headers),
            body: String(init?.body),
          })
          return new Response('ok', { status: receiverStatus })
        },
      }
    )
    org = await server.createOrg()
  })
  afterAll(() => server.close())

  const appByClient = async (clientId: string) => {
    const { items } = (await (await org.owner.request('GET', '/api/v1/apps')).json()) as {
      items: Array<{ id: string; clientId: string }>
    }
    return items.find((a) => a.clientId === clientId)
  }

  it('shows what an app can do in plain words, who granted it, and its effective policy', async () => {
    const device = await org.enrollDevice('ada@acme.example')
    await device.send([
      consentEvent({
        request: {
          clientId: 'detail-app',
          scopes: [
            'openid',
            'https://www.googleapis.com/auth/gmail.readonly',
            'https://www.googleapis.com/auth/drive.readonly',
          ],
        },
      }),
    ])
    const app = await appByClient('detail-app')
    const res = await org.owner.request('GET', `/api/v1/apps/${app?.id}`)
    const detail = (await res.json()) as {
      app: { name: string }
      scopes: Array<{ scope: string; description: string; risk: string }>
      grants: Array<{ personEmail: string; status: string }>
      policy: { action: string | null; effective: string }
    }
    expect(detail.app.name).toBe('Fireflies.ai')
    expect(detail.scopes.map((s) => s.description)).toContain('Read all your Google Drive files')
    expect(detail.scopes[0]?.risk).not.toBe('low') // riskiest first
    expect(detail.grants).toMatchObject([{ personEmail: 'ada@acme.example', status: 'active' }])
    expect(detail.policy).toEqual({ action: null, effective: 'justify' })
  })

  it('sanctions an app with owner, purpose and expiry, and refuses a sanction without an owner', async () => {
    const app = await appByClient('detail-app')
    const bad = await org.owner.request('PUT', `/api/v1/apps/${app?.id}/sanction`, {
      sanctioned: true,
      ownerEmail: null,
      purpose: null,
      expiresAt: null,
    })
    expect(bad.status).toBe(400)
    const ok = await org.owner.request('PUT', `/api/v1/apps/${app?.id}/sanction`, {
      sanctioned: true,
      ownerEmail: 'Owner@Acme.example',
      purpose: 'Meeting notes',
      expiresAt: '2027-01-01T00:00:00Z',
    })
    expect(ok.status).toBe(200)
    expect(((await ok.json()) as { app: object }).app).toMatchObject({
      sanctioned: true,
      ownerEmail: 'owner@acme.example',
      purpose: 'Meeting notes',
      sanctionExpired: false,
    })
    const auditor = await org.addAdmin('auditor')
    expect(
      (
        await auditor.request('PUT', `/api/v1/apps/${app?.id}/sanction`, {
          sanctioned: false,
          ownerEmail: null,
          purpose: null,
          expiresAt: null,
        })
      ).status
    ).toBe(403)
  })

  it('filters and sorts apps', async () => {
    const device = await org.enrollDevice()
    await device.send([
      consentEvent({
        request: {
          clientId: 'low-app',
          redirectHost: 'intranet.example',
          scopes: ['openid'],
          offlineAccess: false,
        },
      }),
    ])
    const critical = (await (
      await org.owner.request('GET', '/api/v1/apps?risk=critical')
    ).json()) as { items: Array<{ clientId: string }> }
    expect(critical.items.map((a) => a.clientId)).toEqual(['detail-app'])
    const byName = (await (
      await org.owner.request('GET', '/api/v1/apps?sort=name&order=asc')
    ).json()) as { items: Array<{ name: string | null; clientId: string }> }
    const names = byName.items.map((a) => (a.name ?? a.clientId).toLowerCase())
    expect(names).toEqual([...names].sort())
  })

  it('alerts once on an expired sanction, with an HMAC-signed webhook, retried until delivered', async () => {
    const hook = await org.owner.request('POST', '/api/v1/webhooks', {
      url: 'https://hooks.acme.example/consentry',
      format: 'json',
      events: ['sanction.expired'],
    })
    expect(hook.status).toBe(201)
    const { id: hookId, secret } = (await hook.json()) as { id: string; secret: string }
    expect(secret).toMatch(/^whsec_/)
    expect(
      JSON.stringify(await (await org.owner.request('GET', '/api/v1/webhooks')).json())
    ).not.toContain(secret)
    const app = await appByClient('detail-app')
    await org.owner.request('PUT', `/api/v1/apps/${app?.id}/sanction`, {
      sanctioned: true,
      ownerEmail: 'owner@acme.example',
      purpose: 'Notes',
      expiresAt: '2026-11-01T00:00:00Z',
    })
    const list = (await (
      await org.owner.request('GET', '/api/v1/apps?sanctioned=true')
    ).json()) as { items: Array<{ clientId: string; sanctionExpired: boolean }> }
    expect(list.items.find((a) => a.clientId === 'detail-app')?.sanctionExpired).toBe(true)
    expect(
      (
        (await (await org.owner.request('GET', '/api/v1/summary')).json()) as {
          expiredSanctions: number
        }
      ).expiredSanctions
    ).toBe(1)

    expect(await alertExpiredSanctions(server.db.db, server.now.value)).toBe(1)
    expect(await alertExpiredSanctions(server.db.db, server.now.value)).toBe(0)

    receiverStatus = 500
    const first = await deliverDueAlerts({
      db: server.db.db,
      fetch: serverFetch(),
      secretBox: server.secretBox,
      clock: () => server.now.value,
      log: silentLogger,
    })
    expect(first).toBe(1)
    let deliveries = (await (
      await org.owner.request('GET', `/api/v1/webhooks/${hookId}/deliveries`)
    ).json()) as { items: Array<{ status: string; attempts: number; lastStatus: number }> }
    expect(deliveries.items).toMatchObject([{ status: 'failed', attempts: 1, lastStatus: 500 }])
    // Not due yet: nothing is sent; after the backoff it is.
    expect(
      await deliverDueAlerts({
        db: server.db.db,
        fetch: serverFetch(),
        secretBox: server.secretBox,
        clock: () => server.now.value,
        log: silentLogger,
      })
    ).toBe(0)
    receiverStatus = 204
    const later = new Date(server.now.value.getTime() + 120_000)
    expect(
      await deliverDueAlerts({
        db: server.db.db,
        fetch: serverFetch(),
        secretBox: server.secretBox,
        clock: () => later,
        log: silentLogger,
      })
    ).toBe(1)
    deliveries = (await (
      await org.owner.request('GET', `/api/v1/webhooks/${hookId}/deliveries`)
    ).json()) as typeof deliveries
    expect(deliveries.items).toMatchObject([{ status: 'delivered', attempts: 2, lastStatus: 204 }])

    const last = received.at(-1)
    expect(last?.url).toBe('https://hooks.acme.example/consentry')
    const timestamp = last?.headers.get('x-consentry-timestamp') ?? ''
    const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${last?.body}`).digest('hex')}`
    expect(last?.headers.get('x-consentry-signature')).toBe(expected)
    expect(JSON.parse(last?.body ?? '{}')).toMatchObject({
      event: 'sanction.expired',
      data: { clientId: 'detail-app', ownerEmail: 'owner@acme.example' },
    })
  })

  function serverFetch(): typeof fetch {
    return async (url, init) => {
      received.push({
        url: String(url),
        headers: new Headers(init?.headers),
        body: String(init?.body),
      })
      return new Response(null, { status: receiverStatus })
    }
  }

  it('sends Slack-formatted alerts for new high-risk AI grants and approval requests', async () => {
    const hook = await org.owner.request('POST', '/api/v1/webhooks', {
      url: 'https://hooks.slack.com/services/T/B/X',
      format: 'slack',
      events: ['grant.high_risk', 'approval.requested'],
    })
    expect(((await hook.json()) as { secret: string | null }).secret).toBeNull()
    const device = await org.enrollDevice('grace@acme.example')
    await device.send([consentEvent({ request: { clientId: 'alert-app' } })])
    receiverStatus = 200
    received.length = 0
    await deliverDueAlerts({
      db: server.db.db,
      fetch: serverFetch(),
      secretBox: server.secretBox,
      clock: () => new Date(server.now.value.getTime() + 600_000),
      log: silentLogger,
    })
    const slack = received.filter((r) => r.url.startsWith('https://hooks.slack.com'))
    expect(slack.map((r) => JSON.parse(r.body).text)).toEqual([
      expect.stringContaining(
        'grace@acme.example granted Fireflies.ai (google) critical-risk access'
      ),
    ])
  })

  describe('approval requests', () => {
    const request = (clientId: string) => ({
      ...(
        consentEvent({ request: { clientId, redirectHost: 'notes.example' } }) as {
          request: object
        }
      ).request,
    })
    const ask = (clientId: string, reason: string) => ({
      id: randomUUID(),
      type: 'approval_request',
      occurredAt: '2026-11-23T08:00:00Z',
      flowId: randomUUID(),
      request: request(clientId),
      reason,
    })

    it('approves for the requester only: the policy opens for their devices, not for others', async () => {
      const ada = await org.enrollDevice('ada2@acme.example')
      const bob = await org.enrollDevice('bob2@acme.example')
      await org.owner.request('PUT', '/api/v1/admin/policy/risk', {
        low: 'allow',
        medium: 'warn',
        high: 'block',
        critical: 'block',
      })
      await ada.send([ask('blocked-app', 'Need it for sales')])
      const open = (await (
        await org.owner.request('GET', '/api/v1/approval-requests?status=open')
      ).json()) as {
        items: Array<{ id: string; personEmail: string; reason: string; clientId: string }>
      }
      const mine = open.items.find((r) => r.clientId === 'blocked-app')
      expect(mine).toMatchObject({ personEmail: 'ada2@acme.example', reason: 'Need it for sales' })
      const res = await org.owner.request('POST', `/api/v1/approval-requests/${mine?.id}/approve`, {
        ownerEmail: 'sales-lead@acme.example',
        purpose: 'Sales notes',
        expiresAt: '2027-06-01T00:00:00Z',
        scope: 'requester',
      })
      expect(res.status).toBe(200)
      const adaPolicy = (await (await ada.request('GET', '/api/v1/policy')).json()) as {
        apps: Array<{ clientId: string; action: string }>
      }
      const bobPolicy = (await (await bob.request('GET', '/api/v1/policy')).json()) as {
        apps: Array<{ clientId: string; action: string }>
      }
      expect(adaPolicy.apps.find((a) => a.clientId === 'blocked-app')?.action).toBe('allow')
      expect(bobPolicy.apps.find((a) => a.clientId === 'blocked-app')).toBeUndefined()
      const app = await appByClient('blocked-app')
      expect(app).toBeDefined()
      // The employee sees the answer.
      const answers = (await (await ada.request('GET', '/api/v1/device/requests')).json()) as {
        items: Array<{ status: string; clientId: string }>
      }
      expect(answers.items.find((r) => r.clientId === 'blocked-app')?.status).toBe('approved')
      expect(
        (
          await org.owner.request('POST', `/api/v1/approval-requests/${mine?.id}/deny`, {
            reason: 'late',
          })
        ).status
      ).toBe(409)
    })

    it('approves for everyone, and denies with a reason', async () => {
      const ada = await org.enrollDevice('ada3@acme.example')
      const bob = await org.enrollDevice('bob3@acme.example')
      await ada.send([ask('team-app', 'Whole team'), ask('nope-app', 'Just curious')])
      const open = (await (
        await org.owner.request('GET', '/api/v1/approval-requests?status=open')
      ).json()) as { items: Array<{ id: string; clientId: string }> }
      const team = open.items.find((r) => r.clientId === 'team-app')
      const nope = open.items.find((r) => r.clientId === 'nope-app')
      await org.owner.request('POST', `/api/v1/approval-requests/${team?.id}/approve`, {
        ownerEmail: 'it@acme.example',
        purpose: 'Team notes',
        expiresAt: null,
        scope: 'everyone',
      })
      const bobPolicy = (await (await bob.request('GET', '/api/v1/policy')).json()) as {
        apps: Array<{ clientId: string; action: string }>
      }
      expect(bobPolicy.apps.find((a) => a.clientId === 'team-app')?.action).toBe('allow')
      expect(
        (
          await org.owner.request('POST', `/api/v1/approval-requests/${nope?.id}/deny`, {
            reason: 'Use the sanctioned notes app',
          })
        ).status
      ).toBe(200)
      const answers = (await (await ada.request('GET', '/api/v1/device/requests')).json()) as {
        items: Array<{ clientId: string; status: string; decisionNote: string }>
      }
      expect(answers.items.find((r) => r.clientId === 'nope-app')).toMatchObject({
        status: 'denied',
        decisionNote: 'Use the sanctioned notes app',
      })
    })
  })

  describe('admin users', () => {
    it('changes roles and disables admins, but never the last owner or yourself', async () => {
      const other = await org.addAdmin('admin')
      const { items } = (await (await org.owner.request('GET', '/api/v1/admins')).json()) as {
        items: Array<{ id: string; email: string }>
      }
      const otherId = items.find((a) => a.email === other.email)?.id
      const ownerId = items.find((a) => a.email === org.owner.email)?.id
      expect(
        (await org.owner.request('PATCH', `/api/v1/admins/${otherId}`, { role: 'auditor' })).status
      ).toBe(200)
      expect(
        (await other.request('POST', '/api/v1/enrollment-tokens', { label: 'x' })).status
      ).toBe(403)
      expect(
        (await org.owner.request('PATCH', `/api/v1/admins/${otherId}`, { disabled: true })).status
      ).toBe(200)
      expect((await other.request('GET', '/api/v1/auth/me')).status).toBe(401)
      expect(
        (await org.owner.request('PATCH', `/api/v1/admins/${ownerId}`, { role: 'admin' })).status
      ).toBe(409)
      expect((await org.owner.request('PATCH', `/api/v1/admins/${otherId}`, {})).status).toBe(400)
      void PASSWORD
    })
  })

  it('summarises risk, providers and new AI grants per week', async () => {
    const summary = (await (await org.owner.request('GET', '/api/v1/summary')).json()) as {
      byRisk: Record<string, number>
      byProvider: Array<{ provider: string; count: number }>
      grantsOverTime: Array<{ week: string; count: number }>
    }
    expect(summary.byRisk.critical).toBeGreaterThan(0)
    expect(summary.byProvider[0]?.provider).toBe('google')
    expect(summary.grantsOverTime).toHaveLength(26)
    expect(summary.grantsOverTime.reduce((n, w) => n + w.count, 0)).toBeGreaterThan(0)
  })
})
