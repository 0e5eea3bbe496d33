// Employees' approval requests: listed for admins, approved (sanction + policy opened for the
// requester or everyone) or denied with a reason; the employee sees the answer in the extension.
import { and, desc, eq, type SQL } from 'drizzle-orm'
import { classifyConsent } from '../../shared/consent/classify-consent.ts'
import { AI_TOOLS } from '../../shared/catalog/ai-tools.ts'
import { adminUsers, appPolicies, approvalRequests, apps, people } from '../db/schema/index.ts'
import type { Db } from '../db/client.ts'
import { appendAudit, auditByAdmin } from './audit-chain.ts'
import { sanctionAppIn } from './apps.ts'
import type { Actor } from './enrollment.ts'

export type RequestStatus = 'open' | 'approved' | 'denied'

export async function listApprovalRequests(
  db: Db,
  p: { tenantId: string; status?: RequestStatus; personId?: string | null; deviceId?: string }
) {
  const where: SQL[] = [eq(approvalRequests.orgId, p.tenantId)]
  if (p.status) where.push(eq(approvalRequests.status, p.status))
  if (p.personId) where.push(eq(approvalRequests.personId, p.personId))
  else if (p.deviceId) where.push(eq(approvalRequests.deviceId, p.deviceId))
  return db
    .select({
      id: approvalRequests.id,
      personId: approvalRequests.personId,
      personEmail: people.email,
      provider: approvalRequests.provider,
      clientId: approvalRequests.clientId,
      appName: approvalRequests.appName,
      appId: apps.id,
      scopes: approvalRequests.scopes,
      reason: approvalRequests.reason,
      status: approvalRequests.status,
      createdAt: approvalRequests.createdAt,
      decidedAt: approvalRequests.decidedAt,
      decidedBy: adminUsers.email,
      decisionNote: approvalRequests.decisionNote,
    })
    .from(approvalRequests)
    .leftJoin(people, eq(people.id, approvalRequests.personId))
    .leftJoin(
      apps,
      and(
        eq(apps.orgId, approvalRequests.orgId),
        eq(apps.provider, approvalRequests.provider),
        eq(apps.clientId, approvalRequests.clientId)
      )
    )
    .leftJoin(adminUsers, eq(adminUsers.id, approvalRequests.decidedBy))
    .where(and(...where))
    .orderBy(desc(approvalRequests.createdAt))
    .limit(500)
}

export type DecisionResult = { ok: true } | { ok: false; reason: 'not_found' | 'already_decided' }

export async function approveRequest(
  db: Db,
  actor: Actor,
  id: string,
  input: {
    ownerEmail: string
    purpose: string
    expiresAt: string | null
    scope: 'requester' | 'everyone'
  },
  now: Date
): Promise<DecisionResult> {
  return db.transaction(async (tx) => {
    const [request] = await tx
      .select()
      .from(approvalRequests)
      .where(and(eq(approvalRequests.id, id), eq(approvalRequests.orgId, actor.orgId)))
      .for('update')
    if (!request) return { ok: false, reason: 'not_found' } as const
    if (request.status !== 'open') return { ok: false, reason: 'already_decided' } as const
    // The app may never have been granted (it was blocked): record it now.
    const [existing] = await tx
      .select({ id: apps.id })
      .from(apps)
      .where(
        and(
          eq(apps.orgId, actor.orgId),
          eq(apps.provider, request.provider),
          eq(apps.clientId, request.clientId)
        )
      )
    let appId = existing?.id
    if (!appId) {
      const match = classifyConsent({
        provider: request.provider as 'other',
        kind: 'consent',
        host: '',
        endpoint: '',
        clientId: request.clientId,
        appSlug: null,
        redirectUri: null,
        redirectHost: null,
        responseType: null,
        scopes: request.scopes,
        userScopes: [],
        optionalScopes: [],
        tenant: null,
        audience: null,
        loginHint: null,
        offlineAccess: false,
        prompt: null,
        pkce: null,
        incrementalAuth: false,
        nested: false,
      }).app
      // The request named the app as the catalog knew it at the time; keep that, AI flag included.
      const tool = AI_TOOLS.find((t) => t.name === request.appName) ?? null
      const [created] = await tx
        .insert(apps)
        .values({
          orgId: actor.orgId,
          provider: request.provider,
          clientId: request.clientId,
          name: request.appName ?? match.name,
          vendor: tool?.vendor ?? match.vendor,
          toolId: tool?.id ?? match.toolId,
          isAi: tool !== null || match.isAi,
          category: tool?.category ?? match.category,
          firstSeenAt: request.createdAt,
          lastSeenAt: request.createdAt,
        })
        .returning({ id: apps.id })
      appId = created?.id
    }
    if (!appId) throw new Error('app insert returned nothing')
    await sanctionAppIn(
      tx,
      actor,
      appId,
      {
        sanctioned: true,
        ownerEmail: input.ownerEmail,
        purpose: input.purpose,
        expiresAt: input.expiresAt,
      },
      now
    )
    const personId = input.scope === 'requester' ? request.personId : null
    await tx
      .insert(appPolicies)
      .values({ orgId: actor.orgId, appId, personId, action: 'allow', updatedAt: now })
      .onConflictDoUpdate({
        target: [appPolicies.orgId, appPolicies.appId, appPolicies.personId],
        set: { action: 'allow', updatedAt: now },
      })
    await tx
      .update(approvalRequests)
      .set({
        status: 'approved',
        decidedAt: now,
        decidedBy: actor.adminId,
        decisionNote: input.purpose,
      })
      .where(eq(approvalRequests.id, id))
    await appendAudit(
      tx,
      actor.orgId,
      [
        {
          actorType: 'admin',
          actorId: actor.adminId,
          action: 'approval.approved',
          subjectType: 'approval_request',
          subjectId: id,
          data: {
            appId,
            scope: input.scope,
            personId,
            ownerEmail: input.ownerEmail,
            expiresAt: input.expiresAt,
          },
        },
      ],
      now
    )
    return { ok: true } as const
  })
}

export async function denyRequest(
  db: Db,
  actor: Actor,
  id: string,
  reason: string,
  now: Date
): Promise<DecisionResult> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(approvalRequests)
      .set({ status: 'denied', decidedAt: now, decidedBy: actor.adminId, decisionNote: reason })
      .where(
        and(
          eq(approvalRequests.id, id),
          eq(approvalRequests.orgId, actor.orgId),
          eq(approvalRequests.status, 'open')
        )
      )
      .returning({ id: approvalRequests.id })
    if (!row) {
      const [exists] = await tx
        .select({ id: approvalRequests.id })
        .from(approvalRequests)
        .where(and(eq(approvalRequests.id, id), eq(approvalRequests.orgId, actor.orgId)))
      return { ok: false, reason: exists ? 'already_decided' : 'not_found' } as const
    }
    await auditByAdmin(
      tx,
      actor,
      {
        action: 'approval.denied',
        subjectType: 'approval_request',
        subjectId: id,
        data: { reason },
      },
      now
    )
    return { ok: true } as const
  })
}
