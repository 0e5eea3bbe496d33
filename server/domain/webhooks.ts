// Alerts to outgoing webhooks: subscriptions, a delivery queue claimed with SKIP LOCKED by any
// process, HMAC-signed JSON or Slack's incoming-webhook text, retried with backoff, logged.
import { createHmac, randomBytes } from 'node:crypto'
import { and, desc, eq, isNull, sql } from 'drizzle-orm'
import { webhookDeliveries, webhooks } from '../db/schema/index.ts'
import type { Db, Tx } from '../db/client.ts'
import type { Logger } from '../deps.ts'
import { auditByAdmin } from './audit-chain.ts'
import type { Actor } from './enrollment.ts'
import type { SecretBox } from './secret-box.ts'

export { ALERT_EVENTS, type AlertEvent } from '../../shared/api/governance.ts'
import type { AlertEvent } from '../../shared/api/governance.ts'
import { stampOnce } from './stamp-once.ts'
export const MAX_ATTEMPTS = 8
const LEASE_MS = 60_000

export async function createWebhook(
  db: Db,
  actor: Actor,
  input: { url: string; format: 'json' | 'slack'; events: AlertEvent[] },
  secretBox: SecretBox,
  now: Date
): Promise<{ id: string; secret: string | null }> {
  const secret = input.format === 'json' ? `whsec_${randomBytes(24).toString('base64url')}` : null
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(webhooks)
      .values({
        orgId: actor.orgId,
        url: input.url,
        format: input.format,
        events: input.events,
        secretCiphertext: secret ? secretBox.seal(secret) : null,
        createdAt: now,
      })
      .returning({ id: webhooks.id })
    if (!row) throw new Error('webhook insert returned nothing')
    await auditByAdmin(
      tx,
      actor,
      {
        action: 'webhook.created',
        subjectType: 'webhook',
        subjectId: row.id,
        data: { url: input.url, format: input.format, events: input.events },
      },
      now
    )
    return { id: row.id, secret }
  })
}

export function disableWebhook(db: Db, actor: Actor, id: string, now: Date): Promise<boolean> {
  return stampOnce(
    db,
    actor,
    {
      table: webhooks,
      id: webhooks.id,
      orgId: webhooks.orgId,
      stamp: webhooks.disabledAt,
      set: { disabledAt: now },
    },
    id,
    { action: 'webhook.disabled', subjectType: 'webhook' },
    now
  )
}

export function listWebhooks(db: Db, orgId: string) {
  return db
    .select({
      id: webhooks.id,
      url: webhooks.url,
      format: webhooks.format,
      events: webhooks.events,
      createdAt: webhooks.createdAt,
      disabledAt: webhooks.disabledAt,
    })
    .from(webhooks)
    .where(eq(webhooks.orgId, orgId))
    .orderBy(desc(webhooks.createdAt))
}

export async function listDeliveries(db: Db, orgId: string, webhookId: string) {
  return db
    .select({
      id: webhookDeliveries.id,
      event: webhookDeliveries.event,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      lastStatus: webhookDeliveries.lastStatus,
      lastError: webhookDeliveries.lastError,
      createdAt: webhookDeliveries.createdAt,
      deliveredAt: webhookDeliveries.deliveredAt,
    })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.orgId, orgId), eq(webhookDeliveries.webhookId, webhookId)))
    .orderBy(desc(webhookDeliveries.createdAt))
    .limit(200)
}

/** Queue an alert for every enabled webhook of the organisation subscribed to it (same transaction). */
export async function enqueueAlert(
  tx: Tx,
  orgId: string,
  event: AlertEvent,
  data: Record<string, unknown>,
  now: Date
): Promise<number> {
  const subscribers = await tx
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(
      and(
        eq(webhooks.orgId, orgId),
        isNull(webhooks.disabledAt),
        sql`${webhooks.events} @> ${JSON.stringify([event])}::jsonb`
      )
    )
  if (subscribers.length === 0) return 0
  await tx.insert(webhookDeliveries).values(
    subscribers.map((w) => ({
      orgId,
      webhookId: w.id,
      event,
      payload: { event, orgId, at: now.toISOString(), data },
      status: 'pending',
      nextAttemptAt: now,
      createdAt: now,
    }))
  )
  return subscribers.length
}

function slackText(event: string, data: Record<string, unknown>): string {
  const d = data as Record<string, string | null | undefined>
  switch (event) {
    case 'grant.high_risk':
      return `:warning: ${d.personEmail ?? 'Someone'} granted ${d.appName ?? d.clientId} (${d.provider}) ${d.risk}-risk access`
    case 'sanction.expired':
      return `:hourglass: The sanction of ${d.appName ?? d.clientId} expired (owner: ${d.ownerEmail ?? 'none'})`
    case 'leaver.due':
      return `:wave: ${d.email ?? 'A leaver'} leaves on ${d.dueDate ?? 'today'}: open their offboarding case`
    case 'leaver.live_grants':
      return `:rotating_light: ${d.email ?? 'A leaver'} left on ${d.dueDate ?? 'today'} and ${d.liveGrants ?? 'some'} AI grants of theirs are still live`
    case 'revocation.failed':
    case 'revocation.dead':
      return `:x: Revoking ${d.appName ?? d.clientId} (${d.provider}) for ${d.userEmail ?? 'a user'} ${event === 'revocation.dead' ? 'gave up after every attempt' : 'failed'}: ${d.error ?? 'no reason given'}`
    case 'grant.reappeared':
      return `:repeat: ${d.appName ?? d.clientId} (${d.provider}) is back for ${d.userEmail ?? 'a user'} after it was revoked`
    case 'approval.requested':
      return `:raising_hand: ${d.personEmail ?? 'An employee'} asks to use ${d.appName ?? d.clientId}: "${d.reason ?? ''}"`
    default:
      return `Consentry: ${event}`
  }
}

/** Signature header value: sha256=HMAC(secret, "<timestamp>.<body>"). */
export function signPayload(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

export function retryDelayMs(attempts: number): number {
  return Math.min(6 * 3_600_000, 30_000 * 2 ** Math.max(0, attempts - 1))
}

export interface DeliveryDeps {
  db: Db
  fetch: typeof fetch
  secretBox: SecretBox
  clock: () => Date
  log: Logger
}

/** Deliver what is due. Rows are claimed (leased) in one statement, so processes share the work. */
export async function deliverDueAlerts(deps: DeliveryDeps, limit = 20): Promise<number> {
  const now = deps.clock()
  const claimed = await deps.db
    .update(webhookDeliveries)
    .set({
      attempts: sql`${webhookDeliveries.attempts} + 1`,
      nextAttemptAt: new Date(now.getTime() + LEASE_MS),
    })
    .where(
      sql`${webhookDeliveries.id} in (
        select id from webhook_deliveries
        where status in ('pending', 'failed') and next_attempt_at <= ${now.toISOString()}::timestamptz
        order by next_attempt_at
        limit ${limit}
        for update skip locked)`
    )
    .returning()
  for (const delivery of claimed) {
    const [hook] = await deps.db.select().from(webhooks).where(eq(webhooks.id, delivery.webhookId))
    let status: number | null = null
    let error: string | null = null
    if (!hook || hook.disabledAt) {
      error = 'webhook disabled'
    } else {
      const body = JSON.stringify(
        hook.format === 'slack'
          ? {
              text: slackText(
                delivery.event,
                (delivery.payload.data ?? {}) as Record<string, unknown>
              ),
            }
          : delivery.payload
      )
      const timestamp = String(Math.floor(now.getTime() / 1000))
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': 'Consentry-Webhooks/1',
      }
      if (hook.format === 'json' && hook.secretCiphertext) {
        headers['x-consentry-event'] = delivery.event
        headers['x-consentry-delivery'] = delivery.id
        headers['x-consentry-timestamp'] = timestamp
        headers['x-consentry-signature'] = signPayload(
          deps.secretBox.open(hook.secretCiphertext),
          timestamp,
          body
        )
      }
      try {
        const res = await deps.fetch(hook.url, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(10_000),
        })
        status = res.status
        if (!res.ok) error = `HTTP ${res.status}`
      } catch (e) {
        error = (e as Error).message.slice(0, 300)
      }
    }
    const delivered = error === null
    const dead = !delivered && (delivery.attempts >= MAX_ATTEMPTS || error === 'webhook disabled')
    await deps.db
      .update(webhookDeliveries)
      .set({
        status: delivered ? 'delivered' : dead ? 'dead' : 'failed',
        lastStatus: status,
        lastError: error,
        deliveredAt: delivered ? deps.clock() : null,
        nextAttemptAt: new Date(deps.clock().getTime() + retryDelayMs(delivery.attempts)),
      })
      .where(eq(webhookDeliveries.id, delivery.id))
    if (!delivered)
      deps.log.warn('webhook delivery failed', {
        deliveryId: delivery.id,
        attempts: delivery.attempts,
        error,
        dead,
      })
  }
  return claimed.length
}
