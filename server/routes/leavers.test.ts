// Leavers: CSV import with broken rows, manual marking, correlation of a leaver's grants, orphaned
// apps, the leaver lists, and the scheduler that moves due cases forward.
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { advanceDueCases } from '../domain/advance-due-cases.ts'
import {
  consentEvent,
  createTestServer,
  type OrgFixture,
  type TestServer,
} from '../../test/support/test-server.ts'
import { TEST_DB_KINDS } from '../../test/support/test-db.ts'

const CSV = readFileSync(
  join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'csv', 'leavers-with-broken-rows.csv'),
  'utf8'
)

describe.each(TEST_DB_KINDS)('leavers on %s', (kind) => {
  let server: TestServer
  let org: OrgFixture
  beforeAll(async () => {
    server = await createTestServer(kind) // clock: 2026-11-23T09:00Z
    org = await server.createOrg()
  })
  afterAll(() => server.close())

  const importCsv = (csv: string) =>
    org.owner.request('POST', '/api/v1/leavers/import', csv, { 'content-type': 'text/csv' })
  const leaver = async (email: string) => {
    const { items } = (await (
      await org.owner.request('GET', '/api/v1/leavers?when=all')
    ).json()) as {
      items: Array<{
        email: string
        personId: string
        state: string
        dueDate: string
        status: string
        liveGrants: number
      }>
    }
    return items.find((l) => l.email === email)
  }

  it('imports a CSV: good rows applied, broken rows reported by line with the reason', async () => {
    const res = await importCsv(CSV)
    expect(res.status).toBe(200)
    const result = (await res.json()) as {
      applied: number
      unchanged: number
      rejected: Array<{ line: number; reason: string }>
    }
    expect(result.applied).toBe(2)
    expect(result.rejected).toEqual([
      { line: 3, reason: 'not an email address' },
      { line: 4, reason: 'departure_date must be a date as YYYY-MM-DD' },
      { line: 6, reason: expect.stringContaining('not an email address') },
      { line: 7, reason: 'manager must be an email address' },
    ])
    expect(await leaver('ada@acme.example')).toMatchObject({
      status: 'leaving',
      state: 'open',
      dueDate: '2026-12-15',
    })
    expect(await leaver('carol@acme.example')).toMatchObject({
      status: 'left',
      dueDate: '2026-11-20',
    })
  })

  it('changes nothing when the same file is imported again', async () => {
    const before = (await (await org.owner.request('GET', '/api/v1/audit?limit=10000')).json()) as {
      items: unknown[]
    }
    const result = (await (await importCsv(CSV)).json()) as { applied: number; unchanged: number }
    expect(result).toMatchObject({ applied: 0, unchanged: 2 })
    const after = (await (await org.owner.request('GET', '/api/v1/audit?limit=10000')).json()) as {
      items: unknown[]
    }
    expect(after.items.length).toBe(before.items.length)
  })

  it('refuses a file that is not CSV or has no usable header', async () => {
    expect(
      (
        await org.owner.request('POST', '/api/v1/leavers/import', '{"a":1}', {
          'content-type': 'application/json',
        })
      ).status
    ).toBe(400)
    const res = (await (await importCsv('name,date\nx,y\n')).json()) as {
      rejected: Array<{ line: number; reason: string }>
    }
    expect(res.rejected[0]).toMatchObject({ line: 1, reason: expect.stringContaining('header') })
  })

  it("finds every grant of a leaver: their device's, their provider account's, their aliases', and flags personal accounts", async () => {
    const dave = await org.enrollDevice('dave@acme.example')
    const shared = await org.enrollDevice('kiosk@acme.example')
    await dave.send([
      consentEvent({ request: { clientId: 'dave-work-app', loginHint: 'dave@acme.example' } }),
      consentEvent({
        request: {
          clientId: 'dave-personal-app',
          loginHint: 'dave.private@gmail.com',
          redirectHost: 'otter.ai',
        },
      }),
      consentEvent({
        request: {
          provider: 'notion',
          host: 'api.notion.com',
          clientId: 'notion-ai-app',
          scopes: [],
          loginHint: 'dave@acme.example',
        },
      }),
    ])
    // Dave used the kiosk too: the consent names his account.
    await shared.send([
      consentEvent({
        request: {
          clientId: 'kiosk-app',
          loginHint: 'Dave@acme.example',
          redirectHost: 'x.example',
        },
      }),
    ])
    // An app Dave owns.
    const { items: apps } = (await (await org.owner.request('GET', '/api/v1/apps')).json()) as {
      items: Array<{ id: string; clientId: string }>
    }
    const owned = apps.find((a) => a.clientId === 'kiosk-app')
    await org.owner.request('PUT', `/api/v1/apps/${owned?.id}/sanction`, {
      sanctioned: true,
      ownerEmail: 'dave@acme.example',
      purpose: 'Kiosk notes',
      expiresAt: null,
    })

    const marked = await org.owner.request('POST', '/api/v1/leavers', {
      email: 'dave@acme.example',
      departureDate: '2026-12-01',
      successorEmail: 'erin@acme.example',
    })
    expect(marked.status).toBe(201)
    const { personId } = (await marked.json()) as { personId: string }
    const kase = (await (await org.owner.request('GET', `/api/v1/leavers/${personId}`)).json()) as {
      case: { state: string; dueDate: string }
      toRevoke: Array<{ clientId: string }>
      followUps: Array<{ clientId: string; followUp: string }>
      orphanedApps: Array<{ clientId: string; successorEmail: string }>
      liveGrants: number
    }
    expect(kase.case).toMatchObject({ state: 'open', dueDate: '2026-12-01' })
    expect(kase.toRevoke.map((g) => g.clientId).sort()).toEqual(['dave-work-app', 'kiosk-app'])
    expect(kase.followUps.map((g) => [g.clientId, g.followUp.split(':')[0]]).sort()).toEqual([
      ['dave-personal-app', 'Personal account'],
      ['notion-ai-app', 'No admin API to revoke notion grants'],
    ])
    expect(kase.orphanedApps).toEqual([
      expect.objectContaining({ clientId: 'kiosk-app', successorEmail: 'erin@acme.example' }),
    ])
    expect(kase.liveGrants).toBe(4)
    // The list counts the same way as the case, in one query.
    const { items } = (await (
      await org.owner.request('GET', '/api/v1/leavers?when=upcoming')
    ).json()) as {
      items: Array<{
        personId: string
        liveGrants: number
        highestRisk: string
        orphanedApps: number
      }>
    }
    expect(items.find((l) => l.personId === personId)).toMatchObject({
      liveGrants: 4,
      highestRisk: 'critical',
      orphanedApps: 1,
    })
    const summary = (await (await org.owner.request('GET', '/api/v1/summary')).json()) as {
      leaversWithLiveGrants: number
    }
    expect(summary.leaversWithLiveGrants).toBeGreaterThanOrEqual(1)
    // Marking again with the same date changes nothing.
    expect(
      (
        await org.owner.request('POST', '/api/v1/leavers', {
          email: 'dave@acme.example',
          departureDate: '2026-12-01',
          successorEmail: 'erin@acme.example',
        })
      ).status
    ).toBe(200)
  })

  it('lists upcoming, due and overdue leavers', async () => {
    await org.owner.request('POST', '/api/v1/leavers', {
      email: 'today@acme.example',
      departureDate: '2026-11-23',
    })
    const list = async (when: string) =>
      (
        (await (await org.owner.request('GET', `/api/v1/leavers?when=${when}`)).json()) as {
          items: Array<{ email: string }>
        }
      ).items.map((l) => l.email)
    expect(await list('upcoming')).toContain('ada@acme.example')
    expect(await list('due')).toEqual(['today@acme.example'])
    expect(await list('overdue')).toContain('carol@acme.example')
  })

  it('moves due cases forward once, whatever the number of schedulers, and alerts', async () => {
    await org.owner.request('POST', '/api/v1/webhooks', {
      url: 'https://hooks.acme.example/x',
      format: 'json',
      events: ['leaver.due'],
    })
    const runs = await Promise.all([
      advanceDueCases(server.db.db, server.now.value),
      advanceDueCases(server.db.db, server.now.value),
    ])
    expect(runs[0] + runs[1]).toBeGreaterThanOrEqual(2) // carol (overdue) and today@
    expect(await advanceDueCases(server.db.db, server.now.value)).toBe(0)
    expect(await leaver('today@acme.example')).toMatchObject({
      state: 'in_progress',
      status: 'left',
    })
    expect(await leaver('ada@acme.example')).toMatchObject({ state: 'open' })
    const audit = (await (
      await org.owner.request('GET', '/api/v1/audit?action=case.due')
    ).json()) as { items: unknown[] }
    expect(audit.items.length).toBe(runs[0] + runs[1])
  })

  it('lets an auditor read leavers but not mark or import', async () => {
    const auditor = await org.addAdmin('auditor')
    expect((await auditor.request('GET', '/api/v1/leavers')).status).toBe(200)
    expect(
      (
        await auditor.request('POST', '/api/v1/leavers', {
          email: 'x@acme.example',
          departureDate: '2026-12-01',
        })
      ).status
    ).toBe(403)
    const offboarding = await org.addAdmin('offboarding')
    expect(
      (
        await offboarding.request('POST', '/api/v1/leavers', {
          email: `o-${randomUUID().slice(0, 6)}@acme.example`,
          departureDate: '2026-12-01',
        })
      ).status
    ).toBe(201)
  })
})
