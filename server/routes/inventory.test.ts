// The admin inventory: apps with counts, grant filters and cursor pagination, people, summary.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  consentEvent,
  createTestServer,
  type OrgFixture,
  type TestServer,
} from '../../test/support/test-server.ts'
import { TEST_DB_KINDS } from '../../test/support/test-db.ts'

describe.each(TEST_DB_KINDS)('inventory on %s', (kind) => {
  let server: TestServer
  let org: OrgFixture
  beforeAll(async () => {
    server = await createTestServer(kind)
    org = await server.createOrg()
    const ada = await org.enrollDevice('ada@acme.example')
    const bob = await org.enrollDevice('bob@acme.example')
    const at = (m: number) => `2026-11-23T08:${String(m).padStart(2, '0')}:00.000Z`
    await ada.send([
      consentEvent({ occurredAt: at(1) }), // Fireflies, Drive read, offline: AI, critical
      consentEvent({
        occurredAt: at(2),
        request: {
          clientId: 'signin-only',
          redirectHost: 'intranet.acme.example',
          scopes: ['openid', 'email'],
          offlineAccess: false,
        },
      }),
      consentEvent({
        occurredAt: at(3),
        outcome: 'denied',
        request: {
          provider: 'microsoft',
          host: 'login.microsoftonline.com',
          clientId: '00000000-0000-0000-0000-00000000beef',
          redirectHost: 'otter.ai',
          scopes: ['Mail.Read'],
        },
      }),
    ])
    await bob.send(
      Array.from({ length: 7 }, (_, i) =>
        consentEvent({
          occurredAt: at(10 + i),
          request: {
            clientId: `bulk-${i}`,
            redirectHost: 'unknown.example',
            scopes: ['https://www.googleapis.com/auth/calendar.readonly'],
          },
        })
      )
    )
    await bob.send([consentEvent({ occurredAt: at(30) })]) // Fireflies again, second person
  })
  afterAll(() => server.close())

  type Grant = {
    id: string
    status: string
    risk: string
    provider: string
    personEmail: string
    appName: string | null
  }
  const get = async <T>(path: string) => (await (await org.owner.request('GET', path)).json()) as T

  it('lists apps with AI flag, people count and highest risk', async () => {
    const { items } = await get<{ items: Array<Record<string, unknown>> }>('/api/v1/apps?ai=true')
    const fireflies = items.find((a) => a.name === 'Fireflies.ai')
    expect(fireflies).toMatchObject({
      isAi: true,
      people: 2,
      activeGrants: 2,
      highestRisk: 'critical',
      sanctioned: false,
    })
    expect(items.every((a) => a.isAi)).toBe(true)
    const search = await get<{ items: unknown[] }>('/api/v1/apps?q=firef')
    expect(search.items).toHaveLength(1)
  })

  it('filters grants by provider, status and risk', async () => {
    const ms = await get<{ items: Grant[] }>('/api/v1/grants?provider=microsoft')
    expect(ms.items.map((g) => [g.status, g.personEmail])).toEqual([['denied', 'ada@acme.example']])
    const active = await get<{ items: Grant[] }>('/api/v1/grants?status=active&risk=critical')
    expect(active.items.every((g) => g.status === 'active' && g.risk === 'critical')).toBe(true)
    expect(active.items.length).toBe(2)
  })

  it('pages through grants with a cursor, each grant exactly once, in order', async () => {
    const seen: Grant[] = []
    let cursor: string | null = null
    do {
      const page: { items: Grant[]; nextCursor: string | null } = await get(
        `/api/v1/grants?limit=3&sort=firstSeen&order=asc${cursor ? `&cursor=${cursor}` : ''}`
      )
      expect(page.items.length).toBeLessThanOrEqual(3)
      seen.push(...page.items)
      cursor = page.nextCursor
    } while (cursor)
    const all = await get<{ items: Grant[] }>('/api/v1/grants?limit=200&sort=firstSeen&order=asc')
    expect(seen.map((g) => g.id)).toEqual(all.items.map((g) => g.id))
    expect(new Set(seen.map((g) => g.id)).size).toBe(11)
  })

  it('answers a forged cursor and an unknown filter with 400', async () => {
    expect((await org.owner.request('GET', '/api/v1/grants?cursor=bm9wZQ')).status).toBe(400)
    expect((await org.owner.request('GET', '/api/v1/grants?colour=blue')).status).toBe(400)
    expect((await org.owner.request('GET', '/api/v1/grants?limit=100000')).status).toBe(400)
  })

  it('shows a person with their grants and devices', async () => {
    const people = await get<{ items: Array<{ id: string; email: string; activeGrants: number }> }>(
      '/api/v1/people?q=ada'
    )
    expect(people.items.map((p) => [p.email, p.activeGrants])).toEqual([['ada@acme.example', 2]])
    const ada = await get<{ grants: Grant[]; devices: unknown[]; status: string }>(
      `/api/v1/people/${people.items[0]?.id}`
    )
    expect(ada.grants).toHaveLength(3)
    expect(ada.devices).toHaveLength(1)
    expect(ada.status).toBe('active')
  })

  it('counts what matters in the summary', async () => {
    const summary = await get<Record<string, number>>('/api/v1/summary')
    expect(summary).toMatchObject({
      aiApps: 2,
      unsanctionedAiApps: 2,
      peopleWithAiGrants: 2,
      activeGrants: 10,
      devices: 2,
    })
    expect(summary.highRiskGrants).toBeGreaterThanOrEqual(2)
  })
})
