// Every revocation job of an organisation, across leavers' and apps' plans: filtered, newest first,
// keyset-paginated. What the Revocations page lists.
import { and, count, desc, eq, inArray, lt, or, type SQL } from 'drizzle-orm'
import { apps, grants, revocationJobs, revocationPlans } from '../schema/index.ts'
import type { Db } from '../client.ts'
import { decodeCursor, encodeCursor } from './keyset-cursor.ts'

export interface ListJobsQuery {
  tenantId: string
  state?: Array<(typeof revocationJobs.state.enumValues)[number]>
  provider?: string
  planId?: string
  cursor?: string
  limit: number
}

export type ListJobsResult =
  | { ok: true; items: Array<JobRow & { personId: string | null }>; nextCursor: string | null }
  | { ok: false; reason: 'bad_cursor' }

type JobRow = Awaited<ReturnType<typeof selectJobs>>[number]

function selectJobs(db: Db) {
  return db
    .select({
      id: revocationJobs.id,
      planId: revocationJobs.planId,
      planScope: revocationPlans.scope,
      planSubjectId: revocationPlans.subjectId,
      grantId: revocationJobs.grantId,
      provider: revocationJobs.provider,
      userEmail: revocationJobs.userEmail,
      clientId: revocationJobs.clientId,
      appId: grants.appId,
      appName: apps.name,
      personId: grants.personId,
      state: revocationJobs.state,
      attempts: revocationJobs.attempts,
      lastStatus: revocationJobs.lastStatus,
      lastRequestId: revocationJobs.lastRequestId,
      lastError: revocationJobs.lastError,
      createdAt: revocationJobs.createdAt,
      updatedAt: revocationJobs.updatedAt,
    })
    .from(revocationJobs)
    .innerJoin(revocationPlans, eq(revocationPlans.id, revocationJobs.planId))
    .innerJoin(grants, eq(grants.id, revocationJobs.grantId))
    .innerJoin(apps, eq(apps.id, grants.appId))
}

export async function listRevocationJobs(db: Db, q: ListJobsQuery): Promise<ListJobsResult> {
  const where: SQL[] = [eq(revocationJobs.orgId, q.tenantId)]
  if (q.state) where.push(inArray(revocationJobs.state, q.state))
  if (q.provider) where.push(eq(revocationJobs.provider, q.provider))
  if (q.planId) where.push(eq(revocationJobs.planId, q.planId))
  if (q.cursor) {
    const cursor = decodeCursor(q.cursor)
    if (!cursor) return { ok: false, reason: 'bad_cursor' }
    const [at, id] = cursor
    const after = or(
      lt(revocationJobs.createdAt, at),
      and(eq(revocationJobs.createdAt, at), lt(revocationJobs.id, id))
    )
    if (after) where.push(after)
  }
  const rows = await selectJobs(db)
    .where(and(...where))
    .orderBy(desc(revocationJobs.createdAt), desc(revocationJobs.id))
    .limit(q.limit + 1)
  // A leaver's plan names the person even where the grant came from a device with no person.
  const items = rows.slice(0, q.limit).map((row) => ({
    ...row,
    personId: row.planScope === 'leaver' ? row.planSubjectId : row.personId,
  }))
  const last = items[items.length - 1]
  return {
    ok: true,
    items,
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.createdAt, last.id) : null,
  }
}

/** Failed and dead jobs: what the overview counts as failed revocations. */
export async function countFailedRevocations(db: Db, tenantId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(revocationJobs)
    .where(
      and(eq(revocationJobs.orgId, tenantId), inArray(revocationJobs.state, ['failed', 'dead']))
    )
  return row?.n ?? 0
}
