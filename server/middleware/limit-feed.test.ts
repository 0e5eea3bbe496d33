// The push feeds count deliveries per organisation before checking signatures: past the limit a
// sender gets 429 with Retry-After, and another organisation's feed is unaffected.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, type TestServer } from '../../test/support/test-server.ts'
import { TEST_DB_KINDS } from '../../test/support/test-db.ts'

describe.each(TEST_DB_KINDS)('push feed rate limits on %s', (kind) => {
  let server: TestServer
  beforeAll(async () => {
    server = await createTestServer(kind, { feedDeliveriesPerMinute: 3 })
  })
  afterAll(() => server.close())

  const hr = (orgId: string) =>
    server.app.request('http://consentry.test/api/v1/hr/events', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-consentry-org': orgId,
        'x-consentry-timestamp': String(Math.floor(server.now.value.getTime() / 1000)),
        'x-consentry-signature': 'sha256=00',
      },
      body: '{}',
    })
  const ssf = (orgId: string) =>
    server.app.request(`http://consentry.test/api/v1/ssf/events/${orgId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/secevent+jwt' },
      body: 'not.a.set',
    })

  it.each([
    ['the HR webhook', hr],
    ['the Shared Signals receiver', ssf],
  ])('answers 429 with Retry-After past the limit on %s, per organisation', async (_, send) => {
    const flooded = randomUUID()
    for (let i = 0; i < 3; i++) expect((await send(flooded)).status).not.toBe(429)
    const limited = await send(flooded)
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await limited.text()).toContain('rate_limited')
    // Another organisation's deliveries still get through to their own checks.
    expect((await send(randomUUID())).status).not.toBe(429)
    // The next window lets the sender in again.
    server.now.value = new Date(server.now.value.getTime() + 61_000)
    expect((await send(flooded)).status).not.toBe(429)
  })
})
