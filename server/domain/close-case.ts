// Closing a leaver's offboarding case: by an admin once nothing is in flight (with a note saying
// how what is still live was accounted for), or by the scheduler once the leaving day has passed
// and every grant is verified revoked.
import { and, count, desc, eq, inArray, lte, sql } from 'drizzle-orm'
import { offboardingCases, revocationJobs, revocationPlans } from '../db/schema/index.ts'
import type { Db } from '../db/client.ts'
import { appendAudit } from './audit-chain.ts'
import type { Actor } from './enrollment.ts'
import { isoDay } from './leavers.ts'
import { getOffboardingCase } from './offboarding-case.ts'

/** Jobs that may still change a grant: closing now would hide their outcome. */
const IN_FLIGHT = ['approved', 'running', 'revoked'] as const

/** The revocation plans made for a leaver, newest first, with their job counts per state. */
export async function plansForLeaver(db: Db, p: { tenantId: string; personId: string }) {
  const plans = await db
    .select({
      id: revocationPlans.id,
      scope: revocationPlans.scope,
      state: revocationPlans.state,
      createdAt: revocationPlans.createdAt,
      createdBy: revocationPlans.createdBy,
      approvedBy: revocationPlans.approvedBy,
      approvedAt: revocationPlans.approvedAt,
    })
    .from(revocationPlans)
    .where(
      and(
        eq(revocationPlans.orgId, p.tenantId),
        eq(revocationPlans.scope, 'leaver'),
        eq(revocationPlans.subjectId, p.personId)
      )
    )
    .orderBy(desc(revocationPlans.createdAt))
  if (plans.length === 0) return []
  const counts = await db
    .select({ planId: revocationJobs.planId, state: revocationJobs.state, n: count() })
    .from(revocationJobs)
    .where(
      inArray(
        revocationJobs.planId,
        plans.map((plan) => plan.id)
      )
    )
    .groupBy(revocationJobs.planId, revocationJobs.state)
  return plans.map((plan) => ({
    ...plan,
    counts: Object.fromEntries(
      counts.filter((c) => c.planId === plan.id).map((c) => [c.state, c.n])
    ) as Record<string, number>,
  }))
}

export type LeaverPlan = Awaited<ReturnType<typeof plansForLeaver>>[number]

export interface Closability {
  ok: boolean
  /** Why it cannot close, or what the closing note must account for. */
  reason: string | null
  /** Closing is allowed but only with a note: grants are still live (follow-ups, skipped). */
  needsNote: boolean
}

type Case = NonNullable<Awaited<ReturnType<typeof getOffboardingCase>>>

export function closability(kase: Case, plans: LeaverPlan[]): Closability {
  if (!kase.case)
    return { ok: false, reason: 'This person has no offboarding case', needsNote: false }
  if (kase.case.state === 'done' || kase.case.state === 'cancelled')
    return { ok: false, reason: `The case is already ${kase.case.state}`, needsNote: false }
  const inFlight = plans.reduce(
    (sum, plan) => sum + IN_FLIGHT.reduce((n, state) => n + (plan.counts[state] ?? 0), 0),
    0
  )
  if (inFlight > 0)
    return {
      ok: false,
      reason: `${inFlight} revocation${inFlight === 1 ? ' is' : 's are'} still running: wait for them to finish`,
      needsNote: false,
    }
  if (kase.liveGrants > 0)
    return {
      ok: true,
      reason: `${kase.liveGrants} grant${kase.liveGrants === 1 ? ' is' : 's are'} still live: say in a note how ${kase.liveGrants === 1 ? 'it was' : 'they were'} accounted for`,
      needsNote: true,
    }
  return { ok: true, reason: null, needsNote: false }
}

export type CloseResult =
  | { ok: true }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'not_closable'; message: string }

/** An admin closes a case. Plans nobody approved are cancelled with it. */
export async function closeCase(
  db: Db,
  actor: Actor,
  input: { personId: string; note: string | null },
  now: Date
): Promise<CloseResult> {
  const kase = await getOffboardingCase(db, { tenantId: actor.orgId, personId: input.personId })
  if (!kase) return { ok: false, reason: 'not_found' }
  const plans = await plansForLeaver(db, { tenantId: actor.orgId, personId: input.personId })
  const can = closability(kase, plans)
  if (!can.ok) return { ok: false, reason: 'not_closable', message: can.reason ?? 'Cannot close' }
  if (can.needsNote && !input.note?.trim())
    return { ok: false, reason: 'not_closable', message: can.reason ?? 'A note is required' }
  const caseId = kase.case!.id
  return db.transaction(async (tx) => {
    const closed = await tx
      .update(offboardingCases)
      .set({
        state: 'done',
        closedAt: now,
        closedBy: actor.adminId,
        closeNote: input.note?.trim() || null,
        updatedAt: now,
        history: sql`${offboardingCases.history} || ${JSON.stringify([
          {
            at: now.toISOString(),
            by: `admin:${actor.adminId}`,
            note: input.note?.trim() || 'Case closed',
          },
        ])}::jsonb`,
      })
      .where(
        and(
          eq(offboardingCases.id, caseId),
          inArray(offboardingCases.state, ['open', 'in_progress'])
        )
      )
      .returning({ id: offboardingCases.id })
    if (closed.length === 0)
      return {
        ok: false,
        reason: 'not_closable',
        message: 'The case was closed meanwhile',
      } as const
    const unapproved = plans.filter((plan) => plan.state === 'planned').map((plan) => plan.id)
    if (unapproved.length) {
      await tx
        .update(revocationPlans)
        .set({ state: 'cancelled' })
        .where(and(inArray(revocationPlans.id, unapproved), eq(revocationPlans.state, 'planned')))
      await tx
        .update(revocationJobs)
        .set({ state: 'cancelled', updatedAt: now })
        .where(and(inArray(revocationJobs.planId, unapproved), eq(revocationJobs.state, 'planned')))
    }
    await appendAudit(
      tx,
      actor.orgId,
      [
        {
          actorType: 'admin',
          actorId: actor.adminId,
          action: 'case.closed',
          subjectType: 'offboarding_case',
          subjectId: caseId,
          data: {
            personId: input.personId,
            email: kase.person.email,
            note: input.note?.trim() || null,
            liveGrants: [...kase.toRevoke, ...kase.followUps].map((g) => ({
              grantId: g.id,
              provider: g.provider,
              app: g.appName,
              reason: g.followUp,
            })),
            cancelledPlans: unapproved,
          },
        },
      ],
      now
    )
    return { ok: true } as const
  })
}

/**
 * The scheduler closes cases whose leaving day has come once nothing of the leaver is live and no
 * revocation is in flight. Returns how many it closed.
 */
export async function closeSettledCases(db: Db, now: Date, limit = 200): Promise<number> {
  const due = await db
    .select({
      id: offboardingCases.id,
      orgId: offboardingCases.orgId,
      personId: offboardingCases.personId,
    })
    .from(offboardingCases)
    .where(
      and(eq(offboardingCases.state, 'in_progress'), lte(offboardingCases.dueDate, isoDay(now)))
    )
    .limit(limit)
  let closed = 0
  for (const row of due) {
    const kase = await getOffboardingCase(db, { tenantId: row.orgId, personId: row.personId })
    if (!kase) continue
    const plans = await plansForLeaver(db, { tenantId: row.orgId, personId: row.personId })
    const can = closability(kase, plans)
    if (!can.ok || can.needsNote) continue
    const verified = plans.reduce((n, plan) => n + (plan.counts.verified ?? 0), 0)
    const note =
      verified > 0
        ? `Every grant verified revoked (${verified}); case closed`
        : 'No live grants on the leaving day; case closed'
    const done = await db.transaction(async (tx) => {
      const updated = await tx
        .update(offboardingCases)
        .set({
          state: 'done',
          closedAt: now,
          updatedAt: now,
          history: sql`${offboardingCases.history} || ${JSON.stringify([
            { at: now.toISOString(), by: 'scheduler', note },
          ])}::jsonb`,
        })
        .where(and(eq(offboardingCases.id, row.id), eq(offboardingCases.state, 'in_progress')))
        .returning({ id: offboardingCases.id })
      if (updated.length === 0) return false
      await appendAudit(
        tx,
        row.orgId,
        [
          {
            actorType: 'system',
            actorId: null,
            action: 'case.closed',
            subjectType: 'offboarding_case',
            subjectId: row.id,
            data: { personId: row.personId, email: kase.person.email, note, verified },
          },
        ],
        now
      )
      return true
    })
    if (done) closed += 1
  }
  return closed
}
