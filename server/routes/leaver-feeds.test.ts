// Every leaver feed ends in the same place: a leaver from the HR webhook, from Shared Signals and
// from a direct markLeaving call each get one open offboarding case due on the departure date.
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { offboardingCases, people } from '../db/schema/index.ts'
import { markLeaving, upsertPersonRecord } from '../domain/leavers.ts'
import { signPayload } from '../domain/webhooks.ts'
import {
  createTestServer,
  PUBLIC_URL,
  type OrgFixture,
  type TestServer,
} from '../../test/support/test-server.ts'
import { TEST_DB_KINDS } from '../../test/support/test-db.ts'
import { accountDisabled, emailSubject } from '../../test/fixtures/ssf/events.ts'
import { createTestTransmitter } from '../../test/fixtures/ssf/transmitter.ts'

describe.each(TEST_DB_KINDS)('leaver feeds on %s', (kind) => {
  let server: TestServer
  let org: OrgFixture
  const idpPromise = createTestTransmitter('https://idp.feeds.example')
  beforeAll(async () => {
    const idp = await idpPromise
    server = await createTestServer(kind, {}, { fetch: idp.fetch }) // clock: 2026-11-23T09:00Z
    org = await server.createOrg()
  })
  afterAll(() => server.close())

  const byHr = async (email: string, departureDate: string) => {
    const { secret } = (await (
      await org.owner.request('POST', '/api/v1/feeds/hr-secret')
    ).json()) as { secret: string }
    const body = JSON.stringify({
      id: `evt-${email}`,
      type: 'employee.leaving',
      occurredAt: '2026-11-23T08:00:00Z',
      employee: { email, departureDate },
    })
    const timestamp = String(Math.floor(server.now.value.getTime() / 1000))
    const res = await server.app.request(`${PUBLIC_URL}/api/v1/hr/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-consentry-org': org.orgId,
        'x-consentry-timestamp': timestamp,
        'x-consentry-signature': signPayload(secret, timestamp, body),
      },
      body,
    })
    expect(res.status).toBe(202)
  }

  const bySsf = async (email: string) => {
    const idp = await idpPromise
    await org.owner.request('PUT', '/api/v1/feeds/ssf', {
      issuer: idp.issuer,
      audience: 'consentry',
      jwksUrl: idp.jwksUrl,
    })
    const set = accountDisabled(
      { iss: idp.issuer, aud: 'consentry', iat: server.now.value.getTime() / 1000 },
      emailSubject(email)
    )
    const res = await server.app.request(`${PUBLIC_URL}/api/v1/ssf/events/${org.orgId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/secevent+jwt' },
      body: await idp.sign(set),
    })
    expect(res.status).toBe(202)
  }

  const directly = (email: string, departureDate: string) =>
    server.db.db.transaction(async (tx) => {
      const now = server.now.value
      const { personId } = await upsertPersonRecord(tx, org.orgId, { email }, 'manual', now)
      await markLeaving(
        tx,
        org.orgId,
        { personId, departureDate, source: 'manual', actor: { type: 'admin', id: null } },
        now
      )
    })

  const caseShape = async (email: string) => {
    const [person] = await server.db.db.select().from(people).where(eq(people.email, email))
    const cases = await server.db.db
      .select()
      .from(offboardingCases)
      .where(eq(offboardingCases.personId, person!.id))
    return {
      leavingSource: person!.leavingSource,
      status: person!.status,
      cases: cases.map((c) => ({
        orgId: c.orgId,
        state: c.state,
        dueIsDeparture: c.dueDate === person!.departureDate,
        dueDate: c.dueDate,
        closedAt: c.closedAt,
        notes: c.history.length,
      })),
    }
  }

  it('opens the same kind of case whichever feed reports the leaver', async () => {
    await byHr('hr@acme.example', '2026-12-15')
    await bySsf('ssf@acme.example')
    await directly('direct@acme.example', '2026-12-15')
    const expected = (leavingSource: string, status: string, dueDate: string) => ({
      leavingSource,
      status,
      cases: [
        {
          orgId: org.orgId,
          state: 'open',
          dueIsDeparture: true,
          dueDate,
          closedAt: null,
          notes: 1,
        },
      ],
    })
    expect(await caseShape('hr@acme.example')).toEqual(expected('hr', 'leaving', '2026-12-15'))
    expect(await caseShape('ssf@acme.example')).toEqual(expected('ssf', 'left', '2026-11-23'))
    expect(await caseShape('direct@acme.example')).toEqual(
      expected('manual', 'leaving', '2026-12-15')
    )
  })

  it('moves an HR leaver with a later date to today when Shared Signals disables the account', async () => {
    await bySsf('hr@acme.example')
    expect(await caseShape('hr@acme.example')).toMatchObject({
      leavingSource: 'ssf',
      status: 'left',
      cases: [{ state: 'open', dueDate: '2026-11-23', notes: 2 }],
    })
  })
})
