// The leaving day: a case that falls due with grants still live alerts 'leaver.live_grants'; one
// whose grants are all gone does not.
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  consentEvent,
  createTestServer,
  type OrgFixture,
  type TestServer,
} from '../../test/support/test-server.ts'
import { TEST_DB_KINDS } from '../../test/support/test-db.ts'
import { webhookDeliveries } from '../db/schema/index.ts'
import { advanceDueCases } from './advance-due-cases.ts'

describe.each(TEST_DB_KINDS)('cases falling due on %s', (kind) => {
  let server: TestServer
  let org: OrgFixture
  beforeAll(async () => {
    server = await createTestServer(kind)
    org = await server.createOrg()
  })
  afterAll(() => server.close())

  it('alerts the webhooks about a leaver whose grants are still live on the leaving day', async () => {
    const hook = await org.owner.request('POST', '/api/v1/webhooks', {
      url: 'https://hooks.acme.example/leavers',
      format: 'json',
      events: ['leaver.live_grants'],
    })
    expect(hook.status).toBe(201)
    const device = await org.enrollDevice('ada@acme.example')
    await device.send([
      consentEvent({ request: { clientId: 'app-1', loginHint: 'ada@acme.example' } }),
      consentEvent({ request: { clientId: 'app-2', loginHint: 'ada@acme.example' } }),
    ])
    const ada = await org.owner.request('POST', '/api/v1/leavers', {
      email: 'ada@acme.example',
      departureDate: '2026-11-23',
    })
    const { personId } = (await ada.json()) as { personId: string }
    // A leaver without grants falls due the same day: nothing to alert about.
    await org.owner.request('POST', '/api/v1/leavers', {
      email: 'bob@acme.example',
      departureDate: '2026-11-23',
    })
    expect(await advanceDueCases(server.db.db, server.now.value)).toBe(2)
    const alerts = await server.db.db
      .select({ payload: webhookDeliveries.payload })
      .from(webhookDeliveries)
      .where(
        and(
          eq(webhookDeliveries.orgId, org.orgId),
          eq(webhookDeliveries.event, 'leaver.live_grants')
        )
      )
    expect(alerts).toEqual([
      {
        payload: expect.objectContaining({
          event: 'leaver.live_grants',
          data: {
            caseId: expect.any(String),
            personId,
            email: 'ada@acme.example',
            dueDate: '2026-11-23',
            liveGrants: 2,
          },
        }),
      },
    ])
    // Already in progress: the next run neither moves it nor alerts again.
    expect(await advanceDueCases(server.db.db, server.now.value)).toBe(0)
  })
})
