// The demo seed builds a living inventory through the real ingestion path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getSummary, listApps } from '../../server/db/queries/inventory.ts'
import { verifyAuditChain } from '../../server/domain/audit-chain.ts'
import { seedDemo } from '../../server/seed-demo.ts'
import { createTestDatabase, type TestDatabase } from '../support/test-db.ts'

describe('seed:demo', () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await createTestDatabase('pglite')
  })
  afterAll(() => db.dispose())

  it('fills an organisation with people, AI apps, grants over months, sanctions and requests', async () => {
    const result = await seedDemo(db.db, { people: 30, grants: 300 })
    expect(result.demoLogin?.email).toBe('demo@acme.example')
    const summary = await getSummary(db.db, { tenantId: result.orgId })
    expect(summary.aiApps).toBeGreaterThan(10)
    expect(summary.peopleWithAiGrants).toBeGreaterThan(10)
    expect(summary.expiredSanctions).toBe(1)
    expect(summary.grantsOverTime.filter((w) => w.count > 0).length).toBeGreaterThan(8)
    const apps = await listApps(db.db, { tenantId: result.orgId, ai: true })
    expect(apps.every((a) => a.name)).toBe(true)
    expect(await verifyAuditChain(db.db, result.orgId)).toMatchObject({ ok: true })
  })
})
