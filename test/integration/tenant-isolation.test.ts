// Tenant isolation: an admin or device of organisation B can read or change nothing of A, on
// every route the app has (the route table is checked against this file's list).
import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  consentEvent,
  createTestServer,
  type DeviceClient,
  type OrgFixture,
  type TestServer,
} from '../support/test-server.ts'
import { TEST_DB_KINDS } from '../support/test-db.ts'

interface Seeded {
  planId: string
  scimTokenId: string
  requestId: string
  webhookId: string
  personId: string
  appId: string
  deviceId: string
  tokenId: string
}

describe.each(TEST_DB_KINDS)('tenant isolation on %s', (kind) => {
  let server: TestServer
  let a: OrgFixture
  let b: OrgFixture
  let aDevice: DeviceClient
  let bDevice: DeviceClient
  const seeded = {} as Seeded

  beforeAll(async () => {
    server = await createTestServer(kind)
    a = await server.createOrg('Org A')
    b = await server.createOrg('Org B')
    aDevice = await a.enrollDevice('alice@a.example')
    bDevice = await b.enrollDevice('bruno@b.example')
    // The same app (same client id) in both organisations.
    await aDevice.send([consentEvent({ request: { clientId: 'shared-client' } })])
    await bDevice.send([
      consentEvent({ outcome: 'denied', request: { clientId: 'shared-client' } }),
    ])
    await a.owner.request('PUT', '/api/v1/admin/policy/risk', {
      low: 'block',
      medium: 'block',
      high: 'block',
      critical: 'block',
    })
    const people = (await (await a.owner.request('GET', '/api/v1/people')).json()) as {
      items: Array<{ id: string }>
    }
    const apps = (await (await a.owner.request('GET', '/api/v1/apps')).json()) as {
      items: Array<{ id: string }>
    }
    const token = (await (
      await a.owner.request('POST', '/api/v1/enrollment-tokens', { label: 'a' })
    ).json()) as { id: string }
    await aDevice.send([
      {
        id: randomUUID(),
        type: 'approval_request',
        occurredAt: '2026-11-23T08:00:00Z',
        flowId: randomUUID(),
        request: (consentEvent() as { request: object }).request,
        reason: 'please',
      },
    ])
    const requests = (await (await a.owner.request('GET', '/api/v1/approval-requests')).json()) as {
      items: Array<{ id: string }>
    }
    const hook = (await (
      await a.owner.request('POST', '/api/v1/webhooks', {
        url: 'https://a.example/hook',
        format: 'json',
        events: ['grant.high_risk'],
      })
    ).json()) as { id: string }
    const scimToken = (await (
      await a.owner.request('POST', '/api/v1/feeds/scim-tokens', { label: 'a' })
    ).json()) as { id: string }
    const selection = (await (await a.owner.request('GET', '/api/v1/grants')).json()) as {
      items: Array<{ id: string }>
    }
    await server.db.db.execute(
      sql`insert into provider_connections (org_id, provider, credentials_ciphertext, base_urls, created_at, updated_at) values (${a.orgId}, 'google', 'v1:x', '{}'::jsonb, now(), now())`
    )
    const plan = (await (
      await a.owner.request('POST', '/api/v1/revocations/plans', {
        scope: 'selection',
        grantIds: selection.items.map((g) => g.id),
      })
    ).json()) as { planId: string }
    Object.assign(seeded, {
      planId: plan.planId,
      scimTokenId: scimToken.id,
      requestId: requests.items[0]?.id,
      webhookId: hook.id,
      personId: people.items[0]?.id,
      appId: apps.items[0]?.id,
      deviceId: aDevice.deviceId,
      tokenId: token.id,
    })
  })
  afterAll(() => server.close())

  /** Each route, and what B attempting it against A's data must produce. */
  const checks: Record<string, () => Promise<void>> = {
    'GET /api/v1/auth/me': async () => {
      expect(await (await b.owner.request('GET', '/api/v1/auth/me')).json()).toMatchObject({
        orgId: b.orgId,
      })
    },
    'GET /api/v1/admins': async () => {
      const { items } = (await (await b.owner.request('GET', '/api/v1/admins')).json()) as {
        items: Array<{ email: string }>
      }
      expect(items.map((i) => i.email)).not.toContain(a.owner.email)
    },
    'POST /api/v1/admins': async () => {
      // Created in B, never in A.
      await b.owner.request('POST', '/api/v1/admins', {
        email: 'new-b@b.example',
        name: 'N',
        role: 'auditor',
        password: 'correct horse battery staple',
      })
      const { items } = (await (await a.owner.request('GET', '/api/v1/admins')).json()) as {
        items: Array<{ email: string }>
      }
      expect(items.map((i) => i.email)).not.toContain('new-b@b.example')
    },
    'GET /api/v1/enrollment-tokens': async () => {
      const { items } = (await (
        await b.owner.request('GET', '/api/v1/enrollment-tokens')
      ).json()) as { items: Array<{ id: string }> }
      expect(items.map((i) => i.id)).not.toContain(seeded.tokenId)
    },
    'POST /api/v1/enrollment-tokens': async () => {
      const token = (await (
        await b.owner.request('POST', '/api/v1/enrollment-tokens', { label: 'b' })
      ).json()) as { token: string }
      const res = await server.app.request('http://consentry.test/api/v1/enroll', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: token.token }),
      })
      expect(((await res.json()) as { orgId: string }).orgId).toBe(b.orgId)
    },
    'DELETE /api/v1/enrollment-tokens/:id': async () => {
      expect(
        (await b.owner.request('DELETE', `/api/v1/enrollment-tokens/${seeded.tokenId}`)).status
      ).toBe(404)
    },
    'GET /api/v1/devices': async () => {
      const { items } = (await (await b.owner.request('GET', '/api/v1/devices')).json()) as {
        items: Array<{ id: string }>
      }
      expect(items.map((i) => i.id)).not.toContain(seeded.deviceId)
    },
    'POST /api/v1/devices/:id/revoke': async () => {
      expect(
        (await b.owner.request('POST', `/api/v1/devices/${seeded.deviceId}/revoke`)).status
      ).toBe(404)
      expect((await aDevice.request('GET', '/api/v1/policy')).status).toBe(200)
    },
    'POST /api/v1/events': async () => {
      await bDevice.send([consentEvent({ request: { clientId: 'shared-client' } })])
      const grants = (await (await a.owner.request('GET', '/api/v1/grants')).json()) as {
        items: Array<{ personEmail: string }>
      }
      expect(grants.items.map((g) => g.personEmail)).toEqual(['alice@a.example'])
    },
    'GET /api/v1/device/connections': async () => {
      const res = await bDevice.request('GET', '/api/v1/device/connections')
      const { items } = (await res.json()) as { items: Array<{ id: string }> }
      const aGrants = (await (await a.owner.request('GET', '/api/v1/grants')).json()) as {
        items: Array<{ id: string }>
      }
      expect(items.length).toBeGreaterThan(0)
      for (const g of aGrants.items) expect(items.map((i) => i.id)).not.toContain(g.id)
    },
    'GET /api/v1/apps/:id': async () => {
      expect((await b.owner.request('GET', `/api/v1/apps/${seeded.appId}`)).status).toBe(404)
    },
    'PUT /api/v1/apps/:id/sanction': async () => {
      const res = await b.owner.request('PUT', `/api/v1/apps/${seeded.appId}/sanction`, {
        sanctioned: true,
        ownerEmail: 'x@b.example',
        purpose: 'p',
        expiresAt: null,
      })
      expect(res.status).toBe(404)
    },
    'GET /api/v1/approval-requests': async () => {
      const { items } = (await (
        await b.owner.request('GET', '/api/v1/approval-requests')
      ).json()) as { items: Array<{ id: string }> }
      expect(items.map((i) => i.id)).not.toContain(seeded.requestId)
    },
    'POST /api/v1/approval-requests/:id/approve': async () => {
      const res = await b.owner.request(
        'POST',
        `/api/v1/approval-requests/${seeded.requestId}/approve`,
        { ownerEmail: 'x@b.example', purpose: 'p', expiresAt: null, scope: 'everyone' }
      )
      expect(res.status).toBe(404)
    },
    'POST /api/v1/approval-requests/:id/deny': async () => {
      expect(
        (
          await b.owner.request('POST', `/api/v1/approval-requests/${seeded.requestId}/deny`, {
            reason: 'no',
          })
        ).status
      ).toBe(404)
    },
    'PATCH /api/v1/admins/:id': async () => {
      const { items } = (await (await a.owner.request('GET', '/api/v1/admins')).json()) as {
        items: Array<{ id: string }>
      }
      expect(
        (await b.owner.request('PATCH', `/api/v1/admins/${items[0]?.id}`, { role: 'auditor' }))
          .status
      ).toBe(404)
    },
    'GET /api/v1/webhooks': async () => {
      const { items } = (await (await b.owner.request('GET', '/api/v1/webhooks')).json()) as {
        items: Array<{ id: string }>
      }
      expect(items.map((i) => i.id)).not.toContain(seeded.webhookId)
    },
    'POST /api/v1/webhooks': async () => {
      await b.owner.request('POST', '/api/v1/webhooks', {
        url: 'https://b.example/hook',
        format: 'slack',
        events: ['grant.high_risk'],
      })
      const { items } = (await (await a.owner.request('GET', '/api/v1/webhooks')).json()) as {
        items: Array<{ url: string }>
      }
      expect(items.map((i) => i.url)).not.toContain('https://b.example/hook')
    },
    'DELETE /api/v1/webhooks/:id': async () => {
      expect((await b.owner.request('DELETE', `/api/v1/webhooks/${seeded.webhookId}`)).status).toBe(
        404
      )
    },
    'GET /api/v1/webhooks/:id/deliveries': async () => {
      const { items } = (await (
        await b.owner.request('GET', `/api/v1/webhooks/${seeded.webhookId}/deliveries`)
      ).json()) as { items: unknown[] }
      expect(items).toEqual([])
    },
    'GET /api/v1/device/requests': async () => {
      const { items } = (await (
        await bDevice.request('GET', '/api/v1/device/requests')
      ).json()) as { items: Array<{ id: string }> }
      expect(items.map((i) => i.id)).not.toContain(seeded.requestId)
    },
    'GET /api/v1/feeds': async () => {
      const feeds = (await (await b.owner.request('GET', '/api/v1/feeds')).json()) as {
        scimTokens: Array<{ id: string }>
      }
      expect(feeds.scimTokens.map((t) => t.id)).not.toContain(seeded.scimTokenId)
    },
    'POST /api/v1/feeds/scim-tokens': async () => {
      await b.owner.request('POST', '/api/v1/feeds/scim-tokens', { label: 'b-token' })
      const feeds = (await (await a.owner.request('GET', '/api/v1/feeds')).json()) as {
        scimTokens: Array<{ label: string }>
      }
      expect(feeds.scimTokens.map((t) => t.label)).not.toContain('b-token')
    },
    'DELETE /api/v1/feeds/scim-tokens/:id': async () => {
      expect(
        (await b.owner.request('DELETE', `/api/v1/feeds/scim-tokens/${seeded.scimTokenId}`)).status
      ).toBe(404)
    },
    'POST /api/v1/feeds/hr-secret': async () => {
      expect((await b.owner.request('POST', '/api/v1/feeds/hr-secret')).status).toBe(201)
      const feeds = (await (await a.owner.request('GET', '/api/v1/feeds')).json()) as {
        hrSecretSet: boolean
      }
      expect(feeds.hrSecretSet).toBe(false)
    },
    'PUT /api/v1/feeds/ssf': async () => {
      await b.owner.request('PUT', '/api/v1/feeds/ssf', {
        issuer: 'https://idp.b.example',
        audience: 'b',
        jwksUrl: 'https://idp.b.example/jwks',
      })
      const feeds = (await (await a.owner.request('GET', '/api/v1/feeds')).json()) as {
        ssf: unknown
      }
      expect(feeds.ssf).toBeNull()
    },
    'GET /api/v1/leavers': async () => {
      const { items } = (await (await b.owner.request('GET', '/api/v1/leavers')).json()) as {
        items: Array<{ personId: string }>
      }
      expect(items.map((i) => i.personId)).not.toContain(seeded.personId)
    },
    'GET /api/v1/leavers/:personId': async () => {
      expect((await b.owner.request('GET', `/api/v1/leavers/${seeded.personId}`)).status).toBe(404)
    },
    'POST /api/v1/leavers': async () => {
      await b.owner.request('POST', '/api/v1/leavers', {
        email: 'alice@a.example',
        departureDate: '2026-12-01',
      })
      const person = (await (
        await a.owner.request('GET', `/api/v1/people/${seeded.personId}`)
      ).json()) as { status: string }
      expect(person.status).toBe('active')
    },
    'POST /api/v1/leavers/import': async () => {
      await b.owner.request(
        'POST',
        '/api/v1/leavers/import',
        'email,departure_date\nalice@a.example,2026-12-01\n',
        { 'content-type': 'text/csv' }
      )
      const { items } = (await (await a.owner.request('GET', '/api/v1/leavers')).json()) as {
        items: unknown[]
      }
      expect(items).toEqual([])
    },
    'GET /api/v1/connections': async () => {
      const { items } = (await (await b.owner.request('GET', '/api/v1/connections')).json()) as {
        items: Array<{ provider: string }>
      }
      expect(items).toEqual([])
    },
    'PUT /api/v1/connections/:provider': async () => {
      const res = await b.owner.request('PUT', '/api/v1/connections/okta', {
        credentials: { orgUrl: 'https://b.okta.com', apiToken: 'b-token-0123456789' },
      })
      expect(res.status).toBe(200)
      const { items } = (await (await a.owner.request('GET', '/api/v1/connections')).json()) as {
        items: Array<{ provider: string }>
      }
      expect(items.map((i) => i.provider)).toEqual(['google'])
      // Credentials are never returned.
      expect(
        JSON.stringify(await (await b.owner.request('GET', '/api/v1/connections')).json())
      ).not.toContain('b-token')
    },
    'POST /api/v1/connections/:provider/test': async () => {
      expect((await b.owner.request('POST', '/api/v1/connections/google/test')).status).toBe(404)
    },
    'GET /api/v1/revocations/plans': async () => {
      const { items } = (await (
        await b.owner.request('GET', '/api/v1/revocations/plans')
      ).json()) as { items: unknown[] }
      expect(items).toEqual([])
    },
    'POST /api/v1/revocations/plans': async () => {
      expect(
        (
          await b.owner.request('POST', '/api/v1/revocations/plans', {
            scope: 'leaver',
            personId: seeded.personId,
          })
        ).status
      ).toBe(404)
    },
    'GET /api/v1/revocations/plans/:id': async () => {
      expect(
        (await b.owner.request('GET', `/api/v1/revocations/plans/${seeded.planId}`)).status
      ).toBe(404)
    },
    'POST /api/v1/revocations/plans/:id/approve': async () => {
      expect(
        (await b.owner.request('POST', `/api/v1/revocations/plans/${seeded.planId}/approve`)).status
      ).toBe(404)
    },
    'POST /api/v1/revocations/plans/:id/retry': async () => {
      expect(
        await (
          await b.owner.request('POST', `/api/v1/revocations/plans/${seeded.planId}/retry`)
        ).json()
      ).toEqual({ retried: 0 })
    },
    'GET /api/v1/revocations/plans/:id/events': async () => {
      expect(
        (await b.owner.request('GET', `/api/v1/revocations/plans/${seeded.planId}/events`)).status
      ).toBe(404)
    },
    'PUT /api/v1/revocations/settings': async () => {
      await b.owner.request('PUT', '/api/v1/revocations/settings', { requireSecondApprover: true })
      // A's plan can still be approved by its planner.
      expect(
        (await a.owner.request('POST', `/api/v1/revocations/plans/${seeded.planId}/approve`)).status
      ).toBe(200)
    },
    'GET /api/v1/policy': async () => {
      const policy = (await (await bDevice.request('GET', '/api/v1/policy')).json()) as {
        byRisk: { low: string }
      }
      expect(policy.byRisk.low).toBe('allow') // A blocks everything; B is untouched
    },
    'GET /api/v1/admin/policy': async () => {
      const policy = (await (await b.owner.request('GET', '/api/v1/admin/policy')).json()) as {
        byRisk: { low: string }
      }
      expect(policy.byRisk.low).toBe('allow')
    },
    'PUT /api/v1/admin/policy/risk': async () => {
      await b.owner.request('PUT', '/api/v1/admin/policy/risk', {
        low: 'warn',
        medium: 'warn',
        high: 'warn',
        critical: 'warn',
      })
      const policy = (await (await aDevice.request('GET', '/api/v1/policy')).json()) as {
        byRisk: { low: string }
      }
      expect(policy.byRisk.low).toBe('block')
    },
    'PUT /api/v1/admin/policy/apps/:appId': async () => {
      expect(
        (
          await b.owner.request('PUT', `/api/v1/admin/policy/apps/${seeded.appId}`, {
            action: 'allow',
          })
        ).status
      ).toBe(404)
    },
    'GET /api/v1/apps': async () => {
      const { items } = (await (await b.owner.request('GET', '/api/v1/apps')).json()) as {
        items: Array<{ id: string }>
      }
      expect(items).toHaveLength(1)
      expect(items[0]?.id).not.toBe(seeded.appId)
    },
    'GET /api/v1/grants': async () => {
      const { items } = (await (
        await b.owner.request('GET', `/api/v1/grants?personId=${seeded.personId}`)
      ).json()) as { items: unknown[] }
      expect(items).toEqual([])
      const all = (await (
        await b.owner.request('GET', `/api/v1/grants?appId=${seeded.appId}`)
      ).json()) as { items: unknown[] }
      expect(all).toEqual({ items: [], nextCursor: null })
    },
    'GET /api/v1/people': async () => {
      const { items } = (await (await b.owner.request('GET', '/api/v1/people')).json()) as {
        items: Array<{ id: string }>
      }
      expect(items.map((p) => p.id)).not.toContain(seeded.personId)
    },
    'GET /api/v1/people/:id': async () => {
      expect((await b.owner.request('GET', `/api/v1/people/${seeded.personId}`)).status).toBe(404)
    },
    'PATCH /api/v1/people/:id': async () => {
      const res = await b.owner.request('PATCH', `/api/v1/people/${seeded.personId}`, {
        githubLogin: 'intruder',
      })
      expect(res.status).toBe(404)
      const person = (await (
        await a.owner.request('GET', `/api/v1/people/${seeded.personId}`)
      ).json()) as { githubLogin: string | null }
      expect(person.githubLogin).toBeNull()
    },
    'GET /api/v1/summary': async () => {
      const devices = (await (await b.owner.request('GET', '/api/v1/devices')).json()) as {
        items: Array<{ revokedAt: string | null }>
      }
      const summary = (await (await b.owner.request('GET', '/api/v1/summary')).json()) as {
        devices: number
        aiApps: number
      }
      expect(summary.devices).toBe(devices.items.filter((d) => !d.revokedAt).length)
      expect(summary.aiApps).toBe(1)
    },
    'GET /api/v1/audit': async () => {
      const { items } = (await (
        await b.owner.request('GET', '/api/v1/audit?limit=10000')
      ).json()) as { items: Array<{ subjectId: string | null; orgId: string }> }
      expect(items.every((e) => e.orgId === b.orgId)).toBe(true)
      expect(items.map((e) => e.subjectId)).not.toContain(seeded.deviceId)
    },
    'GET /api/v1/audit/verify': async () => {
      const mine = (await (await b.owner.request('GET', '/api/v1/audit/verify')).json()) as {
        entries: number
      }
      const theirs = (await (await a.owner.request('GET', '/api/v1/audit/verify')).json()) as {
        entries: number
      }
      expect(mine.entries).not.toBe(theirs.entries)
    },
    'GET /api/v1/revocations/jobs': async () => {
      const mine = (await (await b.owner.request('GET', '/api/v1/revocations/jobs')).json()) as {
        items: Array<{ planId: string }>
      }
      expect(mine.items.map((j) => j.planId)).not.toContain(seeded.planId)
      const theirs = (await (
        await b.owner.request('GET', `/api/v1/revocations/jobs?planId=${seeded.planId}`)
      ).json()) as { items: unknown[] }
      expect(theirs.items).toEqual([])
      const own = (await (
        await a.owner.request('GET', `/api/v1/revocations/jobs?planId=${seeded.planId}`)
      ).json()) as { items: unknown[] }
      expect(own.items.length).toBeGreaterThan(0)
    },
    'POST /api/v1/revocations/plans/:id/cancel': async () => {
      expect(
        (await b.owner.request('POST', `/api/v1/revocations/plans/${seeded.planId}/cancel`)).status
      ).toBe(404)
      const plan = (await (
        await a.owner.request('GET', `/api/v1/revocations/plans/${seeded.planId}`)
      ).json()) as { plan: { state: string } }
      expect(plan.plan.state).not.toBe('cancelled')
    },
    'GET /api/v1/connections/providers': async () => {
      // The same forms for everyone: no organisation's data in them.
      const mine = await (await b.owner.request('GET', '/api/v1/connections/providers')).text()
      expect(mine).toBe(
        await (await a.owner.request('GET', '/api/v1/connections/providers')).text()
      )
      expect(mine).not.toContain(a.orgId)
    },
    'POST /api/v1/leavers/:personId/close': async () => {
      const res = await b.owner.request('POST', `/api/v1/leavers/${seeded.personId}/close`, {
        note: 'x',
      })
      expect(res.status).toBe(404)
    },
    'GET /api/v1/leavers/:personId/evidence': async () => {
      expect(
        (await b.owner.request('GET', `/api/v1/leavers/${seeded.personId}/evidence`)).status
      ).toBe(404)
    },
    'GET /api/v1/leavers/:personId/evidence.html': async () => {
      expect(
        (await b.owner.request('GET', `/api/v1/leavers/${seeded.personId}/evidence.html`)).status
      ).toBe(404)
    },
    'POST /api/v1/audit/verify': async () => {
      const theirs = (await (await a.owner.request('GET', '/api/v1/audit?limit=1')).json()) as {
        items: Array<{ seq: number; hash: string }>
      }
      const entry = theirs.items[0]!
      const asB = (await (
        await b.owner.request('POST', '/api/v1/audit/verify', {
          entries: [{ seq: entry.seq, hash: entry.hash }],
        })
      ).json()) as { ok: boolean; checked: Array<{ ok: boolean }> }
      expect(asB.checked[0]?.ok).toBe(false)
      const asA = (await (
        await a.owner.request('POST', '/api/v1/audit/verify', {
          entries: [{ seq: entry.seq, hash: entry.hash }],
        })
      ).json()) as { ok: boolean; checked: Array<{ ok: boolean }> }
      expect(asA.checked[0]?.ok).toBe(true)
    },
    'POST /api/v1/auth/logout': async () => {
      const other = await b.addAdmin('auditor')
      await other.request('POST', '/api/v1/auth/logout')
      expect((await a.owner.request('GET', '/api/v1/auth/me')).status).toBe(200)
    },
  }
  /** Feeds authenticated by their own per-organisation credential; isolated in their own tests. */
  const FEED_ROUTES = /^[A-Z]+ \/(scim\/v2|api\/v1\/hr\/events|api\/v1\/ssf\/events)(\/|$)/
  /** Routes that act before any organisation is known. */
  const PUBLIC = new Set([
    'GET /*', // the admin web app's static files: no organisation data
    'GET /setup',
    'POST /setup',
    'GET /healthz',
    'GET /readyz',
    'POST /api/v1/auth/setup',
    'POST /api/v1/auth/login',
    'POST /api/v1/enroll',
  ])

  it('has an isolation check for every route of the app', () => {
    const routes = new Set(
      server.app.routes
        .filter((r) => r.method !== 'ALL')
        .map((r) => `${r.method} ${r.path.replace(/\/$/, '')}`)
    )
    const missing = [...routes].filter(
      (r) => !(r in checks) && !PUBLIC.has(r) && !FEED_ROUTES.test(r)
    )
    expect(missing).toEqual([])
  })

  it.each(Object.keys(checks))('%s cannot reach another organisation', async (route) => {
    await checks[route]?.()
  })

  it('keeps device credentials and admin sessions apart', async () => {
    expect((await aDevice.request('GET', '/api/v1/grants')).status).toBe(401)
    const res = await server.app.request('http://consentry.test/api/v1/events', {
      method: 'POST',
      headers: {
        cookie: a.owner.cookie,
        'x-csrf-token': a.owner.csrf,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ events: [consentEvent()] }),
    })
    expect(res.status).toBe(401)
  })
})
