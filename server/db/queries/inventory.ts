// Read queries of the AI-grant inventory for admins; every one takes the organisation.
import {
  and,
  asc,
  count,
  countDistinct,
  desc,
  eq,
  gt,
  ilike,
  lt,
  or,
  sql,
  type SQL,
} from 'drizzle-orm'
import type { ListGrantsQuery } from '../../../shared/api/inventory.ts'
import type { Provider } from '../../../shared/consent/types.ts'
import { apps, devices, grants, people } from '../schema/index.ts'
import type { Db } from '../client.ts'

const RISK_RANK = sql<number>`max(case ${grants.risk} when 'critical' then 4 when 'high' then 3 when 'medium' then 2 else 1 end)`
const RISK_NAMES = [null, 'low', 'medium', 'high', 'critical'] as const

export async function listApps(
  db: Db,
  p: { tenantId: string; q?: string; provider?: Provider; ai?: boolean; sanctioned?: boolean }
) {
  const where: SQL[] = [eq(apps.orgId, p.tenantId)]
  if (p.q) {
    const like = `%${p.q.replace(/[%_\\]/g, '\\$&')}%`
    const match = or(ilike(apps.name, like), ilike(apps.vendor, like), ilike(apps.clientId, like))
    if (match) where.push(match)
  }
  if (p.provider) where.push(eq(apps.provider, p.provider))
  if (p.ai !== undefined) where.push(eq(apps.isAi, p.ai))
  if (p.sanctioned !== undefined) where.push(eq(apps.sanctioned, p.sanctioned))
  const rows = await db
    .select({
      id: apps.id,
      provider: apps.provider,
      clientId: apps.clientId,
      name: apps.name,
      vendor: apps.vendor,
      toolId: apps.toolId,
      isAi: apps.isAi,
      category: apps.category,
      sanctioned: apps.sanctioned,
      ownerEmail: apps.ownerEmail,
      sanctionExpiresAt: apps.sanctionExpiresAt,
      firstSeenAt: apps.firstSeenAt,
      lastSeenAt: apps.lastSeenAt,
      people: countDistinct(grants.personId),
      activeGrants:
        sql<number>`count(${grants.id}) filter (where ${grants.status} = 'active')`.mapWith(Number),
      riskRank: RISK_RANK.mapWith(Number),
    })
    .from(apps)
    .leftJoin(grants, and(eq(grants.appId, apps.id), eq(grants.orgId, apps.orgId)))
    .where(and(...where))
    .groupBy(apps.id)
    .orderBy(desc(apps.lastSeenAt))
  return rows.map(({ riskRank, ...r }) => ({ ...r, highestRisk: RISK_NAMES[riskRank] ?? null }))
}

/** Opaque keyset cursor: the sort value and id of the last row of the previous page. */
function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url')
}

function decodeCursor(cursor: string): [Date, string] | null {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [
      string,
      string,
    ]
    const date = new Date(at)
    return Number.isNaN(date.getTime()) || typeof id !== 'string' || !/^[0-9a-f-]{36}$/.test(id)
      ? null
      : [date, id]
  } catch {
    return null
  }
}

export type ListGrantsResult =
  | { ok: true; items: Awaited<ReturnType<typeof selectGrants>>; nextCursor: string | null }
  | { ok: false; reason: 'bad_cursor' }

function selectGrants(db: Db) {
  return db
    .select({
      id: grants.id,
      appId: grants.appId,
      appName: apps.name,
      clientId: apps.clientId,
      isAi: apps.isAi,
      personId: grants.personId,
      personEmail: people.email,
      account: grants.account,
      provider: grants.provider,
      scopes: grants.scopes,
      risk: grants.risk,
      offlineAccess: grants.offlineAccess,
      status: grants.status,
      source: grants.source,
      firstSeenAt: grants.firstSeenAt,
      lastSeenAt: grants.lastSeenAt,
    })
    .from(grants)
    .innerJoin(apps, eq(apps.id, grants.appId))
    .leftJoin(people, eq(people.id, grants.personId))
}

export async function listGrants(
  db: Db,
  p: ListGrantsQuery & { tenantId: string }
): Promise<ListGrantsResult> {
  const column = p.sort === 'firstSeen' ? grants.firstSeenAt : grants.lastSeenAt
  const where: SQL[] = [eq(grants.orgId, p.tenantId)]
  if (p.appId) where.push(eq(grants.appId, p.appId))
  if (p.personId) where.push(eq(grants.personId, p.personId))
  if (p.provider) where.push(eq(grants.provider, p.provider))
  if (p.risk) where.push(eq(grants.risk, p.risk as 'low'))
  if (p.status) where.push(eq(grants.status, p.status))
  if (p.cursor) {
    const cursor = decodeCursor(p.cursor)
    if (!cursor) return { ok: false, reason: 'bad_cursor' }
    const [at, id] = cursor
    const after =
      p.order === 'desc'
        ? or(lt(column, at), and(eq(column, at), lt(grants.id, id)))
        : or(gt(column, at), and(eq(column, at), gt(grants.id, id)))
    if (after) where.push(after)
  }
  const dir = p.order === 'desc' ? desc : asc
  const rows = await selectGrants(db)
    .where(and(...where))
    .orderBy(dir(column), dir(grants.id))
    .limit(p.limit + 1)
  const items = rows.slice(0, p.limit)
  const last = items[items.length - 1]
  const nextCursor =
    rows.length > p.limit && last
      ? encodeCursor(p.sort === 'firstSeen' ? last.firstSeenAt : last.lastSeenAt, last.id)
      : null
  return { ok: true, items, nextCursor }
}

export async function listPeople(db: Db, p: { tenantId: string; q?: string; limit: number }) {
  const where: SQL[] = [eq(people.orgId, p.tenantId)]
  if (p.q) where.push(ilike(people.email, `%${p.q.replace(/[%_\\]/g, '\\$&')}%`))
  return db
    .select({
      id: people.id,
      email: people.email,
      name: people.name,
      status: people.status,
      departureDate: people.departureDate,
      activeGrants:
        sql<number>`count(${grants.id}) filter (where ${grants.status} = 'active')`.mapWith(Number),
    })
    .from(people)
    .leftJoin(grants, and(eq(grants.personId, people.id), eq(grants.orgId, people.orgId)))
    .where(and(...where))
    .groupBy(people.id)
    .orderBy(people.email)
    .limit(p.limit)
}

export async function getPerson(db: Db, p: { tenantId: string; personId: string }) {
  const [person] = await db
    .select()
    .from(people)
    .where(and(eq(people.orgId, p.tenantId), eq(people.id, p.personId)))
  if (!person) return null
  const personGrants = await selectGrants(db)
    .where(and(eq(grants.orgId, p.tenantId), eq(grants.personId, p.personId)))
    .orderBy(desc(grants.lastSeenAt))
  const personDevices = await db
    .select({
      id: devices.id,
      browser: devices.browser,
      enrolledAt: devices.enrolledAt,
      lastSeenAt: devices.lastSeenAt,
      revokedAt: devices.revokedAt,
    })
    .from(devices)
    .where(and(eq(devices.orgId, p.tenantId), eq(devices.personId, p.personId)))
  return { ...person, grants: personGrants, devices: personDevices }
}

export async function getSummary(db: Db, p: { tenantId: string }) {
  const [a] = await db
    .select({
      aiApps: sql<number>`count(*) filter (where ${apps.isAi})`.mapWith(Number),
      unsanctionedAiApps:
        sql<number>`count(*) filter (where ${apps.isAi} and not ${apps.sanctioned})`.mapWith(
          Number
        ),
      apps: count(),
    })
    .from(apps)
    .where(eq(apps.orgId, p.tenantId))
  const [g] = await db
    .select({
      activeGrants: sql<number>`count(*) filter (where ${grants.status} = 'active')`.mapWith(
        Number
      ),
      peopleWithAiGrants:
        sql<number>`count(distinct ${grants.personId}) filter (where ${grants.status} = 'active' and ${apps.isAi})`.mapWith(
          Number
        ),
      highRiskGrants:
        sql<number>`count(*) filter (where ${grants.status} = 'active' and ${grants.risk} in ('high', 'critical'))`.mapWith(
          Number
        ),
    })
    .from(grants)
    .innerJoin(apps, eq(apps.id, grants.appId))
    .where(eq(grants.orgId, p.tenantId))
  const [d] = await db
    .select({
      devices: sql<number>`count(*) filter (where ${devices.revokedAt} is null)`.mapWith(Number),
    })
    .from(devices)
    .where(eq(devices.orgId, p.tenantId))
  return { ...a, ...g, ...d }
}

/** The grants of a device's employee (or, without one, those the device reported). */
export async function listDeviceConnections(
  db: Db,
  p: { tenantId: string; deviceId: string; personId: string | null }
) {
  const owner = p.personId ? eq(grants.personId, p.personId) : eq(grants.deviceId, p.deviceId)
  return db
    .select({
      id: grants.id,
      provider: grants.provider,
      clientId: apps.clientId,
      appName: apps.name,
      isAi: apps.isAi,
      scopes: grants.scopes,
      risk: grants.risk,
      status: grants.status,
      firstSeenAt: grants.firstSeenAt,
      lastSeenAt: grants.lastSeenAt,
    })
    .from(grants)
    .innerJoin(apps, eq(apps.id, grants.appId))
    .where(and(eq(grants.orgId, p.tenantId), owner))
    .orderBy(desc(grants.lastSeenAt))
    .limit(200)
}
