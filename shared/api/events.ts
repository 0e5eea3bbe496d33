// The events a device reports (POST /api/v1/events): the contract between extension and server.
import { z } from 'zod'
import { CONSENT_KINDS, PROVIDERS } from '../consent/types.ts'

const text = (max: number) => z.string().max(max)
const host = z
  .string()
  .max(253)
  .regex(/^[a-z0-9.-]+(:\d{1,5})?$/, 'a lower-case host name')

/** What the extension saw of a consent request: the parsed fields, never the raw URL. */
export const ConsentRequestReport = z
  .object({
    provider: z.enum(PROVIDERS),
    kind: z.enum(CONSENT_KINDS),
    host,
    clientId: text(512).nullable(),
    appSlug: text(100).nullable().default(null),
    redirectHost: host.nullable(),
    scopes: z.array(text(512)).max(200),
    userScopes: z.array(text(512)).max(200).default([]),
    optionalScopes: z.array(text(512)).max(200).default([]),
    tenant: text(256).nullable().default(null),
    audience: text(512).nullable().default(null),
    /** The account the consent is for, as the provider hinted it (usually an email). */
    loginHint: text(320).nullable().default(null),
    offlineAccess: z.boolean(),
    prompt: text(64).nullable().default(null),
    pkce: z.enum(['S256', 'plain']).nullable().default(null),
  })
  .strict()
export type ConsentRequestReport = z.infer<typeof ConsentRequestReport>

export const CONSENT_OUTCOMES = ['pending', 'granted', 'denied', 'failed', 'abandoned'] as const
export const POLICY_ACTIONS = ['allow', 'warn', 'justify', 'block'] as const
export type PolicyAction = (typeof POLICY_ACTIONS)[number]

const eventBase = {
  id: z.uuid(),
  occurredAt: z.iso.datetime({ offset: true }),
}

export const ConsentEvent = z
  .object({
    ...eventBase,
    type: z.literal('consent'),
    /** Same for every event of one consent flow (seen, then outcome). */
    flowId: z.uuid(),
    request: ConsentRequestReport,
    outcome: z.enum(CONSENT_OUTCOMES),
    /** OAuth error code when the provider returned one. */
    error: text(64).nullable().default(null),
    grantedScopes: z.array(text(512)).max(200).nullable().default(null),
    /** What the employee was shown and did. */
    policy: z
      .object({
        action: z.enum(POLICY_ACTIONS),
        decision: z.enum(['shown', 'continued', 'cancelled', 'blocked']),
        justification: text(2000).nullable().default(null),
      })
      .strict()
      .nullable()
      .default(null),
  })
  .strict()
export type ConsentEvent = z.infer<typeof ConsentEvent>

/** Visits to and sign-ins on AI tool domains: per domain and day, never URLs or page content. */
export const AiUsageEvent = z
  .object({
    ...eventBase,
    type: z.literal('ai_usage'),
    domain: host,
    day: z.iso.date(),
    visits: z.number().int().min(0).max(100_000),
    signIns: z.number().int().min(0).max(100_000),
  })
  .strict()
export type AiUsageEvent = z.infer<typeof AiUsageEvent>

/** An installed browser extension that is an AI tool (with the optional management permission). */
export const AiExtensionEvent = z
  .object({
    ...eventBase,
    type: z.literal('ai_extension'),
    extensionId: z.string().regex(/^[a-z]{32}$|^[A-Za-z0-9@._{}-]{1,128}$/),
    name: text(200),
    permissions: z.array(text(200)).max(200),
    hostPermissions: z.array(text(500)).max(500).default([]),
    enabled: z.boolean(),
  })
  .strict()
export type AiExtensionEvent = z.infer<typeof AiExtensionEvent>

/** An employee asks the organisation to allow an app that its policy blocks. */
export const ApprovalRequestEvent = z
  .object({
    ...eventBase,
    type: z.literal('approval_request'),
    flowId: z.uuid(),
    request: ConsentRequestReport,
    reason: text(2000),
  })
  .strict()
export type ApprovalRequestEvent = z.infer<typeof ApprovalRequestEvent>

export const DeviceEvent = z.discriminatedUnion('type', [
  ConsentEvent,
  AiUsageEvent,
  AiExtensionEvent,
  ApprovalRequestEvent,
])
export type DeviceEvent = z.infer<typeof DeviceEvent>
export type DeviceEventInput = z.input<typeof DeviceEvent>

export const MAX_BATCH = 500

/** The envelope is checked first; each event is then validated on its own. */
export const EventBatch = z.object({ events: z.array(z.unknown()).min(1).max(MAX_BATCH) }).strict()

export const EventBatchResult = z.object({
  /** Stored now, or already stored earlier (a retry): the device may forget these. */
  accepted: z.array(z.string()),
  duplicates: z.array(z.string()),
  /** Invalid events, by their index in the batch; retrying them will not help. */
  rejected: z.array(z.object({ index: z.number(), id: z.string().nullable(), reason: z.string() })),
})
export type EventBatchResult = z.infer<typeof EventBatchResult>
