// App governance: sanctioning an app (owner, purpose, expiry) and noticing expired sanctions.
import { and, eq, isNotNull, isNull, lt } from 'drizzle-orm'
import { apps } from '../db/schema/index.ts'
import type { Db, Transaction } from '../db/client.ts'
import { appendAudit, auditByAdmin } from './audit-chain.ts'
import type { Actor } from './enrollment.ts'
import { enqueueAlert } from './webhooks.ts'

export interface Sanction {
  sanctioned: boolean
  ownerEmail: string | null
  purpose: string | null
  expiresAt: string | null
}

export async function sanctionAppIn(
  tx: Transaction,
  actor: Actor,
  appId: string,
  input: Sanction,
  now: Date
): Promise<boolean> {
  const [row] = await tx
    .update(apps)
    .set({
      sanctioned: input.sanctioned,
      ownerEmail: input.sanctioned ? (input.ownerEmail?.toLowerCase() ?? null) : null,
      purpose: input.sanctioned ? input.purpose : null,
      sanctionExpiresAt: input.sanctioned && input.expiresAt ? new Date(input.expiresAt) : null,
      sanctionExpiryAlertedAt: null,
    })
    .where(and(eq(apps.id, appId), eq(apps.orgId, actor.orgId)))
    .returning({ id: apps.id })
  if (!row) return false
  await auditByAdmin(
    tx,
    actor,
    {
      action: input.sanctioned ? 'app.sanctioned' : 'app.unsanctioned',
      subjectType: 'app',
      subjectId: appId,
      data: { ...input },
    },
    now
  )
  return true
}

export function sanctionApp(
  db: Db,
  actor: Actor,
  appId: string,
  input: Sanction,
  now: Date
): Promise<boolean> {
  return db.transaction((tx) => sanctionAppIn(tx, actor, appId, input, now))
}

/**
 * Sanctions past their expiry: each is claimed once (alerted_at set atomically, so several
 * processes never alert twice), audited and sent to the webhooks.
 */
export async function alertExpiredSanctions(db: Db, now: Date): Promise<number> {
  return db.transaction(async (tx) => {
    const expired = await tx
      .update(apps)
      .set({ sanctionExpiryAlertedAt: now })
      .where(
        and(
          eq(apps.sanctioned, true),
          isNotNull(apps.sanctionExpiresAt),
          lt(apps.sanctionExpiresAt, now),
          isNull(apps.sanctionExpiryAlertedAt)
        )
      )
      .returning({
        id: apps.id,
        orgId: apps.orgId,
        name: apps.name,
        clientId: apps.clientId,
        provider: apps.provider,
        ownerEmail: apps.ownerEmail,
        expiresAt: apps.sanctionExpiresAt,
      })
    for (const app of expired) {
      const data = {
        appId: app.id,
        appName: app.name,
        clientId: app.clientId,
        provider: app.provider,
        ownerEmail: app.ownerEmail,
        expiresAt: app.expiresAt?.toISOString() ?? null,
      }
      await appendAudit(
        tx,
        app.orgId,
        [
          {
            actorType: 'system',
            actorId: null,
            action: 'app.sanction_expired',
            subjectType: 'app',
            subjectId: app.id,
            data,
          },
        ],
        now
      )
      await enqueueAlert(tx, app.orgId, 'sanction.expired', data, now)
    }
    return expired.length
  })
}
