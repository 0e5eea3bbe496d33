// Revocation plans: a dry run of every grant to revoke (a leaver's, an app's, or a selection),
// approved (by a second admin when the organisation requires it), then run by the workers.
import { and, asc, count, eq, inArray, sql } from 'drizzle-orm'
import {
  apps,
  grants,
  organisations,
  people,
  providerConnections,
  revocationJobs,
  revocationPlans,
} from '../db/schema/index.ts'
import type { Db } from '../db/client.ts'
import { appendAudit, auditByAdmin } from './audit-chain.ts'
/** An admin, or the scheduler (adminId null) acting on the organisation's offboarding mode. */
export interface PlanActor {
  orgId: string
  adminId: string | null
}
import { getOffboardingCase } from './offboarding-case.ts'

export type PlanScope =
  | { scope: 'leaver'; personId: string }
  | { scope: 'app'; appId: string }
  | { scope: 'selection'; grantIds: string[] }

const LIVE = ['active', 'revoke_failed'] as const

export type PlanResult =
  | { ok: true; planId: string; jobs: number; skipped: Array<{ grantId: string; reason: string }> }
  | { ok: false; reason: 'not_found' | 'nothing_to_revoke' }

/** Create the plan and its jobs (state planned). Grants nobody can revoke are listed as skipped. */
export async function planRevocation(
  db: Db,
  actor: PlanActor,
  scope: PlanScope,
  now: Date
): Promise<PlanResult> {
  let candidates: Array<{
    id: string
    provider: string
    account: string
    personEmail: string | null
    /** GitHub's org APIs find a member by login only. */
    githubLogin: string | null
    clientId: string
  }>
  const skipped: Array<{ grantId: string; reason: string }> = []
  if (scope.scope === 'leaver') {
    const kase = await getOffboardingCase(db, { tenantId: actor.orgId, personId: scope.personId })
    if (!kase) return { ok: false, reason: 'not_found' }
    for (const g of kase.followUps)
      skipped.push({ grantId: g.id, reason: g.followUp ?? 'manual follow-up' })
    candidates = kase.toRevoke.map((g) => ({
      id: g.id,
      provider: g.provider,
      account: g.account,
      personEmail: kase.person.email,
      githubLogin: kase.person.githubLogin,
      clientId: g.clientId,
    }))
  } else {
    const where =
      scope.scope === 'app'
        ? eq(grants.appId, scope.appId)
        : inArray(
            grants.id,
            scope.grantIds.length ? scope.grantIds : ['00000000-0000-0000-0000-000000000000']
          )
    candidates = await db
      .select({
        id: grants.id,
        provider: grants.provider,
        account: grants.account,
        personEmail: people.email,
        githubLogin: people.githubLogin,
        clientId: apps.clientId,
      })
      .from(grants)
      .innerJoin(apps, eq(apps.id, grants.appId))
      .leftJoin(people, eq(people.id, grants.personId))
      .where(and(eq(grants.orgId, actor.orgId), where, inArray(grants.status, [...LIVE])))
  }
  const connected = new Set(
    (
      await db
        .select({ provider: providerConnections.provider })
        .from(providerConnections)
        .where(eq(providerConnections.orgId, actor.orgId))
    ).map((c) => c.provider)
  )
  const jobs = candidates.filter((g) => {
    if (!connected.has(g.provider)) {
      skipped.push({
        grantId: g.id,
        reason: `${g.provider} is not connected: connect it under Connections, or revoke by hand`,
      })
      return false
    }
    // A job without the login could only fail: ask for the login instead.
    if (g.provider === 'github' && !g.githubLogin) {
      skipped.push({
        grantId: g.id,
        reason: `No GitHub login known for ${g.personEmail ?? g.account}: add it on the person's page`,
      })
      return false
    }
    return true
  })
  if (jobs.length === 0 && skipped.length === 0) return { ok: false, reason: 'nothing_to_revoke' }
  return db.transaction(async (tx) => {
    const [plan] = await tx
      .insert(revocationPlans)
      .values({
        orgId: actor.orgId,
        scope: scope.scope,
        subjectId:
          scope.scope === 'leaver' ? scope.personId : scope.scope === 'app' ? scope.appId : null,
        state: 'planned',
        createdBy: actor.adminId,
        createdAt: now,
      })
      .returning({ id: revocationPlans.id })
    if (!plan) throw new Error('plan insert returned nothing')
    if (jobs.length) {
      await tx.insert(revocationJobs).values(
        jobs.map((g) => ({
          orgId: actor.orgId,
          planId: plan.id,
          grantId: g.id,
          provider: g.provider,
          userEmail: (g.account.includes('@')
            ? g.account
            : (g.personEmail ?? g.account)
          ).toLowerCase(),
          providerUserId: g.provider === 'github' ? g.githubLogin : null,
          clientId: g.clientId,
          state: 'planned' as const,
          nextAttemptAt: now,
          createdAt: now,
          updatedAt: now,
        }))
      )
    }
    await appendAudit(
      tx,
      actor.orgId,
      [
        {
          actorType: actor.adminId ? 'admin' : 'system',
          actorId: actor.adminId,
          action: 'revocation.planned',
          subjectType: 'revocation_plan',
          subjectId: plan.id,
          data: { scope, jobs: jobs.length, skipped: skipped.length },
        },
      ],
      now
    )
    return { ok: true, planId: plan.id, jobs: jobs.length, skipped } as const
  })
}

export type ApproveResult =
  { ok: true } | { ok: false; reason: 'not_found' | 'not_planned' | 'second_approver_required' }

/** Approve a plan: its jobs become runnable and their grants revocation_pending. */
export async function approvePlan(
  db: Db,
  actor: PlanActor,
  planId: string,
  now: Date
): Promise<ApproveResult> {
  return db.transaction(async (tx) => {
    const [plan] = await tx
      .select()
      .from(revocationPlans)
      .where(and(eq(revocationPlans.id, planId), eq(revocationPlans.orgId, actor.orgId)))
      .for('update')
    if (!plan) return { ok: false, reason: 'not_found' } as const
    if (plan.state !== 'planned') return { ok: false, reason: 'not_planned' } as const
    const [org] = await tx
      .select({ second: organisations.requireSecondApprover })
      .from(organisations)
      .where(eq(organisations.id, actor.orgId))
    // The scheduler never counts as the second person.
    if (org?.second && (actor.adminId === null || plan.createdBy === actor.adminId))
      return { ok: false, reason: 'second_approver_required' } as const
    await tx
      .update(revocationPlans)
      .set({ state: 'approved', approvedBy: actor.adminId, approvedAt: now })
      .where(eq(revocationPlans.id, planId))
    const approved = await tx
      .update(revocationJobs)
      .set({ state: 'approved', nextAttemptAt: now, updatedAt: now })
      .where(and(eq(revocationJobs.planId, planId), eq(revocationJobs.state, 'planned')))
      .returning({ grantId: revocationJobs.grantId })
    if (approved.length) {
      await tx
        .update(grants)
        .set({ status: 'revocation_pending', updatedAt: now })
        .where(
          inArray(
            grants.id,
            approved.map((j) => j.grantId)
          )
        )
    }
    await appendAudit(
      tx,
      actor.orgId,
      [
        {
          actorType: actor.adminId ? 'admin' : 'system',
          actorId: actor.adminId,
          action: 'revocation.approved',
          subjectType: 'revocation_plan',
          subjectId: planId,
          data: { jobs: approved.length, plannedBy: plan.createdBy },
        },
      ],
      now
    )
    return { ok: true } as const
  })
}

/** Put a plan's failed and dead jobs back in the queue ("Retry failed"). */
export async function retryFailed(
  db: Db,
  actor: PlanActor,
  planId: string,
  now: Date
): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(revocationJobs)
      .set({ state: 'approved', attempts: 0, nextAttemptAt: now, updatedAt: now, lastError: null })
      .where(
        and(
          eq(revocationJobs.planId, planId),
          eq(revocationJobs.orgId, actor.orgId),
          inArray(revocationJobs.state, ['failed', 'dead'])
        )
      )
      .returning({ id: revocationJobs.id })
    // Dead jobs are terminal, so their plan may already be done: it runs again. (The worker only
    // updates plans that are approved or running, so a done plan would never move on its own.)
    if (rows.length)
      await tx
        .update(revocationPlans)
        .set({ state: 'running' })
        .where(
          and(
            eq(revocationPlans.id, planId),
            eq(revocationPlans.orgId, actor.orgId),
            eq(revocationPlans.state, 'done')
          )
        )
    if (rows.length)
      await auditByAdmin(
        tx,
        actor,
        {
          action: 'revocation.retried',
          subjectType: 'revocation_plan',
          subjectId: planId,
          data: { jobs: rows.length },
        },
        now
      )
    return rows.length
  })
}

/** A plan with its jobs and the count per state: what the progress view shows. */
export async function getPlan(db: Db, p: { tenantId: string; planId: string }) {
  const [plan] = await db
    .select()
    .from(revocationPlans)
    .where(and(eq(revocationPlans.id, p.planId), eq(revocationPlans.orgId, p.tenantId)))
  if (!plan) return null
  const jobs = await db
    .select({
      id: revocationJobs.id,
      grantId: revocationJobs.grantId,
      provider: revocationJobs.provider,
      userEmail: revocationJobs.userEmail,
      clientId: revocationJobs.clientId,
      appName: apps.name,
      state: revocationJobs.state,
      attempts: revocationJobs.attempts,
      lastStatus: revocationJobs.lastStatus,
      lastRequestId: revocationJobs.lastRequestId,
      lastError: revocationJobs.lastError,
      updatedAt: revocationJobs.updatedAt,
    })
    .from(revocationJobs)
    .innerJoin(grants, eq(grants.id, revocationJobs.grantId))
    .innerJoin(apps, eq(apps.id, grants.appId))
    .where(eq(revocationJobs.planId, p.planId))
    .orderBy(asc(revocationJobs.createdAt))
  const counts: Record<string, number> = {}
  for (const j of jobs) counts[j.state] = (counts[j.state] ?? 0) + 1
  return { plan, counts, jobs }
}

export async function listPlans(db: Db, p: { tenantId: string }) {
  const plans = await db
    .select()
    .from(revocationPlans)
    .where(eq(revocationPlans.orgId, p.tenantId))
    .orderBy(sql`${revocationPlans.createdAt} desc`)
    .limit(200)
  const counts = await db
    .select({ planId: revocationJobs.planId, state: revocationJobs.state, n: count() })
    .from(revocationJobs)
    .where(eq(revocationJobs.orgId, p.tenantId))
    .groupBy(revocationJobs.planId, revocationJobs.state)
  return plans.map((plan) => ({
    ...plan,
    counts: Object.fromEntries(
      counts.filter((c) => c.planId === plan.id).map((c) => [c.state, c.n])
    ),
  }))
}

export type CancelResult = { ok: true } | { ok: false; reason: 'not_found' | 'not_planned' }

/** Drop a plan nobody approved yet (its jobs never ran); approved plans run to their end. */
export async function cancelPlan(
  db: Db,
  actor: PlanActor,
  planId: string,
  now: Date
): Promise<CancelResult> {
  return db.transaction(async (tx) => {
    const [plan] = await tx
      .select({ state: revocationPlans.state })
      .from(revocationPlans)
      .where(and(eq(revocationPlans.id, planId), eq(revocationPlans.orgId, actor.orgId)))
      .for('update')
    if (!plan) return { ok: false, reason: 'not_found' } as const
    if (plan.state !== 'planned') return { ok: false, reason: 'not_planned' } as const
    await tx
      .update(revocationPlans)
      .set({ state: 'cancelled' })
      .where(eq(revocationPlans.id, planId))
    const jobs = await tx
      .update(revocationJobs)
      .set({ state: 'cancelled', updatedAt: now })
      .where(and(eq(revocationJobs.planId, planId), eq(revocationJobs.state, 'planned')))
      .returning({ id: revocationJobs.id })
    await appendAudit(
      tx,
      actor.orgId,
      [
        {
          actorType: actor.adminId ? 'admin' : 'system',
          actorId: actor.adminId,
          action: 'revocation.cancelled',
          subjectType: 'revocation_plan',
          subjectId: planId,
          data: { jobs: jobs.length },
        },
      ],
      now
    )
    return { ok: true } as const
  })
}
