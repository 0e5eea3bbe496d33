// The HR webhook: a small JSON contract (employee.leaving, employee.reinstated) pushed by an HR
// system, signed with HMAC-SHA256 exactly like our outgoing webhooks, applied once per event id.
//
// Contract (POST /api/v1/hr/events, Content-Type: application/json):
//   X-Consentry-Org: <organisation id>
//   X-Consentry-Timestamp: <Unix seconds, within 5 minutes of our clock>
//   X-Consentry-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
//   {"id":"evt_123","type":"employee.leaving","occurredAt":"2026-11-20T10:00:00Z",
//    "employee":{"email":"ada@acme.example","departureDate":"2026-12-31","name":"Ada",
//                "department":"Sales","managerEmail":"…","successorEmail":"…","aliases":["…"]}}
//   {"id":"evt_124","type":"employee.reinstated","occurredAt":"…","employee":{"email":"…"}}
// Unknown fields are refused (400 naming them); optional fields may be absent or null, and
// neither clears what we already know. A resent event id answers 200 {duplicate: true}.
import { timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import type { Db } from '../db/client.ts'
import { getFeedSettings } from './feeds.ts'
import { findPerson } from './find-person.ts'
import { markLeaving, reinstatePerson, upsertPersonRecord } from './leavers.ts'
import { recordFeedEvent } from './record-feed-event.ts'
import type { SecretBox } from './secret-box.ts'
import { signPayload } from './webhooks.ts'

/** How far the sender's timestamp may be from our clock, either way. */
export const HR_TIMESTAMP_TOLERANCE_SECONDS = 300

const Email = z.email().max(320).toLowerCase()
const Text = z.string().trim().min(1).max(200)

const Envelope = {
  /** The sender's unique id of this event: the replay and idempotency key. */
  id: z.string().min(1).max(200),
  occurredAt: z.iso.datetime({ offset: true }),
}

export const HrEvent = z.discriminatedUnion('type', [
  z
    .object({
      ...Envelope,
      type: z.literal('employee.leaving'),
      employee: z
        .object({
          email: Email,
          /** Last working day, YYYY-MM-DD; today or earlier means the person has left. */
          departureDate: z.iso.date(),
          name: Text.nullish(),
          department: Text.nullish(),
          managerEmail: Email.nullish(),
          successorEmail: Email.nullish(),
          aliases: z.array(Email).max(20).nullish(),
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      ...Envelope,
      type: z.literal('employee.reinstated'),
      employee: z.object({ email: Email }).strict(),
    })
    .strict(),
])
export type HrEvent = z.infer<typeof HrEvent>

/** The request body as text, parsed as JSON, then checked against the contract. */
export const HrEventJson = z
  .string()
  .transform((text, ctx): unknown => {
    try {
      return JSON.parse(text)
    } catch {
      ctx.addIssue({ code: 'custom', message: 'the body is not JSON' })
      return z.NEVER
    }
  })
  .pipe(HrEvent)

export type HrAuthErrorCode =
  | 'invalid_org'
  | 'hr_feed_not_configured'
  | 'invalid_encoding'
  | 'missing_signature'
  | 'invalid_timestamp'
  | 'stale_timestamp'
  | 'invalid_signature'

export type HrAuthResult =
  { ok: true; orgId: string; body: string } | { ok: false; code: HrAuthErrorCode; message: string }

type SignatureCheck = Extract<HrAuthResult, { ok: false }> | { ok: true }

/** Check the timestamp window and the signature over "<timestamp>.<body>" in constant time. */
export function verifyHrSignature(input: {
  secret: string
  timestamp: string | undefined
  signature: string | undefined
  body: string
  now: Date
}): SignatureCheck {
  const { timestamp, signature } = input
  if (!timestamp || !signature)
    return {
      ok: false,
      code: 'missing_signature',
      message: 'X-Consentry-Timestamp and X-Consentry-Signature headers are required',
    }
  if (!/^\d{1,12}$/.test(timestamp))
    return {
      ok: false,
      code: 'invalid_timestamp',
      message: 'X-Consentry-Timestamp must be Unix time in seconds',
    }
  const skew = Math.abs(input.now.getTime() / 1000 - Number(timestamp))
  if (skew > HR_TIMESTAMP_TOLERANCE_SECONDS)
    return {
      ok: false,
      code: 'stale_timestamp',
      message: `X-Consentry-Timestamp is more than ${HR_TIMESTAMP_TOLERANCE_SECONDS} seconds from the server's clock`,
    }
  const expected = Buffer.from(signPayload(input.secret, timestamp, input.body))
  const given = Buffer.from(signature.trim().toLowerCase())
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return {
      ok: false,
      code: 'invalid_signature',
      message:
        'X-Consentry-Signature does not match: expected sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>',
    }
  return { ok: true }
}

const OrgId = z.uuid()
const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Which organisation sends this delivery, and is it really theirs: a configured secret, a fresh
 * timestamp and a matching signature. Returns the body as text for parsing.
 */
export async function authenticateHrDelivery(
  deps: { db: Db; secretBox: SecretBox; clock: () => Date },
  input: {
    orgId: string | undefined
    timestamp: string | undefined
    signature: string | undefined
    body: Uint8Array
  }
): Promise<HrAuthResult> {
  const orgId = OrgId.safeParse(input.orgId)
  if (!orgId.success)
    return {
      ok: false,
      code: 'invalid_org',
      message: 'X-Consentry-Org must be your organisation id (a UUID)',
    }
  const settings = await getFeedSettings(deps.db, orgId.data)
  // An unknown organisation and one without a secret answer alike: ids cannot be probed.
  if (!settings?.hrSecretCiphertext)
    return {
      ok: false,
      code: 'hr_feed_not_configured',
      message:
        'No HR webhook secret is configured for this organisation: an owner or admin creates one in Settings > Leaver feeds',
    }
  let body: string
  try {
    // Strict UTF-8, so the text we sign over is byte for byte the body that was sent.
    body = utf8.decode(input.body)
  } catch {
    return { ok: false, code: 'invalid_encoding', message: 'The body must be UTF-8 JSON' }
  }
  const check = verifyHrSignature({
    secret: deps.secretBox.open(settings.hrSecretCiphertext),
    timestamp: input.timestamp,
    signature: input.signature,
    body,
    now: deps.clock(),
  })
  return check.ok ? { ok: true, orgId: orgId.data, body } : check
}

/**
 * Apply an authenticated HR event once: the event id, the person and their leaving (or
 * reinstatement) in one transaction. A duplicate changes nothing.
 */
export async function applyHrEvent(
  db: Db,
  orgId: string,
  event: HrEvent,
  now: Date
): Promise<'applied' | 'duplicate' | 'conflict'> {
  return db.transaction(async (tx) => {
    const recorded = await recordFeedEvent(
      tx,
      { orgId, feed: 'hr', eventId: event.id, payload: event },
      now
    )
    if (recorded !== 'new') return recorded
    const actor = { type: 'hr' as const, id: event.id }
    if (event.type === 'employee.reinstated') {
      const person = await findPerson(tx, orgId, { emails: [event.employee.email] })
      if (person) await reinstatePerson(tx, orgId, person.id, 'hr', actor, now)
      return 'applied'
    }
    const e = event.employee
    const { personId } = await upsertPersonRecord(
      tx,
      orgId,
      {
        email: e.email,
        // null and absent both mean "not given": an HR event never clears a field.
        ...(e.name ? { name: e.name } : {}),
        ...(e.department ? { department: e.department } : {}),
        ...(e.managerEmail ? { managerEmail: e.managerEmail } : {}),
        aliases: e.aliases ?? [],
      },
      'hr',
      now
    )
    await markLeaving(
      tx,
      orgId,
      {
        personId,
        departureDate: e.departureDate,
        source: 'hr',
        actor,
        successorEmail: e.successorEmail ?? null,
        managerEmail: e.managerEmail ?? null,
      },
      now
    )
    return 'applied'
  })
}
