// Request bodies of app governance: sanctions, approval decisions, admin changes, webhooks.
import { z } from 'zod'
import { ADMIN_ROLES } from './admin.ts'

/** Every alert an organisation can subscribe a webhook to. */
export const ALERT_EVENTS = [
  'grant.high_risk',
  'sanction.expired',
  'approval.requested',
  'leaver.due',
  /** A leaver's leaving day came and grants of theirs are still live. */
  'leaver.live_grants',
  /** A revocation failed (it will be retried) or is dead (out of attempts). */
  'revocation.failed',
  'revocation.dead',
  /** A grant revoked earlier is back: discovery or verification found it at the provider. */
  'grant.reappeared',
] as const
export type AlertEvent = (typeof ALERT_EVENTS)[number]

export const SanctionApp = z
  .object({
    sanctioned: z.boolean(),
    ownerEmail: z.email().max(320).nullable(),
    purpose: z.string().max(1000).nullable(),
    expiresAt: z.iso.datetime({ offset: true }).nullable(),
  })
  .strict()
  .refine((v) => !v.sanctioned || (v.ownerEmail && v.purpose), {
    message: 'a sanctioned app needs an owner and a purpose',
    path: ['ownerEmail'],
  })

export const ApproveRequest = z
  .object({
    ownerEmail: z.email().max(320),
    purpose: z.string().min(1).max(1000),
    expiresAt: z.iso.datetime({ offset: true }).nullable(),
    scope: z.enum(['requester', 'everyone']),
  })
  .strict()

export const DenyRequest = z.object({ reason: z.string().min(1).max(1000) }).strict()

export const ListRequestsQuery = z
  .object({ status: z.enum(['open', 'approved', 'denied']).optional() })
  .strict()

export const UpdateAdmin = z
  .object({ role: z.enum(ADMIN_ROLES).optional(), disabled: z.boolean().optional() })
  .strict()
  .refine((v) => v.role !== undefined || v.disabled !== undefined, 'nothing to change')

export const CreateWebhook = z
  .object({
    url: z
      .url()
      .max(2000)
      .refine((u) => {
        const url = new URL(u)
        return url.protocol === 'https:' || ['localhost', '127.0.0.1'].includes(url.hostname)
      }, 'must be https (http only for localhost)'),
    format: z.enum(['json', 'slack']),
    events: z.array(z.enum(ALERT_EVENTS)).min(1),
  })
  .strict()
