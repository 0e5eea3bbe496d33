// The organisation's consent policy: read with a content ETag, changed by admins, audited.
import { createHash } from 'node:crypto'
import { and, eq, isNull, or } from 'drizzle-orm'
import { DEFAULT_RISK_POLICY, type Policy, type RiskPolicy } from '../../shared/api/policy.ts'
import type { PolicyAction } from '../../shared/api/events.ts'
import { appPolicies, apps, riskPolicies } from '../db/schema/index.ts'
import type { Db } from '../db/client.ts'
import { auditByAdmin, canonicalJson } from './audit-chain.ts'
import type { Actor } from './enrollment.ts'

/**
 * The policy for an organisation; with `personId`, as one employee's devices see it: rules for
 * everyone, overridden by exceptions approved for that person.
 */
export async function getPolicy(
  db: Db,
  orgId: string,
  personId: string | null = null
): Promise<{ policy: Policy; etag: string }> {
  const risks = await db.select().from(riskPolicies).where(eq(riskPolicies.orgId, orgId))
  const appRules = await db
    .select({
      provider: apps.provider,
      clientId: apps.clientId,
      action: appPolicies.action,
      updatedAt: appPolicies.updatedAt,
      personId: appPolicies.personId,
    })
    .from(appPolicies)
    .innerJoin(apps, eq(apps.id, appPolicies.appId))
    .where(
      and(
        eq(appPolicies.orgId, orgId),
        personId
          ? or(isNull(appPolicies.personId), eq(appPolicies.personId, personId))
          : isNull(appPolicies.personId)
      )
    )
    .orderBy(apps.provider, apps.clientId)
  // A person's exception wins over the rule for everyone.
  const byApp = new Map<string, (typeof appRules)[number]>()
  for (const rule of appRules) {
    const key = `${rule.provider}\u0000${rule.clientId}`
    if (!byApp.has(key) || rule.personId) byApp.set(key, rule)
  }
  const byRisk: RiskPolicy = { ...DEFAULT_RISK_POLICY }
  for (const r of risks) if (r.risk in byRisk) byRisk[r.risk as keyof RiskPolicy] = r.action
  const times = [...risks.map((r) => r.updatedAt), ...appRules.map((r) => r.updatedAt)].map((d) =>
    d.getTime()
  )
  const policy: Policy = {
    byRisk,
    apps: [...byApp.values()].map(({ provider, clientId, action }) => ({
      provider,
      clientId,
      action,
    })),
    updatedAt: times.length ? new Date(Math.max(...times)).toISOString() : null,
  }
  const etag = `"${createHash('sha256').update(canonicalJson(policy)).digest('base64url').slice(0, 27)}"`
  return { policy, etag }
}

export async function setRiskPolicy(
  db: Db,
  actor: Actor,
  byRisk: RiskPolicy,
  now: Date
): Promise<void> {
  await db.transaction(async (tx) => {
    for (const [risk, action] of Object.entries(byRisk)) {
      await tx
        .insert(riskPolicies)
        .values({ orgId: actor.orgId, risk, action, updatedAt: now })
        .onConflictDoUpdate({
          target: [riskPolicies.orgId, riskPolicies.risk],
          set: { action, updatedAt: now },
        })
    }
    await auditByAdmin(
      tx,
      actor,
      { action: 'policy.risk_changed', subjectType: 'policy', subjectId: null, data: { byRisk } },
      now
    )
  })
}

/** Set (or, with null, clear) the policy of one app; false when the app is not this org's. */
export async function setAppPolicy(
  db: Db,
  actor: Actor,
  appId: string,
  action: PolicyAction | null,
  now: Date
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [app] = await tx
      .select({ id: apps.id })
      .from(apps)
      .where(and(eq(apps.id, appId), eq(apps.orgId, actor.orgId)))
    if (!app) return false
    if (action === null) {
      await tx
        .delete(appPolicies)
        .where(
          and(
            eq(appPolicies.orgId, actor.orgId),
            eq(appPolicies.appId, appId),
            isNull(appPolicies.personId)
          )
        )
    } else {
      await tx
        .insert(appPolicies)
        .values({ orgId: actor.orgId, appId, action, updatedAt: now })
        .onConflictDoUpdate({
          target: [appPolicies.orgId, appPolicies.appId, appPolicies.personId],
          set: { action, updatedAt: now },
        })
    }
    await auditByAdmin(
      tx,
      actor,
      { action: 'policy.app_changed', subjectType: 'app', subjectId: appId, data: { action } },
      now
    )
    return true
  })
}
