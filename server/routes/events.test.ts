// POST /api/v1/events: idempotent, validated per event, size- and rate-limited, updating the inventory.
import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  consentEvent,
  createTestServer,
  type OrgFixture,
  type TestServer,
} from '../../test/support/test-server.ts'
import { TEST_DB_KINDS } from '../../test/support/test-db.ts'

describe.each(TEST_DB_KINDS)('events on %s', (kind) => {
  let server: TestServer
  let org: OrgFixture

  beforeAll(async () => {
    server = await createTestServer(kind)
    org = await server.createOrg()
  })
  afterAll(() => server.close())

  async function grants(o: OrgFixture = org) {
    const res = await o.owner.request('GET', '/api/v1/grants?limit=200')
    return ((await res.json()) as { items: Array<Record<string, unknown>> }).items
  }

  it('records a granted consent as an active grant of the device employee', async () => {
    const device = await org.enrollDevice('ada@acme.example')
    const event = consentEvent()
    const res = await device.send([event])
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ accepted: [event.id], duplicates: [], rejected: [] })
    const [grant] = (await grants()).filter((g) => g.personEmail === 'ada@acme.example')
    expect(grant).toMatchObject({
      provider: 'google',
      status: 'active',
      source: 'extension',
      appName: 'Fireflies.ai',
      isAi: true,
      risk: 'critical',
      scopes: ['openid', 'https://www.googleapis.com/auth/drive.readonly'],
    })
  })

  it('creates nothing twice when the same batch is retried, even concurrently', async () => {
    const device = await org.enrollDevice('grace@acme.example')
    const batch = Array.from({ length: 20 }, (_, i) =>
      consentEvent({ request: { clientId: `client-${i}`, redirectHost: 'unknown.example' } })
    )
    const results = await Promise.all([device.send(batch), device.send(batch), device.send(batch)])
    const bodies = (await Promise.all(results.map((r) => r.json()))) as Array<{
      accepted: string[]
      duplicates: string[]
    }>
    expect(results.map((r) => r.status)).toEqual([200, 200, 200])
    // Every event id was accepted by exactly one of the three requests.
    const accepted = bodies.flatMap((b) => b.accepted)
    expect(accepted.sort()).toEqual(batch.map((e) => e.id).sort())
    const again = (await (await device.send(batch)).json()) as {
      accepted: string[]
      duplicates: string[]
    }
    expect(again.accepted).toEqual([])
    expect(again.duplicates).toHaveLength(20)
    const mine = (await grants()).filter((g) => g.personEmail === 'grace@acme.example')
    expect(mine).toHaveLength(20)
  })

  it('keeps the good events of a batch and rejects the bad ones with index and reason', async () => {
    const device = await org.enrollDevice('linus@acme.example')
    const good = consentEvent({ request: { clientId: 'good-client' } })
    const res = await device.send([
      good,
      { ...consentEvent(), outcome: 'maybe' },
      { ...consentEvent(), extra: 'field' },
      'not an object',
      {
        ...consentEvent(),
        request: { ...(consentEvent() as { request: object }).request, scopes: ['x'.repeat(600)] },
      },
    ])
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      accepted: string[]
      rejected: Array<{ index: number; reason: string }>
    }
    expect(body.accepted).toEqual([good.id])
    expect(body.rejected.map((r) => r.index)).toEqual([1, 2, 3, 4])
    expect(body.rejected[0]?.reason).toMatch(/outcome/)
    expect(body.rejected[1]?.reason).toMatch(/extra|Unrecognized/i)
    expect(body.rejected[3]?.reason).toMatch(/request\.scopes\.0/)
    // Only the good event was stored.
    const stored = await server.db.db.execute(
      sql`select count(*)::int as n from consent_events where device_id = ${device.deviceId}`
    )
    const rows = (
      Array.isArray(stored) ? stored : (stored as unknown as { rows: unknown[] }).rows
    ) as Array<{ n: number }>
    expect(rows[0]?.n).toBe(1)
  })

  it.each([
    ['an unknown field', { label: 'x', colour: 'blue' }, /colour|Unrecognized/i],
    ['a wrong type', { label: 42 }, /label/],
    ['an oversized field', { label: 'x'.repeat(201) }, /label/],
  ])(
    'answers an admin body with %s with 400, naming it, and stores nothing',
    async (_what, body, message) => {
      const before = (await (
        await org.owner.request('GET', '/api/v1/enrollment-tokens')
      ).json()) as { items: unknown[] }
      const res = await org.owner.request('POST', '/api/v1/enrollment-tokens', body)
      expect(res.status).toBe(400)
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(message)
      const after = (await (
        await org.owner.request('GET', '/api/v1/enrollment-tokens')
      ).json()) as { items: unknown[] }
      expect(after.items).toHaveLength(before.items.length)
    }
  )

  it('records a denied consent as denied, and a later grant makes it active', async () => {
    const device = await org.enrollDevice('hedy@acme.example')
    const request = { clientId: 'deny-then-allow', redirectHost: 'x.example' }
    await device.send([consentEvent({ outcome: 'denied', error: 'access_denied', request })])
    let mine = (await grants()).filter((g) => g.personEmail === 'hedy@acme.example')
    expect(mine.map((g) => g.status)).toEqual(['denied'])
    await device.send([
      consentEvent({ outcome: 'granted', occurredAt: '2026-11-23T08:40:00.000Z', request }),
    ])
    mine = (await grants()).filter((g) => g.personEmail === 'hedy@acme.example')
    expect(mine.map((g) => g.status)).toEqual(['active'])
    // A refused re-consent later does not undo the grant that exists.
    await device.send([
      consentEvent({ outcome: 'denied', occurredAt: '2026-11-23T08:50:00.000Z', request }),
    ])
    mine = (await grants()).filter((g) => g.personEmail === 'hedy@acme.example')
    expect(mine.map((g) => g.status)).toEqual(['active'])
  })

  it('keeps pending and abandoned consents as events without creating grants', async () => {
    const device = await org.enrollDevice('barbara@acme.example')
    const res = await device.send([
      consentEvent({ outcome: 'pending', request: { clientId: 'pending-app' } }),
      consentEvent({ outcome: 'abandoned', request: { clientId: 'pending-app' } }),
    ])
    expect(((await res.json()) as { accepted: string[] }).accepted).toHaveLength(2)
    expect((await grants()).filter((g) => g.personEmail === 'barbara@acme.example')).toEqual([])
  })

  it('answers 413 for an oversized body and 400 for a batch over 500 events', async () => {
    const device = await org.enrollDevice()
    const huge = await device.request(
      'POST',
      '/api/v1/events',
      `{"events":["${'x'.repeat(3 * 1024 * 1024)}"]}`
    )
    expect(huge.status).toBe(413)
    const many = await device.send(Array.from({ length: 501 }, () => consentEvent()))
    expect(many.status).toBe(400)
    expect(((await many.json()) as { error: { message: string } }).error.message).toMatch(/events/)
  })

  it('answers malformed JSON and a wrong envelope with 400 and stores nothing', async () => {
    const device = await org.enrollDevice()
    const bad = await device.request('POST', '/api/v1/events', '{"events": [')
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_request')
    const wrong = await device.request('POST', '/api/v1/events', { events: 'nope', extra: 1 })
    expect(wrong.status).toBe(400)
  })

  it('refuses calls without a valid device credential', async () => {
    const res = await server.app.request('http://consentry.test/api/v1/events', {
      method: 'POST',
      headers: {
        authorization: 'Bearer cdv_notarealcredentialatallxxxxx',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ events: [consentEvent()] }),
    })
    expect(res.status).toBe(401)
  })

  it('locks out a revoked device', async () => {
    const device = await org.enrollDevice()
    expect((await device.send([consentEvent()])).status).toBe(200)
    expect(
      (await org.owner.request('POST', `/api/v1/devices/${device.deviceId}/revoke`)).status
    ).toBe(200)
    expect((await device.send([consentEvent()])).status).toBe(401)
  })

  it('rolls usage up per domain and day without URLs', async () => {
    const device = await org.enrollDevice()
    const usage = (visits: number) => ({
      id: randomUUID(),
      type: 'ai_usage',
      occurredAt: '2026-11-23T08:00:00Z',
      domain: 'chatgpt.com',
      day: '2026-11-23',
      visits,
      signIns: 0,
    })
    const res = await device.send([usage(3), usage(4)])
    expect(((await res.json()) as { accepted: string[] }).accepted).toHaveLength(2)
    const rows = await server.db.db.execute<{ visits: number; tool_id: string }>(
      `select visits, tool_id from ai_usage where device_id = '${device.deviceId}'` as never
    )
    const list = Array.isArray(rows) ? rows : (rows as unknown as { rows: unknown[] }).rows
    expect(list).toEqual([{ visits: 7, tool_id: 'chatgpt' }])
  })
})

describe('event rate limit', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await createTestServer('pglite', { ingestPerDevicePerMinute: 2 })
  })
  afterAll(() => server.close())

  it('answers 429 with Retry-After once a device exceeds its budget', async () => {
    const org = await server.createOrg()
    const device = await org.enrollDevice()
    expect((await device.send([consentEvent()])).status).toBe(200)
    expect((await device.send([consentEvent()])).status).toBe(200)
    const limited = await device.send([consentEvent()])
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    server.now.value = new Date(server.now.value.getTime() + 61_000)
    expect((await device.send([consentEvent()])).status).toBe(200)
  })
})

describe('approval requests and device connections', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await createTestServer('pglite')
  })
  afterAll(() => server.close())

  it('stores an approval request and audits it', async () => {
    const org = await server.createOrg()
    const device = await org.enrollDevice('ada@acme.example')
    const request = (consentEvent() as { request: object }).request
    const res = await device.send([
      {
        id: randomUUID(),
        type: 'approval_request',
        occurredAt: '2026-11-23T08:00:00Z',
        flowId: randomUUID(),
        request,
        reason: 'I need meeting notes for customer calls',
      },
    ])
    expect(((await res.json()) as { accepted: string[] }).accepted).toHaveLength(1)
    const audit = (await (
      await org.owner.request('GET', '/api/v1/audit?action=approval.requested')
    ).json()) as { items: Array<{ data: { reason: string } }> }
    expect(audit.items.map((e) => e.data.reason)).toEqual([
      'I need meeting notes for customer calls',
    ])
  })

  it("lists a device's own employee's connections, and only theirs", async () => {
    const org = await server.createOrg()
    const ada = await org.enrollDevice('ada@acme.example')
    const bob = await org.enrollDevice('bob@acme.example')
    await ada.send([consentEvent()])
    await bob.send([consentEvent({ request: { clientId: 'bobs-app', redirectHost: 'x.example' } })])
    const res = await ada.request('GET', '/api/v1/device/connections')
    const { items } = (await res.json()) as { items: Array<{ appName: string; status: string }> }
    expect(items.map((i) => [i.appName, i.status])).toEqual([['Fireflies.ai', 'active']])
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
  })
})
