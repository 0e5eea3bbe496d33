// The HR webhook: HMAC-signed employee.leaving / employee.reinstated events, refused when the
// signature, timestamp or body is wrong, applied once per event id.
import { and, asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditLog, offboardingCases, people, personAliases } from '../db/schema/index.ts'
import { signPayload } from '../domain/webhooks.ts'
import {
  createTestServer,
  PUBLIC_URL,
  type OrgFixture,
  type TestServer,
} from '../../test/support/test-server.ts'
import { TEST_DB_KINDS } from '../../test/support/test-db.ts'

describe.each(TEST_DB_KINDS)('HR webhook on %s', (kind) => {
  let server: TestServer
  let org: OrgFixture
  let secret: string
  beforeAll(async () => {
    server = await createTestServer(kind) // clock: 2026-11-23T09:00Z
    org = await server.createOrg()
    const res = await org.owner.request('POST', '/api/v1/feeds/hr-secret')
    expect(res.status).toBe(201)
    secret = ((await res.json()) as { secret: string }).secret
  })
  afterAll(() => server.close())

  let seq = 0
  const leaving = (email: string, employee: Record<string, unknown> = {}) => ({
    id: `evt_${++seq}`,
    type: 'employee.leaving',
    occurredAt: '2026-11-23T08:00:00Z',
    employee: { email, departureDate: '2026-12-31', ...employee },
  })
  const nowSeconds = () => Math.floor(server.now.value.getTime() / 1000)
  interface Delivery {
    secret?: string
    timestamp?: number
    orgId?: string
    /** Sign this instead of the body sent. */
    signedBody?: string
    headers?: Record<string, string>
  }
  const deliver = (event: unknown, d: Delivery = {}) => {
    const body = typeof event === 'string' ? event : JSON.stringify(event)
    const timestamp = String(d.timestamp ?? nowSeconds())
    return Promise.resolve(
      server.app.request(`${PUBLIC_URL}/api/v1/hr/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-consentry-org': d.orgId ?? org.orgId,
          'x-consentry-timestamp': timestamp,
          'x-consentry-signature': signPayload(d.secret ?? secret, timestamp, d.signedBody ?? body),
          ...d.headers,
        },
        body,
      })
    )
  }
  const expectError = async (res: Response, status: number, code: string) => {
    expect(res.status).toBe(status)
    const body = (await res.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe(code)
    return body.error.message
  }
  const personByEmail = async (email: string) => {
    const [p] = await server.db.db
      .select()
      .from(people)
      .where(and(eq(people.orgId, org.orgId), eq(people.email, email)))
    return p
  }
  const caseOf = async (personId: string) => {
    const [c] = await server.db.db
      .select()
      .from(offboardingCases)
      .where(eq(offboardingCases.personId, personId))
    return c
  }
  const auditCount = async () =>
    (await server.db.db.select().from(auditLog).where(eq(auditLog.orgId, org.orgId))).length

  it('applies a signed employee.leaving: person leaving, an open case due on the departure date', async () => {
    const event = leaving('Ada@Acme.example', {
      name: 'Ada Lovelace',
      department: 'Engineering',
      managerEmail: 'Grace@acme.example',
      successorEmail: 'bob@acme.example',
      aliases: ['ada.l@acme.example'],
    })
    const res = await deliver(event)
    expect(res.status).toBe(202)
    expect(await res.json()).toEqual({ accepted: true })
    const ada = await personByEmail('ada@acme.example')
    expect(ada).toMatchObject({
      name: 'Ada Lovelace',
      department: 'Engineering',
      status: 'leaving',
      departureDate: '2026-12-31',
      leavingSource: 'hr',
      managerEmail: 'grace@acme.example',
      successorEmail: 'bob@acme.example',
    })
    const aliases = await server.db.db
      .select({ email: personAliases.email })
      .from(personAliases)
      .where(eq(personAliases.personId, ada!.id))
    expect(aliases).toEqual([{ email: 'ada.l@acme.example' }])
    expect(await caseOf(ada!.id)).toMatchObject({ state: 'open', dueDate: '2026-12-31' })
    const [entry] = await server.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, org.orgId), eq(auditLog.subjectId, ada!.id)))
      .orderBy(asc(auditLog.seq))
    expect(entry).toMatchObject({ action: 'person.leaving', actorType: 'hr', actorId: event.id })
  })

  it('marks a departure today or earlier as left', async () => {
    expect(
      (await deliver(leaving('carl@acme.example', { departureDate: '2026-11-20' }))).status
    ).toBe(202)
    expect(await personByEmail('carl@acme.example')).toMatchObject({
      status: 'left',
      departureDate: '2026-11-20',
    })
  })

  it('answers a replayed event id with 200 duplicate and applies nothing again', async () => {
    const event = leaving('dora@acme.example')
    expect((await deliver(event)).status).toBe(202)
    const entries = await auditCount()
    // A retry, even signed later, and with keys in another order, is the same event.
    const { employee, ...envelope } = event
    const res = await deliver({ employee, ...envelope }, { timestamp: nowSeconds() + 30 })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ accepted: true, duplicate: true })
    expect(await auditCount()).toBe(entries)
  })

  it('refuses another event under a used id (409) without applying it', async () => {
    const event = leaving('ed@acme.example')
    await deliver(event)
    const reused = { ...leaving('fred@acme.example'), id: event.id }
    await expectError(await deliver(reused), 409, 'event_id_reused')
    expect(await personByEmail('fred@acme.example')).toBeUndefined()
  })

  it('applies two identical concurrent deliveries once', async () => {
    const event = leaving('gina@acme.example')
    const statuses = (await Promise.all([deliver(event), deliver(event)])).map((r) => r.status)
    expect(statuses.sort()).toEqual([200, 202])
    const gina = await personByEmail('gina@acme.example')
    const entries = await server.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, org.orgId), eq(auditLog.subjectId, gina!.id)))
    expect(entries).toHaveLength(1)
  })

  it('refuses a signature made with another secret (401)', async () => {
    await expectError(
      await deliver(leaving('x1@acme.example'), { secret: 'hrsec_wrong' }),
      401,
      'invalid_signature'
    )
    expect(await personByEmail('x1@acme.example')).toBeUndefined()
  })

  it('refuses a body that is not the one signed (401)', async () => {
    const signed = JSON.stringify(leaving('x2@acme.example'))
    const sent = signed.replace('2026-12-31', '2027-12-31')
    await expectError(await deliver(sent, { signedBody: signed }), 401, 'invalid_signature')
    expect(await personByEmail('x2@acme.example')).toBeUndefined()
  })

  it.each([
    ['six minutes old', -360],
    ['six minutes ahead', 360],
  ])('refuses a timestamp %s (401 stale_timestamp)', async (_, offset) => {
    await expectError(
      await deliver(leaving('x3@acme.example'), { timestamp: nowSeconds() + offset }),
      401,
      'stale_timestamp'
    )
  })

  it('accepts a timestamp four minutes old', async () => {
    expect(
      (await deliver(leaving('x4@acme.example'), { timestamp: nowSeconds() - 240 })).status
    ).toBe(202)
  })

  it('refuses a delivery without signature headers (401)', async () => {
    const res = await server.app.request(`${PUBLIC_URL}/api/v1/hr/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-consentry-org': org.orgId },
      body: JSON.stringify(leaving('x5@acme.example')),
    })
    await expectError(res, 401, 'missing_signature')
    await expectError(
      await deliver(leaving('x5@acme.example'), { headers: { 'x-consentry-timestamp': 'soon' } }),
      401,
      'invalid_timestamp'
    )
  })

  it.each([
    [
      'a missing departure date',
      { ...leaving('x6@acme.example'), employee: { email: 'x6@acme.example' } },
      'employee.departureDate',
    ],
    ['a bad email', leaving('not-an-email'), 'employee.email'],
    [
      'a bad date',
      leaving('x6@acme.example', { departureDate: '31/12/2026' }),
      'employee.departureDate',
    ],
    ['a missing id', { ...leaving('x6@acme.example'), id: undefined }, 'id'],
    [
      'a missing occurredAt',
      { ...leaving('x6@acme.example'), occurredAt: undefined },
      'occurredAt',
    ],
    ['an unknown type', { ...leaving('x6@acme.example'), type: 'employee.promoted' }, 'type'],
    ['an unknown field', leaving('x6@acme.example', { salary: 1 }), 'salary'],
    ['a body that is not JSON', '{"id":', 'not JSON'],
  ])('refuses %s with 400 naming the field', async (_, event, field) => {
    const message = await expectError(await deliver(event), 400, 'invalid_request')
    expect(message).toContain(field)
    expect(await personByEmail('x6@acme.example')).toBeUndefined()
  })

  it('reinstates on employee.reinstated: active again, the case cancelled', async () => {
    await deliver(leaving('hal@acme.example'))
    const res = await deliver({
      id: `evt_${++seq}`,
      type: 'employee.reinstated',
      occurredAt: '2026-11-23T08:30:00Z',
      employee: { email: 'hal@acme.example' },
    })
    expect(res.status).toBe(202)
    const hal = await personByEmail('hal@acme.example')
    expect(hal).toMatchObject({ status: 'active', departureDate: null })
    expect(await caseOf(hal!.id)).toMatchObject({ state: 'cancelled' })
  })

  it('accepts JSON from any origin: CSRF protection only stops form-like content types', async () => {
    const res = await deliver(leaving('ivy@acme.example'), {
      headers: { origin: 'https://hr.example', 'sec-fetch-site': 'cross-site' },
    })
    expect(res.status).toBe(202)
    const form = await deliver(leaving('ivy2@acme.example'), {
      headers: { origin: 'https://hr.example', 'content-type': 'text/plain' },
    })
    expect(form.status).toBe(403)
  })

  it('refuses with 403 when the organisation has no HR secret, 400 without an organisation id', async () => {
    const bare = await server.createOrg()
    expect(
      await expectError(
        await deliver(leaving('x7@acme.example'), { orgId: bare.orgId }),
        403,
        'hr_feed_not_configured'
      )
    ).toMatch(/No HR webhook secret is configured/)
    await expectError(
      await deliver(leaving('x7@acme.example'), { orgId: '00000000-0000-4000-8000-000000000000' }),
      403,
      'hr_feed_not_configured'
    )
    await expectError(
      await deliver(leaving('x7@acme.example'), { orgId: 'acme' }),
      400,
      'invalid_org'
    )
  })

  it('cannot act on another organisation: its secret signs for it alone', async () => {
    const other = await server.createOrg()
    const res = await other.owner.request('POST', '/api/v1/feeds/hr-secret')
    const otherSecret = ((await res.json()) as { secret: string }).secret
    // Signed with the other organisation's secret but naming this one: refused.
    await expectError(
      await deliver(leaving('iso@acme.example'), { secret: otherSecret }),
      401,
      'invalid_signature'
    )
    expect(await personByEmail('iso@acme.example')).toBeUndefined()
    // Naming its own organisation it is applied there, and only there.
    expect(
      (await deliver(leaving('iso@acme.example'), { secret: otherSecret, orgId: other.orgId }))
        .status
    ).toBe(202)
    expect(await personByEmail('iso@acme.example')).toBeUndefined()
    const [theirs] = await server.db.db
      .select()
      .from(people)
      .where(and(eq(people.orgId, other.orgId), eq(people.email, 'iso@acme.example')))
    expect(theirs).toMatchObject({ status: 'leaving' })
  })

  it('stops accepting the old secret once it is rotated', async () => {
    const res = await org.owner.request('POST', '/api/v1/feeds/hr-secret')
    const rotated = ((await res.json()) as { secret: string }).secret
    await expectError(await deliver(leaving('x8@acme.example')), 401, 'invalid_signature')
    expect((await deliver(leaving('x8@acme.example'), { secret: rotated })).status).toBe(202)
    secret = rotated
  })

  it('refuses a body over 64 KiB (413)', async () => {
    const big = leaving('x9@acme.example', { name: 'a'.repeat(70_000) })
    await expectError(await deliver(big), 413, 'payload_too_large')
  })
})
