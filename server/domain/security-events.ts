// The Shared Signals receiver: a Security Event Token pushed for an organisation is verified
// against its configured transmitter, then applied once (jti). RISC account-disabled and
// account-purged make the person a leaver today, account-enabled reinstates them, CAEP
// session-revoked is recorded; every event we act on gets an audit entry.
import { z } from 'zod'
import type { Db, Transaction } from '../db/client.ts'
import { appendAudit } from './audit-chain.ts'
import { getFeedSettings } from './feeds.ts'
import { findPerson, type FoundPerson } from './find-person.ts'
import { isoDay, markLeaving, reinstatePerson, upsertPersonRecord } from './leavers.ts'
import { parseSsfSubject } from './parse-ssf-subject.ts'
import { recordFeedEvent } from './record-feed-event.ts'
import type { SsfKeySets } from './ssf-key-sets.ts'
import {
  verifySecurityEventToken,
  type SetClaims,
  type SetErrorCode,
} from './verify-security-event-token.ts'

const RISC = 'https://schemas.openid.net/secevent/risc/event-type/'
const CAEP = 'https://schemas.openid.net/secevent/caep/event-type/'

export const ACCOUNT_DISABLED = `${RISC}account-disabled`
export const ACCOUNT_PURGED = `${RISC}account-purged`
export const ACCOUNT_ENABLED = `${RISC}account-enabled`
export const SESSION_REVOKED = `${CAEP}session-revoked`

type Effect = 'leave' | 'reinstate' | 'record'

/** The events we act on; any other event type (SSF verification, credential change...) is only kept. */
const EFFECTS: Record<string, { action: string; effect: Effect }> = {
  [ACCOUNT_DISABLED]: { action: 'person.account_disabled', effect: 'leave' },
  [ACCOUNT_PURGED]: { action: 'person.account_purged', effect: 'leave' },
  [ACCOUNT_ENABLED]: { action: 'person.account_enabled', effect: 'reinstate' },
  [SESSION_REVOKED]: { action: 'person.session_revoked', effect: 'record' },
}

export type ReceiveSetResult =
  | { ok: true; outcome: 'applied' | 'duplicate' }
  | { ok: false; err: SetErrorCode | 'keys_unavailable'; description: string }

const OrgId = z.uuid()

export async function receiveSecurityEvent(
  deps: { db: Db; clock: () => Date; keys: SsfKeySets },
  input: { orgId: string; contentType: string | undefined; token: string }
): Promise<ReceiveSetResult> {
  const mediaType = input.contentType?.split(';')[0]?.trim().toLowerCase()
  if (mediaType !== 'application/secevent+jwt')
    return refuse('invalid_request', 'Content-Type must be application/secevent+jwt (RFC 8935)')
  const orgId = OrgId.safeParse(input.orgId)
  const settings = orgId.success ? await getFeedSettings(deps.db, orgId.data) : null
  // An unknown organisation and an unconfigured one answer alike: ids cannot be probed.
  if (
    !orgId.success ||
    !settings?.ssfIssuer ||
    !settings.ssfAudience ||
    !(settings.ssfJwksUrl || settings.ssfJwks)
  )
    return refuse('access_denied', 'Shared Signals are not configured for this receiver URL')
  const now = deps.clock()
  const verified = await verifySecurityEventToken(
    input.token,
    deps.keys.forOrg(orgId.data, { jwksUrl: settings.ssfJwksUrl, jwks: settings.ssfJwks }),
    { issuer: settings.ssfIssuer, audience: settings.ssfAudience },
    now
  )
  if (!verified.ok) return verified
  const outcome = await applySecurityEvent(deps.db, orgId.data, verified.claims, now)
  return outcome === 'conflict'
    ? refuse('invalid_request', `jti ${verified.claims.jti} was already used by a different SET`)
    : { ok: true, outcome }
}

function refuse(err: SetErrorCode, description: string): ReceiveSetResult {
  return { ok: false, err, description }
}

/** Apply a verified SET once: its jti, every event it carries and their audit entries together. */
export async function applySecurityEvent(
  db: Db,
  orgId: string,
  claims: SetClaims,
  now: Date
): Promise<'applied' | 'duplicate' | 'conflict'> {
  return db.transaction(async (tx) => {
    const recorded = await recordFeedEvent(
      tx,
      { orgId, feed: 'ssf', eventId: claims.jti, payload: claims },
      now
    )
    if (recorded !== 'new') return recorded
    for (const [type, event] of Object.entries(claims.events)) {
      const known = EFFECTS[type]
      if (known) await applyEvent(tx, orgId, claims, type, event, known, now)
    }
    return 'applied'
  })
}

async function applyEvent(
  tx: Transaction,
  orgId: string,
  claims: SetClaims,
  type: string,
  event: Record<string, unknown>,
  { action, effect }: { action: string; effect: Effect },
  now: Date
): Promise<void> {
  // RISC puts the subject in the event; SSF 1.0 puts it in the SET's sub_id.
  const rawSubject = event.subject ?? claims.sub_id
  const subject = parseSsfSubject(rawSubject)
  // An iss_sub names a SCIM externalId only when it comes from this same identity provider.
  const externalIds = (subject?.issSubs ?? []).filter((s) => s.iss === claims.iss).map((s) => s.sub)
  let person = subject ? await findPerson(tx, orgId, { emails: subject.emails, externalIds }) : null
  const email = subject?.emails[0]
  if (!person && effect === 'leave' && email) {
    await upsertPersonRecord(tx, orgId, { email }, 'ssf', now)
    person = await findPerson(tx, orgId, { emails: [email] })
  }
  // TODO(2026-11-23): actorType 'ssf' once AuditInput allows it; until then the transmitter
  // appears as 'system' with the SET's jti as its id (data.source says 'ssf').
  const actor = { type: 'system' as const, id: claims.jti }
  await appendAudit(
    tx,
    orgId,
    [
      {
        actorType: actor.type,
        actorId: actor.id,
        action,
        subjectType: 'person',
        subjectId: person?.id ?? null,
        data: {
          source: 'ssf',
          eventType: type,
          issuer: claims.iss,
          subject: rawSubject ?? null,
          resolved: Boolean(person),
          ...(typeof event.reason === 'string' ? { reason: event.reason } : {}),
          ...(typeof event.event_timestamp === 'number'
            ? { eventTimestamp: event.event_timestamp }
            : {}),
        },
      },
    ],
    now
  )
  if (!person) return
  if (effect === 'leave')
    await markLeaving(
      tx,
      orgId,
      { personId: person.id, departureDate: leftOn(person, now), source: 'ssf', actor },
      now
    )
  if (effect === 'reinstate') await reinstatePerson(tx, orgId, person.id, 'ssf', actor, now)
}

/** Today, unless the person had already left earlier: a disabled account keeps that date. */
function leftOn(person: FoundPerson, now: Date): string {
  const today = isoDay(now)
  return person.departureDate && person.departureDate <= today ? person.departureDate : today
}
