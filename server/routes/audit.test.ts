// The hash-chained audit log: what is recorded, exports, verification, and tamper evidence.
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appendAudit } from '../domain/audit-chain.ts'
import {
  consentEvent,
  createTestServer,
  type OrgFixture,
  type TestServer,
} from '../../test/support/test-server.ts'
import { TEST_DB_KINDS } from '../../test/support/test-db.ts'

type Entry = { seq: number; action: string; hash: string; prevHash: string; actorId: string | null }

describe.each(TEST_DB_KINDS)('audit log on %s', (kind) => {
  let server: TestServer
  let org: OrgFixture
  beforeAll(async () => {
    server = await createTestServer(kind)
    org = await server.createOrg()
    const device = await org.enrollDevice()
    await device.send([consentEvent()])
    await org.owner.request('PUT', '/api/v1/admin/policy/risk', {
      low: 'allow',
      medium: 'warn',
      high: 'warn',
      critical: 'block',
    })
    await org.owner.request('POST', `/api/v1/devices/${device.deviceId}/revoke`)
  })
  afterAll(() => server.close())

  const list = async (o: OrgFixture, query = '') =>
    ((await (await o.owner.request('GET', `/api/v1/audit${query}`)).json()) as { items: Entry[] })
      .items

  it('records every state change in order, each entry chained to the one before', async () => {
    const items = await list(org)
    expect(items.map((e) => e.action)).toEqual([
      'org.created',
      'admin.setup',
      'admin.login',
      'enrollment_token.created',
      'device.enrolled',
      'app.discovered',
      'grant.created',
      'policy.risk_changed',
      'device.revoked',
    ])
    items.forEach((e, i) => {
      expect(e.seq).toBe(i + 1)
      if (i > 0) expect(e.prevHash).toBe(items[i - 1]?.hash)
    })
    expect(await (await org.owner.request('GET', '/api/v1/audit/verify')).json()).toEqual({
      ok: true,
      entries: 9,
      lastHash: items[8]?.hash,
    })
  })

  it('filters by action and actor', async () => {
    const revoked = await list(org, '?action=device.revoked')
    expect(revoked).toHaveLength(1)
    const byActor = await list(org, `?actor=${revoked[0]?.actorId}`)
    expect(byActor.length).toBeGreaterThan(1)
    expect(byActor.every((e) => e.actorId === revoked[0]?.actorId)).toBe(true)
  })

  it('exports JSON lines and CSV', async () => {
    const jsonl = await org.owner.request('GET', '/api/v1/audit?format=jsonl')
    expect(jsonl.headers.get('content-type')).toMatch(/ndjson/)
    const lines = (await jsonl.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Entry)
    expect(lines.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
    const csv = await (await org.owner.request('GET', '/api/v1/audit?format=csv')).text()
    const rows = csv.trim().split('\r\n')
    expect(rows[0]).toBe('seq,at,actorType,actorId,action,subjectType,subjectId,data,prevHash,hash')
    expect(rows).toHaveLength(10)
  })

  it('refuses UPDATE and DELETE on the audit table at the database', async () => {
    await expect(server.db.db.execute(sql`update audit_log set action = 'x'`)).rejects.toThrow()
    await expect(server.db.db.execute(sql`delete from audit_log`)).rejects.toThrow()
  })

  it('keeps one linear chain under concurrent appends', async () => {
    const other = await server.createOrg()
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        server.db.db.transaction((tx) =>
          appendAudit(
            tx,
            other.orgId,
            [{ actorType: 'system', actorId: null, action: `test.${i}` }],
            new Date()
          )
        )
      )
    )
    const verify = (await (await other.owner.request('GET', '/api/v1/audit/verify')).json()) as {
      ok: boolean
      entries: number
    }
    expect(verify).toMatchObject({ ok: true })
    expect(verify.entries).toBe(28)
  })

  it('catches an edited entry and names the first broken one', async () => {
    const victim = await server.createOrg()
    await victim.enrollDevice()
    // Bypass the trigger as a database superuser could: verification must not rely on it.
    await server.db.db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_log disable trigger audit_log_no_update_delete`)
      await tx.execute(
        sql`update audit_log set data = '{"label":"forged"}'::jsonb where org_id = ${victim.orgId} and seq = 4`
      )
      await tx.execute(sql`alter table audit_log enable trigger audit_log_no_update_delete`)
    })
    const res = await victim.owner.request('GET', '/api/v1/audit/verify')
    expect(await res.json()).toEqual({
      ok: false,
      entries: 3,
      firstBroken: { seq: 4, reason: 'content does not match its hash' },
    })
    // Another organisation's chain is untouched.
    expect(await (await org.owner.request('GET', '/api/v1/audit/verify')).json()).toMatchObject({
      ok: true,
    })
  })

  it('catches a deleted entry', async () => {
    const victim = await server.createOrg()
    await victim.enrollDevice()
    await server.db.db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_log disable trigger audit_log_no_update_delete`)
      await tx.execute(sql`delete from audit_log where org_id = ${victim.orgId} and seq = 2`)
      await tx.execute(sql`alter table audit_log enable trigger audit_log_no_update_delete`)
    })
    const res = await victim.owner.request('GET', '/api/v1/audit/verify')
    expect(await res.json()).toMatchObject({
      ok: false,
      firstBroken: { seq: 2, reason: 'entry missing' },
    })
  })
})
