// Revoking or disabling something an admin manages (an enrollment token, a browser, a SCIM token,
// a webhook): stamp it once, in the admin's organisation, and audit it in the same transaction.
// A second call, or another organisation's id, changes nothing and answers false.
import { and, eq, isNull } from 'drizzle-orm'
import type { PgColumn, PgTable, PgUpdateSetSource } from 'drizzle-orm/pg-core'
import type { Db } from '../db/client.ts'
import { auditByAdmin } from './audit-chain.ts'
import type { Actor } from './enrollment.ts'

export async function stampOnce<T extends PgTable>(
  db: Db,
  actor: Actor,
  row: {
    table: T
    id: PgColumn
    orgId: PgColumn
    /** The timestamp column that says it is revoked or disabled. */
    stamp: PgColumn
    set: PgUpdateSetSource<T>
  },
  id: string,
  audit: { action: string; subjectType: string },
  now: Date
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [changed] = await tx
      .update(row.table)
      .set(row.set)
      .where(and(eq(row.id, id), eq(row.orgId, actor.orgId), isNull(row.stamp)))
      .returning({ id: row.id })
    if (!changed) return false
    await auditByAdmin(tx, actor, { ...audit, subjectId: id }, now)
    return true
  })
}
