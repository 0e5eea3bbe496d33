// Leavers: one function every feed (SCIM, CSV, HR webhook, Shared Signals, manual) calls to say
// "this person leaves on this date", the offboarding case it opens, and the person's reinstatement.
import { and, eq, sql } from 'drizzle-orm'
import { offboardingCases, people, personAliases } from '../db/schema/index.ts'
import type { Transaction } from '../db/client.ts'
import { appendAudit, type AuditInput } from './audit-chain.ts'

export type LeaverSource = 'scim' | 'csv' | 'hr' | 'ssf' | 'manual'

export interface FeedActor {
  type: AuditInput['actorType']
  id: string | null
}

export const isoDay = (d: Date) => d.toISOString().slice(0, 10)

export interface PersonFields {
  email: string
  name?: string | null
  externalId?: string | null
  scimUserName?: string | null
  department?: string | null
  managerEmail?: string | null
  aliases?: string[]
}

/** Find or create a person by primary email (or an alias); update the fields given. */
export async function upsertPersonRecord(
  tx: Transaction,
  orgId: string,
  input: PersonFields,
  source: LeaverSource,
  now: Date
) {
  const email = input.email.trim().toLowerCase()
  const [viaAlias] = await tx
    .select({ personId: personAliases.personId })
    .from(personAliases)
    .where(and(eq(personAliases.orgId, orgId), eq(personAliases.email, email)))
  const set = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.externalId !== undefined ? { externalId: input.externalId } : {}),
    ...(input.scimUserName !== undefined ? { scimUserName: input.scimUserName } : {}),
    ...(input.department !== undefined ? { department: input.department } : {}),
    ...(input.managerEmail !== undefined
      ? { managerEmail: input.managerEmail?.toLowerCase() ?? null }
      : {}),
  }
  let personId: string
  let created = false
  if (viaAlias) {
    personId = viaAlias.personId
    if (Object.keys(set).length)
      await tx
        .update(people)
        .set({ ...set, updatedAt: now })
        .where(eq(people.id, personId))
  } else {
    const [row] = await tx
      .insert(people)
      .values({ orgId, email, createdAt: now, updatedAt: now, ...set })
      .onConflictDoUpdate({
        target: [people.orgId, people.email],
        set: { ...set, email: sql`excluded.email` },
      })
      .returning({ id: people.id, inserted: sql<boolean>`(xmax = 0)` })
    if (!row) throw new Error('person upsert returned nothing')
    personId = row.id
    created = row.inserted
  }
  for (const alias of input.aliases ?? []) {
    const a = alias.trim().toLowerCase()
    if (!a || a === email) continue
    await tx
      .insert(personAliases)
      .values({ orgId, personId, email: a, source })
      .onConflictDoNothing()
  }
  return { personId, created }
}

export interface LeavingInput {
  personId: string
  /** YYYY-MM-DD; today or earlier means the person has left. */
  departureDate: string
  source: LeaverSource
  actor: FeedActor
  successorEmail?: string | null
  managerEmail?: string | null
}

/**
 * Mark a person as leaving (or left) and open or update their offboarding case. Idempotent: the
 * same departure from the same or another feed changes nothing and writes no audit entry.
 */
export async function markLeaving(
  tx: Transaction,
  orgId: string,
  input: LeavingInput,
  now: Date
): Promise<{ changed: boolean; caseId: string }> {
  const [person] = await tx
    .select()
    .from(people)
    .where(and(eq(people.id, input.personId), eq(people.orgId, orgId)))
    .for('update')
  if (!person) throw new Error('markLeaving: no such person in this organisation')
  const status = input.departureDate <= isoDay(now) ? 'left' : 'leaving'
  const successor = input.successorEmail?.toLowerCase() ?? person.successorEmail
  const manager = input.managerEmail?.toLowerCase() ?? person.managerEmail
  const same =
    person.status === status &&
    person.departureDate === input.departureDate &&
    person.successorEmail === successor &&
    person.managerEmail === manager
  const [existingCase] = await tx
    .select()
    .from(offboardingCases)
    .where(and(eq(offboardingCases.orgId, orgId), eq(offboardingCases.personId, person.id)))
  if (same && existingCase && existingCase.state !== 'cancelled')
    return { changed: false, caseId: existingCase.id }
  await tx
    .update(people)
    .set({
      status,
      departureDate: input.departureDate,
      leavingSource: input.source,
      successorEmail: successor,
      managerEmail: manager,
      updatedAt: now,
    })
    .where(eq(people.id, person.id))
  const note = {
    at: now.toISOString(),
    by: `${input.source}${input.actor.id ? `:${input.actor.id}` : ''}`,
    note: `leaving on ${input.departureDate}`,
  }
  let caseId: string
  if (existingCase) {
    const reopen = existingCase.state === 'cancelled' || existingCase.state === 'done'
    await tx
      .update(offboardingCases)
      .set({
        dueDate: input.departureDate,
        state: reopen ? 'open' : existingCase.state,
        closedAt: reopen ? null : existingCase.closedAt,
        history: [...existingCase.history, note],
        updatedAt: now,
      })
      .where(eq(offboardingCases.id, existingCase.id))
    caseId = existingCase.id
  } else {
    const [row] = await tx
      .insert(offboardingCases)
      .values({
        orgId,
        personId: person.id,
        state: 'open',
        dueDate: input.departureDate,
        history: [note],
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: offboardingCases.id })
    if (!row) throw new Error('case insert returned nothing')
    caseId = row.id
  }
  await appendAudit(
    tx,
    orgId,
    [
      {
        actorType: input.actor.type,
        actorId: input.actor.id,
        action: status === 'left' ? 'person.left' : 'person.leaving',
        subjectType: 'person',
        subjectId: person.id,
        data: {
          email: person.email,
          departureDate: input.departureDate,
          source: input.source,
          successorEmail: successor,
        },
      },
    ],
    now
  )
  return { changed: true, caseId }
}

/** The person is staying after all (SCIM active=true): active again, an open case cancelled. */
export async function reinstatePerson(
  tx: Transaction,
  orgId: string,
  personId: string,
  source: LeaverSource,
  actor: FeedActor,
  now: Date
): Promise<boolean> {
  const [person] = await tx
    .select()
    .from(people)
    .where(and(eq(people.id, personId), eq(people.orgId, orgId)))
    .for('update')
  if (!person || person.status === 'active') return false
  await tx
    .update(people)
    .set({ status: 'active', departureDate: null, leavingSource: null, updatedAt: now })
    .where(eq(people.id, personId))
  const [openCase] = await tx
    .select()
    .from(offboardingCases)
    .where(and(eq(offboardingCases.orgId, orgId), eq(offboardingCases.personId, personId)))
  if (openCase && (openCase.state === 'open' || openCase.state === 'in_progress')) {
    await tx
      .update(offboardingCases)
      .set({
        state: 'cancelled',
        closedAt: now,
        updatedAt: now,
        history: [
          ...openCase.history,
          { at: now.toISOString(), by: source, note: 'reinstated: case cancelled' },
        ],
      })
      .where(eq(offboardingCases.id, openCase.id))
  }
  await appendAudit(
    tx,
    orgId,
    [
      {
        actorType: actor.type,
        actorId: actor.id,
        action: 'person.reinstated',
        subjectType: 'person',
        subjectId: personId,
        data: { email: person.email, source },
      },
    ],
    now
  )
  return true
}
