// A leaver's offboarding case as evidence for an auditor: who left, every grant found for them,
// what was revoked and verified, when and by whom, and the audit entries that prove it, each with
// its place and hash in the organisation's chain (POST /api/v1/audit/verify checks them).
import { and, asc, eq, inArray } from 'drizzle-orm'
import { adminUsers, organisations, personAliases, revocationJobs } from '../db/schema/index.ts'
import type { Db } from '../db/client.ts'
import { auditForSubjects } from '../db/queries/audit.ts'
import { verifyAuditChain, type AuditEntry, type VerifyResult } from './audit-chain.ts'
import { plansForLeaver } from './close-case.ts'
import { correlatedGrants, getOffboardingCase } from './offboarding-case.ts'

export const EVIDENCE_FORMAT = 'consentry.offboarding-evidence/v1'

export const HOW_TO_VERIFY = [
  'Each audit entry is hashed as sha256(prevHash + "\\n" + canonical JSON of the entry without prevHash and hash),',
  'where canonical JSON sorts object keys at every level; an entry’s prevHash is the hash of the entry before it (seq - 1).',
  'Recompute every hash below, then send { "entries": [{ "seq", "hash" }] } to POST /api/v1/audit/verify:',
  'it re-verifies the whole chain and answers, per entry, whether the chain holds that hash at that seq.',
].join(' ')

export interface CaseEvidence {
  format: typeof EVIDENCE_FORMAT
  generatedAt: string
  generatedBy: { adminId: string; email: string | null }
  organisation: { id: string; name: string }
  person: {
    id: string
    email: string
    name: string | null
    status: string
    departureDate: string | null
    source: string | null
    managerEmail: string | null
    successorEmail: string | null
    aliases: string[]
  }
  case: {
    id: string
    state: string
    dueDate: string
    openedAt: string
    closedAt: string | null
    closedBy: string | null
    closeNote: string | null
    history: Array<{ at: string; by: string; note: string }>
  } | null
  summary: { grants: number; verified: number; stillLive: number; failed: number }
  grants: Array<{
    id: string
    app: string
    clientId: string
    provider: string
    account: string
    scopes: string[]
    risk: string
    status: string
    firstSeenAt: string
    lastSeenAt: string
    followUp: string | null
    revocation: {
      jobId: string
      planId: string
      state: string
      attempts: number
      providerStatus: number | null
      providerRequestId: string | null
      error: string | null
      updatedAt: string
    } | null
  }>
  plans: Array<{
    id: string
    state: string
    createdAt: string
    plannedBy: string | null
    approvedBy: string | null
    approvedAt: string | null
    counts: Record<string, number>
  }>
  audit: { howToVerify: string; chain: VerifyResult; entries: AuditEntry[] }
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString())

export async function buildCaseEvidence(
  db: Db,
  p: { tenantId: string; personId: string; adminId: string; now: Date }
): Promise<CaseEvidence | null> {
  const kase = await getOffboardingCase(db, { tenantId: p.tenantId, personId: p.personId })
  if (!kase) return null
  const [org] = await db
    .select({ id: organisations.id, name: organisations.name })
    .from(organisations)
    .where(eq(organisations.id, p.tenantId))
  const aliases = await db
    .select({ email: personAliases.email })
    .from(personAliases)
    .where(and(eq(personAliases.orgId, p.tenantId), eq(personAliases.personId, p.personId)))
  // Every grant ever correlated with the person, revoked ones included: that is the record.
  const all = await correlatedGrants(
    db,
    p.tenantId,
    p.personId,
    [kase.person.email, ...aliases.map((a) => a.email)],
    ['active', 'revocation_pending', 'revoke_failed', 'revoked']
  )
  const followUps = new Map(kase.followUps.map((g) => [g.id, g.followUp]))
  const jobs = all.length
    ? await db
        .select()
        .from(revocationJobs)
        .where(
          and(
            eq(revocationJobs.orgId, p.tenantId),
            inArray(
              revocationJobs.grantId,
              all.map((g) => g.id)
            )
          )
        )
        .orderBy(asc(revocationJobs.createdAt))
    : []
  const latestJob = new Map(jobs.map((j) => [j.grantId, j]))
  const plans = await plansForLeaver(db, { tenantId: p.tenantId, personId: p.personId })
  const adminIds = [
    p.adminId,
    ...plans.flatMap((plan) => [plan.createdBy, plan.approvedBy]),
    kase.case?.closedBy ?? null,
  ].filter((id): id is string => Boolean(id))
  const admins = new Map(
    (
      await db
        .select({ id: adminUsers.id, email: adminUsers.email })
        .from(adminUsers)
        .where(inArray(adminUsers.id, adminIds))
    ).map((a) => [a.id, a.email])
  )
  const who = (id: string | null) => (id ? (admins.get(id) ?? id) : null)
  const subjectIds = [
    p.personId,
    ...(kase.case ? [kase.case.id] : []),
    ...all.map((g) => g.id),
    ...plans.map((plan) => plan.id),
  ]
  const entries = await auditForSubjects(db, { tenantId: p.tenantId, subjectIds })
  const grantsOut = all.map((g) => {
    const job = latestJob.get(g.id)
    return {
      id: g.id,
      app: g.appName ?? g.clientId,
      clientId: g.clientId,
      provider: g.provider,
      account: g.account,
      scopes: g.scopes,
      risk: g.risk,
      status: g.status,
      firstSeenAt: iso(g.firstSeenAt)!,
      lastSeenAt: iso(g.lastSeenAt)!,
      followUp: followUps.get(g.id) ?? null,
      revocation: job
        ? {
            jobId: job.id,
            planId: job.planId,
            state: job.state,
            attempts: job.attempts,
            providerStatus: job.lastStatus,
            providerRequestId: job.lastRequestId,
            error: job.lastError,
            updatedAt: iso(job.updatedAt)!,
          }
        : null,
    }
  })
  return {
    format: EVIDENCE_FORMAT,
    generatedAt: p.now.toISOString(),
    generatedBy: { adminId: p.adminId, email: admins.get(p.adminId) ?? null },
    organisation: { id: p.tenantId, name: org?.name ?? '' },
    person: {
      id: kase.person.id,
      email: kase.person.email,
      name: kase.person.name,
      status: kase.person.status,
      departureDate: kase.person.departureDate,
      source: kase.person.source,
      managerEmail: kase.person.managerEmail,
      successorEmail: kase.person.successorEmail,
      aliases: kase.person.aliases,
    },
    case: kase.case
      ? {
          id: kase.case.id,
          state: kase.case.state,
          dueDate: kase.case.dueDate,
          openedAt: iso(kase.case.createdAt)!,
          closedAt: iso(kase.case.closedAt),
          closedBy: who(kase.case.closedBy),
          closeNote: kase.case.closeNote,
          history: kase.case.history,
        }
      : null,
    summary: {
      grants: grantsOut.length,
      verified: grantsOut.filter((g) => g.revocation?.state === 'verified').length,
      stillLive: grantsOut.filter((g) => g.status !== 'revoked').length,
      failed: grantsOut.filter((g) => ['failed', 'dead'].includes(g.revocation?.state ?? ''))
        .length,
    },
    grants: grantsOut,
    plans: plans.map((plan) => ({
      id: plan.id,
      state: plan.state,
      createdAt: iso(plan.createdAt)!,
      plannedBy: who(plan.createdBy),
      approvedBy: who(plan.approvedBy),
      approvedAt: iso(plan.approvedAt),
      counts: plan.counts,
    })),
    audit: {
      howToVerify: HOW_TO_VERIFY,
      chain: await verifyAuditChain(db, p.tenantId),
      entries,
    },
  }
}
