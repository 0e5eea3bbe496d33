// The offboarding scheduler: cases whose leaving date has come are claimed (FOR UPDATE SKIP
// LOCKED, so any number of server processes can run it) and moved forward per the org's mode:
// notify (alert), plan (a revocation plan waits for approval), auto (planned and approved).
import { and, eq, inArray, sql } from 'drizzle-orm'
import { offboardingCases, organisations, people } from '../db/schema/index.ts'
import type { Db } from '../db/client.ts'
import { appendAudit } from './audit-chain.ts'
import { isoDay } from './leavers.ts'
import { enqueueAlert } from './webhooks.ts'
import { approvePlan, planRevocation } from './revocation-plans.ts'
import { getOffboardingCase } from './offboarding-case.ts'

export async function advanceDueCases(db: Db, now: Date, limit = 50): Promise<number> {
  const moved = await claimAndMarkDue(db, now, limit)
  // Plans are made after the claim commits: planning reads the case like an admin would.
  for (const c of moved) {
    if (c.mode !== 'plan' && c.mode !== 'auto') continue
    const actor = { orgId: c.orgId, adminId: null }
    const plan = await planRevocation(db, actor, { scope: 'leaver', personId: c.personId }, now)
    // With the second-approver rule on, "auto" waits for a person like "plan" does.
    if (plan.ok && c.mode === 'auto') await approvePlan(db, actor, plan.planId, now)
  }
  return moved.length
}

async function claimAndMarkDue(db: Db, now: Date, limit: number) {
  const today = isoDay(now)
  return db.transaction(async (tx) => {
    const due = await tx
      .select({
        id: offboardingCases.id,
        orgId: offboardingCases.orgId,
        personId: offboardingCases.personId,
        dueDate: offboardingCases.dueDate,
        history: offboardingCases.history,
        mode: organisations.offboardingMode,
        email: people.email,
      })
      .from(offboardingCases)
      .innerJoin(organisations, eq(organisations.id, offboardingCases.orgId))
      .innerJoin(people, eq(people.id, offboardingCases.personId))
      .where(and(eq(offboardingCases.state, 'open'), sql`${offboardingCases.dueDate} <= ${today}`))
      .limit(limit)
      .for('update', { of: offboardingCases, skipLocked: true })
    for (const c of due) {
      const note =
        c.mode === 'notify'
          ? 'leaving date reached: offboarding staff notified'
          : c.mode === 'plan'
            ? 'leaving date reached: revocation planned for approval'
            : 'leaving date reached: revocation planned and approved automatically'
      await tx
        .update(offboardingCases)
        .set({
          state: 'in_progress',
          updatedAt: now,
          history: [...c.history, { at: now.toISOString(), by: 'scheduler', note }],
        })
        .where(eq(offboardingCases.id, c.id))
      await tx
        .update(people)
        .set({ status: 'left', updatedAt: now })
        .where(and(eq(people.id, c.personId), inArray(people.status, ['leaving', 'active'])))
      const data = {
        caseId: c.id,
        personId: c.personId,
        email: c.email,
        dueDate: c.dueDate,
        mode: c.mode,
      }
      await appendAudit(
        tx,
        c.orgId,
        [
          {
            actorType: 'system',
            actorId: null,
            action: 'case.due',
            subjectType: 'offboarding_case',
            subjectId: c.id,
            data,
          },
        ],
        now
      )
      await enqueueAlert(tx, c.orgId, 'leaver.due', data, now)
      // The leaving day came and grants of theirs are still live: the alert that asks for action.
      const kase = await getOffboardingCase(tx, { tenantId: c.orgId, personId: c.personId })
      if (kase && kase.liveGrants > 0)
        await enqueueAlert(
          tx,
          c.orgId,
          'leaver.live_grants',
          {
            caseId: c.id,
            personId: c.personId,
            email: c.email,
            dueDate: c.dueDate,
            liveGrants: kase.liveGrants,
          },
          now
        )
    }
    return due
  })
}
