// A leaver's offboarding case: every grant whose account is theirs (by the reporting device's
// employee, the provider account on the consent, and their aliases), split into what an admin can
// revoke and what needs a manual follow-up, plus the apps they own that are now orphaned.
import { and, asc, count, eq, inArray, or, sql, type SQL } from 'drizzle-orm'
import {
  apps,
  devices,
  grants,
  offboardingCases,
  people,
  personAliases,
} from '../db/schema/index.ts'
import type { Db } from '../db/client.ts'
import { isoDay } from './leavers.ts'

/** Providers whose admin APIs can revoke a user's grants (connectors: see the revocation issue). */
export const ADMIN_REVOCABLE = new Set(['google', 'microsoft', 'github', 'slack', 'okta'])
const LIVE = ['active', 'revocation_pending', 'revoke_failed'] as const
const CONSUMER_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'yahoo.com',
  'icloud.com',
  'me.com',
  'proton.me',
  'protonmail.com',
  'aol.com',
  'gmx.com',
  'gmx.de',
  'web.de',
])

const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase()

/** Grants of a person, found through every way an account can be theirs. */
export async function correlatedGrants(
  db: Db,
  orgId: string,
  personId: string,
  emails: string[],
  statuses: ReadonlyArray<(typeof grants.status.enumValues)[number]> = LIVE
) {
  const theirDevices = await db
    .select({ id: devices.id })
    .from(devices)
    .where(and(eq(devices.orgId, orgId), eq(devices.personId, personId)))
  const ways: SQL[] = [eq(grants.personId, personId)]
  if (emails.length) ways.push(inArray(sql`lower(${grants.account})`, emails))
  if (theirDevices.length)
    ways.push(
      inArray(
        grants.deviceId,
        theirDevices.map((d) => d.id)
      )
    )
  return db
    .select({
      id: grants.id,
      appId: grants.appId,
      appName: apps.name,
      clientId: apps.clientId,
      isAi: apps.isAi,
      provider: grants.provider,
      account: grants.account,
      scopes: grants.scopes,
      risk: grants.risk,
      status: grants.status,
      firstSeenAt: grants.firstSeenAt,
      lastSeenAt: grants.lastSeenAt,
    })
    .from(grants)
    .innerJoin(apps, eq(apps.id, grants.appId))
    .where(and(eq(grants.orgId, orgId), or(...ways), inArray(grants.status, [...statuses])))
    .orderBy(asc(grants.firstSeenAt))
}

export type CaseGrant = Awaited<ReturnType<typeof correlatedGrants>>[number] & {
  followUp: string | null
}

export async function getOffboardingCase(db: Db, p: { tenantId: string; personId: string }) {
  const [person] = await db
    .select()
    .from(people)
    .where(and(eq(people.orgId, p.tenantId), eq(people.id, p.personId)))
  if (!person) return null
  const [kase] = await db
    .select()
    .from(offboardingCases)
    .where(and(eq(offboardingCases.orgId, p.tenantId), eq(offboardingCases.personId, p.personId)))
  const aliases = await db
    .select({ email: personAliases.email })
    .from(personAliases)
    .where(and(eq(personAliases.orgId, p.tenantId), eq(personAliases.personId, p.personId)))
  const emails = [person.email, ...aliases.map((a) => a.email)]
  const companyDomains = new Set(emails.map(domainOf).filter((d) => !CONSUMER_DOMAINS.has(d)))
  const found = await correlatedGrants(db, p.tenantId, p.personId, emails)
  const classified: CaseGrant[] = found.map((g) => {
    const account = g.account.toLowerCase()
    const personal =
      account.includes('@') &&
      (CONSUMER_DOMAINS.has(domainOf(account)) || !companyDomains.has(domainOf(account)))
    const followUp = personal
      ? 'Personal account: company data left the company and an admin cannot revoke it; ask the person to remove the app'
      : ADMIN_REVOCABLE.has(g.provider)
        ? null
        : `No admin API to revoke ${g.provider} grants: ask the app's owner or the person to remove it`
    return { ...g, followUp }
  })
  const orphanedApps = await db
    .select({
      id: apps.id,
      name: apps.name,
      clientId: apps.clientId,
      provider: apps.provider,
      purpose: apps.purpose,
      sanctionExpiresAt: apps.sanctionExpiresAt,
    })
    .from(apps)
    .where(and(eq(apps.orgId, p.tenantId), inArray(apps.ownerEmail, emails)))
  const order = ['critical', 'high', 'medium', 'low']
  const byRisk = (a: CaseGrant, b: CaseGrant) => order.indexOf(a.risk) - order.indexOf(b.risk)
  return {
    person: {
      id: person.id,
      email: person.email,
      name: person.name,
      status: person.status,
      departureDate: person.departureDate,
      source: person.leavingSource,
      managerEmail: person.managerEmail,
      successorEmail: person.successorEmail,
      aliases: aliases.map((a) => a.email),
      githubLogin: person.githubLogin,
    },
    case: kase
      ? {
          id: kase.id,
          state: kase.state,
          dueDate: kase.dueDate,
          history: kase.history,
          createdAt: kase.createdAt,
          closedAt: kase.closedAt,
          closedBy: kase.closedBy,
          closeNote: kase.closeNote,
        }
      : null,
    toRevoke: classified.filter((g) => g.followUp === null).sort(byRisk),
    followUps: classified.filter((g) => g.followUp !== null).sort(byRisk),
    orphanedApps: orphanedApps.map((a) => ({ ...a, successorEmail: person.successorEmail })),
    liveGrants: classified.length,
  }
}

/**
 * The same correlation as correlatedGrants, as SQL about the person of the current row (`people`):
 * a live grant (alias g) reported for them, on their account or an alias, or from their device.
 */
const theirLiveGrant = sql`g.org_id = ${people.orgId}
  and g.status in ('active', 'revocation_pending', 'revoke_failed')
  and (g.person_id = ${people.id}
    or lower(g.account) = ${people.email}
    or lower(g.account) in (select pa.email from ${personAliases} pa where pa.org_id = ${people.orgId} and pa.person_id = ${people.id})
    or g.device_id in (select d.id from ${devices} d where d.org_id = ${people.orgId} and d.person_id = ${people.id}))`

const RISK_BY_RANK = [null, 'low', 'medium', 'high', 'critical'] as const

export type LeaverWhen = 'upcoming' | 'due' | 'overdue' | 'done' | 'all'

/** Leavers with their case, live-grant count and highest risk. */
export async function listLeavers(db: Db, p: { tenantId: string; when: LeaverWhen; now: Date }) {
  const today = isoDay(p.now)
  const filters: Record<LeaverWhen, SQL | undefined> = {
    upcoming: and(
      inArray(offboardingCases.state, ['open', 'in_progress']),
      sql`${offboardingCases.dueDate} > ${today}`
    ),
    due: and(
      inArray(offboardingCases.state, ['open', 'in_progress']),
      sql`${offboardingCases.dueDate} = ${today}`
    ),
    overdue: and(
      inArray(offboardingCases.state, ['open', 'in_progress']),
      sql`${offboardingCases.dueDate} < ${today}`
    ),
    done: inArray(offboardingCases.state, ['done']),
    all: undefined,
  }
  const rows = await db
    .select({
      personId: people.id,
      email: people.email,
      name: people.name,
      status: people.status,
      departureDate: people.departureDate,
      source: people.leavingSource,
      caseId: offboardingCases.id,
      state: offboardingCases.state,
      dueDate: offboardingCases.dueDate,
      liveGrants: sql<number>`(select count(*) from ${grants} g where ${theirLiveGrant})`.mapWith(
        Number
      ),
      riskRank:
        sql<number>`(select coalesce(max(case g.risk when 'critical' then 4 when 'high' then 3 when 'medium' then 2 else 1 end), 0) from ${grants} g where ${theirLiveGrant})`.mapWith(
          Number
        ),
      orphanedApps:
        sql<number>`(select count(*) from ${apps} a where a.org_id = ${people.orgId} and a.owner_email in (select ${people.email} union select pa.email from ${personAliases} pa where pa.org_id = ${people.orgId} and pa.person_id = ${people.id}))`.mapWith(
          Number
        ),
    })
    .from(offboardingCases)
    .innerJoin(people, eq(people.id, offboardingCases.personId))
    .where(and(eq(offboardingCases.orgId, p.tenantId), filters[p.when]))
    .orderBy(asc(offboardingCases.dueDate))
    .limit(500)
  return rows.map(({ riskRank, ...row }) => ({
    ...row,
    highestRisk: RISK_BY_RANK[riskRank] ?? null,
  }))
}

/** How many leavers (leaving or left, case not done) still have live grants. */
export async function countLeaversWithLiveGrants(
  db: Db,
  p: { tenantId: string; now: Date }
): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(offboardingCases)
    .innerJoin(people, eq(people.id, offboardingCases.personId))
    .where(
      and(
        eq(offboardingCases.orgId, p.tenantId),
        inArray(offboardingCases.state, ['open', 'in_progress']),
        sql`exists (select 1 from ${grants} g where ${theirLiveGrant})`
      )
    )
  return row?.n ?? 0
}
