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
import { appPolicies, apps, devices, grants, people } from '../schema/index.ts'
import { explainScope } from '../../../shared/consent/explain-scope.ts'
import { getPolicy } from '../../domain/policy.ts'
import type { Db } from '../client.ts'
import { decodeCursor, encodeCursor } from './keyset-cursor.ts'

const RISK_RANK = sql<number>`max(case ${grants.risk} when 'critical' then 4 when 'high' then 3 when 'medium' then 2 else 1 end)`
const RISK_NAMES = [null, 'low', 'medium', 'high', 'critical'] as const

export interface ListAppsParams {
  tenantId: string
  q?: string
  provider?: Provider
  ai?: boolean
  sanctioned?: boolean
  risk?: string
  sort?: 'lastSeen' | 'firstSeen' | 'people' | 'risk' | 'name'
  order?: 'asc' | 'desc'
  appId?: string
  now?: Date
}

export async function listApps(db: Db, p: ListAppsParams) {
  const where: SQL[] = [eq(apps.orgId, p.tenantId)]
  if (p.appId) where.push(eq(apps.id, p.appId))
  if (p.q) {
    const like = `%${p.q.replace(/[%_\\]/g, '\\$&')}%`
    const match = or(ilike(apps.name, like), ilike(apps.vendor, like), ilike(apps.clientId, like))
    if (match) where.push(match)
  }
  if (p.provider) where.push(eq(apps.provider, p.provider))
  if (p.ai !== undefined) where.push(eq(apps.isAi, p.ai))
  if (p.sanctioned !== undefined) where.push(eq(apps.sanctioned, p.sanctioned))
  const riskRank = RISK_RANK.mapWith(Number)
  const people = countDistinct(grants.personId)
  const sortColumn = {
    lastSeen: apps.lastSeenAt,
    firstSeen: apps.firstSeenAt,
    people,
    risk: riskRank,
    name: sql`lower(coalesce(${apps.name}, ${apps.clientId}))`,
  }[p.sort ?? 'lastSeen']
  const dir = p.order === 'asc' ? asc : desc
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
      purpose: apps.purpose,
      sanctionExpiresAt: apps.sanctionExpiresAt,
      firstSeenAt: apps.firstSeenAt,
      lastSeenAt: apps.lastSeenAt,
      people,
      activeGrants:
        sql<number>`count(${grants.id}) filter (where ${grants.status} = 'active')`.mapWith(Number),
      riskRank,
      policy: sql<
        string | null
      >`(select ${appPolicies.action} from ${appPolicies} where ${appPolicies.appId} = ${apps.id} and ${appPolicies.personId} is null)`,
    })
    .from(apps)
    .leftJoin(grants, and(eq(grants.appId, apps.id), eq(grants.orgId, apps.orgId)))
    .where(and(...where))
    .groupBy(apps.id)
    .orderBy(dir(sortColumn), dir(apps.id))
  const now = (p.now ?? new Date()).getTime()
  const items = rows.map(({ riskRank, ...r }) => ({
    ...r,
    highestRisk: RISK_NAMES[riskRank] ?? null,
    sanctionExpired:
      r.sanctioned && r.sanctionExpiresAt !== null && r.sanctionExpiresAt.getTime() < now,
  }))
  return p.risk ? items.filter((a) => a.highestRisk === p.risk) : items
}

/** One app: what it can do (explained union of its grants' scopes), who granted it, its policy. */
export async function getApp(db: Db, p: { tenantId: string; appId: string; now?: Date }) {
  const [app] = await listApps(db, { tenantId: p.tenantId, appId: p.appId, now: p.now })
  if (!app) return null
  const appGrants = await db
    .select({
      id: grants.id,
      personId: grants.personId,
      personEmail: people.email,
      account: grants.account,
      status: grants.status,
      risk: grants.risk,
      scopes: grants.scopes,
      offlineAccess: grants.offlineAccess,
      firstSeenAt: grants.firstSeenAt,
      lastSeenAt: grants.lastSeenAt,
    })
    .from(grants)
    .leftJoin(people, eq(people.id, grants.personId))
    .where(and(eq(grants.orgId, p.tenantId), eq(grants.appId, p.appId)))
    .orderBy(desc(grants.lastSeenAt))
  const order = ['critical', 'high', 'medium', 'low']
  const scopes = [
    ...new Set(appGrants.filter((g) => g.status !== 'denied').flatMap((g) => g.scopes)),
  ]
    .map((scope) => explainScope(app.provider as Provider, scope))
    .sort((a, b) => order.indexOf(a.risk) - order.indexOf(b.risk))
  const requested = scopes.length
    ? []
    : [...new Set(appGrants.flatMap((g) => g.scopes))].map((scope) =>
        explainScope(app.provider as Provider, scope)
      )
  const { policy } = await getPolicy(db, p.tenantId)
  const rule = policy.apps.find((r) => r.provider === app.provider && r.clientId === app.clientId)
  const effective =
    rule?.action ?? (app.highestRisk ? policy.byRisk[app.highestRisk] : policy.byRisk.low)
  return {
    app,
    scopes: scopes.length ? scopes : requested,
    grants: appGrants,
    policy: { action: rule?.action ?? null, effective },
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

export async function getSummary(db: Db, p: { tenantId: string; now?: Date }) {
  const now = p.now ?? new Date()
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
  const [e] = await db
    .select({ expiredSanctions: count() })
    .from(apps)
    .where(
      and(eq(apps.orgId, p.tenantId), eq(apps.sanctioned, true), lt(apps.sanctionExpiresAt, now))
    )
  const aiActive = and(
    eq(grants.orgId, p.tenantId),
    eq(grants.status, 'active'),
    eq(apps.isAi, true)
  )
  const riskRows = await db
    .select({ risk: grants.risk, count: count() })
    .from(grants)
    .innerJoin(apps, eq(apps.id, grants.appId))
    .where(aiActive)
    .groupBy(grants.risk)
  const byRisk = { low: 0, medium: 0, high: 0, critical: 0 }
  for (const r of riskRows) byRisk[r.risk] = r.count
  const byProvider = await db
    .select({ provider: grants.provider, count: count() })
    .from(grants)
    .innerJoin(apps, eq(apps.id, grants.appId))
    .where(aiActive)
    .groupBy(grants.provider)
    .orderBy(desc(count()))
  // New AI grants per week (weeks start on Monday), the last 26 weeks, empty weeks included.
  const since = new Date(now.getTime() - 26 * 7 * 86_400_000)
  const weekRows = await db
    .select({
      week: sql<string>`to_char(date_trunc('week', ${grants.firstSeenAt}), 'YYYY-MM-DD')`,
      count: count(),
    })
    .from(grants)
    .innerJoin(apps, eq(apps.id, grants.appId))
    .where(and(eq(grants.orgId, p.tenantId), eq(apps.isAi, true), gt(grants.firstSeenAt, since)))
    .groupBy(sql`1`)
  const perWeek = new Map(weekRows.map((w) => [w.week, w.count]))
  const monday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
  monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7))
  const grantsOverTime = Array.from({ length: 26 }, (_, i) => {
    const week = new Date(monday.getTime() - (25 - i) * 7 * 86_400_000).toISOString().slice(0, 10)
    return { week, count: perWeek.get(week) ?? 0 }
  })
  return {
    ...a,
    ...g,
    ...d,
    expiredSanctions: e?.expiredSanctions ?? 0,
    byRisk,
    byProvider,
    grantsOverTime,
  }
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
