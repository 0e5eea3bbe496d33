// Revoking is done once, in the admin's own organisation, and audited once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, type TestServer } from '../../test/support/test-server.ts'
import { TEST_DB_KINDS } from '../../test/support/test-db.ts'
import { auditLog } from '../db/schema/index.ts'
import { eq } from 'drizzle-orm'
import { revokeDevice } from './enrollment.ts'

describe.each(TEST_DB_KINDS)('stamping once on %s', (kind) => {
  let server: TestServer
  beforeAll(async () => {
    server = await createTestServer(kind)
  })
  afterAll(() => server.close())

  it('revokes once, audits once, and never touches another organisation', async () => {
    const acme = await server.createOrg()
    const other = await server.createOrg()
    const device = await acme.enrollDevice()
    const me = await (await acme.owner.request('GET', '/api/v1/auth/me')).json()
    const actor = { orgId: acme.orgId, adminId: (me as { id: string }).id }
    const stranger = { orgId: other.orgId, adminId: actor.adminId }
    const now = server.now.value
    expect(await revokeDevice(server.db.db, stranger, device.deviceId, now)).toBe(false)
    expect(await revokeDevice(server.db.db, actor, device.deviceId, now)).toBe(true)
    expect(await revokeDevice(server.db.db, actor, device.deviceId, now)).toBe(false)
    const entries = await server.db.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.subjectId, device.deviceId))
    expect(entries.filter((e) => e.action === 'device.revoked')).toEqual([
      expect.objectContaining({ orgId: acme.orgId, actorId: actor.adminId }),
    ])
    expect((await device.send([])).status).toBe(401)
  })
})
