// Writing SCIM Users as Consentry people of one organisation. A person is a SCIM User while it
// has a scimUserName: DELETE clears it (the person, their grants and their history stay), so the
// id answers 404 afterwards. Writes run in one transaction, one at a time per organisation, and
// are audited only when something changed; active=false makes the person a leaver.
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm'
import type { Transaction, Tx } from '../../db/client.ts'
import { people, personAliases } from '../../db/schema/index.ts'
import { appendAudit } from '../audit-chain.ts'
import { isoDay, markLeaving, reinstatePerson, upsertPersonRecord } from '../leavers.ts'
import { fail, notFound, ok, type ScimResult } from './scim-errors.ts'
import { applyScimPatch, type PatchOpBody } from './scim-patch.ts'
import {
  isEmail,
  modelFromBody,
  modelFromPerson,
  toPersonFields,
  type Person,
  type ScimManager,
  type ScimUser,
  type ScimUserBody,
  type ScimUserModel,
} from './scim-user.ts'
import {
  ALIAS_SOURCE,
  isScimUser,
  loadScimPerson,
  renderScimUser,
  UUID,
  type ScimContext,
} from './scim-user-query.ts'

/** Former primary emails: kept so grants on them stay the person's, never shown as SCIM emails. */
const PREVIOUS_EMAIL_SOURCE = 'scim_previous'
const conflict = (detail: string) => fail(409, 'uniqueness', detail)

async function lockOrganisation(tx: Transaction, orgId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${'scim:' + orgId}, 0))`)
}

async function userNameTaken(tx: Tx, orgId: string, userName: string, exceptId: string | null) {
  const [row] = await tx
    .select({ id: people.id })
    .from(people)
    .where(
      and(
        isScimUser(orgId),
        sql`lower(${people.scimUserName}) = lower(${userName})`,
        exceptId ? ne(people.id, exceptId) : undefined
      )
    )
    .limit(1)
  return Boolean(row)
}

/** The person an email already belongs to, as their primary email or an alias. */
async function ownerOfEmail(tx: Tx, orgId: string, email: string) {
  const [primary] = await tx
    .select({ id: people.id, scimUserName: people.scimUserName })
    .from(people)
    .where(and(eq(people.orgId, orgId), eq(people.email, email)))
  if (primary) return primary
  const [alias] = await tx
    .select({ id: people.id, scimUserName: people.scimUserName })
    .from(personAliases)
    .innerJoin(people, eq(people.id, personAliases.personId))
    .where(and(eq(personAliases.orgId, orgId), eq(personAliases.email, email)))
  return alias ?? null
}

/** Aliases that are nobody's primary email (an alias never shadows another person). */
async function claimableAliases(tx: Tx, orgId: string, aliases: string[]) {
  if (aliases.length === 0) return []
  const taken = await tx
    .select({ email: people.email })
    .from(people)
    .where(and(eq(people.orgId, orgId), inArray(people.email, aliases)))
  const takenSet = new Set(taken.map((t) => t.email))
  return aliases.filter((a) => !takenSet.has(a))
}

/** The manager's email: their SCIM id resolved in this organisation, or an email given as is. */
async function resolveManager(tx: Tx, orgId: string, manager: ScimManager | null) {
  if (!manager) return null
  if (manager.value && UUID.test(manager.value)) {
    const [row] = await tx
      .select({ email: people.email })
      .from(people)
      .where(and(isScimUser(orgId), eq(people.id, manager.value)))
    if (row) return row.email
  }
  if (isEmail(manager.value)) return manager.value.toLowerCase()
  if (isEmail(manager.displayName)) return manager.displayName.toLowerCase()
  return null
}

async function managerOf(tx: Tx, orgId: string, person: Person): Promise<ScimManager | null> {
  if (!person.managerEmail) return null
  const [row] = await tx
    .select({ id: people.id })
    .from(people)
    .where(and(isScimUser(orgId), eq(people.email, person.managerEmail)))
  return { value: row?.id ?? person.managerEmail, displayName: person.managerEmail }
}

async function scimAliasesOf(tx: Tx, orgId: string, personId: string) {
  const rows = await tx
    .select({ email: personAliases.email })
    .from(personAliases)
    .where(
      and(
        eq(personAliases.orgId, orgId),
        eq(personAliases.personId, personId),
        eq(personAliases.source, ALIAS_SOURCE)
      )
    )
    .orderBy(asc(personAliases.email))
  return rows.map((r) => r.email)
}

/** The person's primary email is now `email`: the old one stays theirs as a hidden alias. */
async function retirePrimaryEmail(
  tx: Transaction,
  orgId: string,
  personId: string,
  oldEmail: string,
  email: string
) {
  await tx
    .delete(personAliases)
    .where(
      and(
        eq(personAliases.orgId, orgId),
        eq(personAliases.personId, personId),
        eq(personAliases.email, email)
      )
    )
  await tx
    .insert(personAliases)
    .values({ orgId, personId, email: oldEmail, source: PREVIOUS_EMAIL_SOURCE })
    .onConflictDoNothing()
}

/** Make the person's SCIM aliases the given set; true when a row was added or removed. */
async function syncAliases(
  tx: Transaction,
  orgId: string,
  person: Person,
  email: string,
  wanted: string[]
): Promise<boolean> {
  let changed = false
  const current = await scimAliasesOf(tx, orgId, person.id)
  const desired = new Set(
    await claimableAliases(
      tx,
      orgId,
      wanted.filter((a) => a !== email)
    )
  )
  const stale = current.filter((a) => !desired.has(a) && a !== email)
  if (stale.length) {
    await tx
      .delete(personAliases)
      .where(
        and(
          eq(personAliases.orgId, orgId),
          eq(personAliases.personId, person.id),
          eq(personAliases.source, ALIAS_SOURCE),
          inArray(personAliases.email, stale)
        )
      )
    changed = true
  }
  for (const alias of desired) {
    if (current.includes(alias)) continue
    const inserted = await tx
      .insert(personAliases)
      .values({ orgId, personId: person.id, email: alias, source: ALIAS_SOURCE })
      .onConflictDoNothing()
      .returning({ id: personAliases.id })
    if (inserted.length) changed = true
  }
  if (email !== person.email) await retirePrimaryEmail(tx, orgId, person.id, person.email, email)
  return changed
}

/** active=false: the person leaves today; active=true undoes only a departure SCIM reported. */
async function applyActive(
  tx: Transaction,
  ctx: ScimContext,
  personId: string,
  active: boolean | null
) {
  if (active === null) return
  const [person] = await tx
    .select({ status: people.status, leavingSource: people.leavingSource })
    .from(people)
    .where(and(eq(people.id, personId), eq(people.orgId, ctx.orgId)))
  if (!person) return
  const actor = { type: 'scim' as const, id: ctx.tokenId }
  // Already gone (from any feed): another "inactive" must not move the departure date.
  if (!active && person.status !== 'left') {
    await markLeaving(
      tx,
      ctx.orgId,
      { personId, departureDate: isoDay(ctx.now), source: 'scim', actor },
      ctx.now
    )
  }
  // An IdP that still says "active" about someone HR reported leaving must not cancel their case.
  if (active && person.status !== 'active' && person.leavingSource === 'scim')
    await reinstatePerson(tx, ctx.orgId, personId, 'scim', actor, ctx.now)
}

function audit(
  tx: Transaction,
  ctx: ScimContext,
  action: string,
  personId: string,
  data: Record<string, unknown>
) {
  return appendAudit(
    tx,
    ctx.orgId,
    [
      {
        actorType: 'scim',
        actorId: ctx.tokenId,
        action,
        subjectType: 'person',
        subjectId: personId,
        data,
      },
    ],
    ctx.now
  )
}

/** POST /Users: a new person, or an existing person (same email) becoming a SCIM User. */
export async function createScimUser(
  ctx: ScimContext,
  body: ScimUserBody
): Promise<ScimResult<ScimUser>> {
  const model = modelFromBody(body)
  const fields = toPersonFields(model)
  if (!fields.ok) return fields
  const f = fields.value
  return ctx.db.transaction(async (tx) => {
    await lockOrganisation(tx, ctx.orgId)
    if (await userNameTaken(tx, ctx.orgId, f.scimUserName, null))
      return conflict(`A User with userName "${f.scimUserName}" already exists`)
    const owner = await ownerOfEmail(tx, ctx.orgId, f.email)
    if (owner?.scimUserName)
      return conflict(
        `${f.email} already belongs to the User ${owner.id} ("${owner.scimUserName}")`
      )
    const managerEmail = await resolveManager(tx, ctx.orgId, model.manager)
    // Values the IdP leaves out do not erase what other feeds know of an existing person.
    const known = {
      scimUserName: f.scimUserName,
      ...(f.name ? { name: f.name } : {}),
      ...(f.externalId ? { externalId: f.externalId } : {}),
      ...(f.department ? { department: f.department } : {}),
      ...(managerEmail ? { managerEmail } : {}),
    }
    let personId: string
    if (owner) {
      // The person exists (another feed, the extension, or a SCIM User deleted earlier): link
      // them, with the email the IdP calls primary as their primary email.
      const [person] = await tx.select().from(people).where(eq(people.id, owner.id))
      await tx
        .update(people)
        .set({ ...known, email: f.email, updatedAt: ctx.now })
        .where(and(eq(people.id, owner.id), eq(people.orgId, ctx.orgId)))
      await syncAliases(tx, ctx.orgId, person!, f.email, f.aliases)
      personId = owner.id
    } else {
      const aliases = await claimableAliases(tx, ctx.orgId, f.aliases)
      personId = (
        await upsertPersonRecord(
          tx,
          ctx.orgId,
          { ...known, email: f.email, aliases },
          ALIAS_SOURCE,
          ctx.now
        )
      ).personId
    }
    if (f.githubLogin)
      await tx
        .update(people)
        .set({ githubLogin: f.githubLogin })
        .where(and(eq(people.id, personId), eq(people.orgId, ctx.orgId)))
    await audit(tx, ctx, 'person.provisioned', personId, {
      userName: f.scimUserName,
      email: f.email,
      externalId: f.externalId,
      existingPerson: Boolean(owner),
      ...(f.githubLogin ? { githubLogin: f.githubLogin } : {}),
    })
    await applyActive(tx, ctx, personId, model.active)
    return ok(await renderScimUser(tx, ctx, personId))
  })
}

type PersonColumns =
  'email' | 'scimUserName' | 'name' | 'externalId' | 'department' | 'managerEmail' | 'githubLogin'

async function writeModel(
  tx: Transaction,
  ctx: ScimContext,
  person: Person,
  model: ScimUserModel
): Promise<ScimResult<ScimUser>> {
  const fields = toPersonFields(model)
  if (!fields.ok) return fields
  const f = fields.value
  if (
    f.scimUserName.toLowerCase() !== person.scimUserName?.toLowerCase() &&
    (await userNameTaken(tx, ctx.orgId, f.scimUserName, person.id))
  )
    return conflict(`A User with userName "${f.scimUserName}" already exists`)
  if (f.email !== person.email) {
    const owner = await ownerOfEmail(tx, ctx.orgId, f.email)
    if (owner && owner.id !== person.id)
      return conflict(`${f.email} already belongs to another person (${owner.id})`)
  }
  const next: Partial<Pick<Person, PersonColumns>> = {
    email: f.email,
    scimUserName: f.scimUserName,
    name: f.name,
    externalId: f.externalId,
    department: f.department,
    managerEmail: await resolveManager(tx, ctx.orgId, model.manager),
    // Only when the request carries the Consentry extension: else an admin's entry stays.
    ...(f.githubLogin !== undefined ? { githubLogin: f.githubLogin } : {}),
  }
  const changed: string[] = (Object.keys(next) as PersonColumns[]).filter(
    (k) => next[k] !== person[k]
  )
  if (changed.length)
    await tx
      .update(people)
      .set({ ...next, updatedAt: ctx.now })
      .where(and(eq(people.id, person.id), eq(people.orgId, ctx.orgId)))
  if (await syncAliases(tx, ctx.orgId, person, f.email, f.aliases)) changed.push('aliases')
  if (changed.length)
    await audit(tx, ctx, 'person.updated', person.id, { userName: f.scimUserName, changed })
  await applyActive(tx, ctx, person.id, model.active)
  return ok(await renderScimUser(tx, ctx, person.id))
}

/**
 * PUT /Users/:id: the whole User replaced (attributes left out are cleared; githubLogin only when
 * the body carries the Consentry extension, so an IdP that does not manage it keeps an admin's).
 */
export function replaceScimUser(
  ctx: ScimContext,
  id: string,
  body: ScimUserBody
): Promise<ScimResult<ScimUser>> {
  return ctx.db.transaction(async (tx) => {
    await lockOrganisation(tx, ctx.orgId)
    const person = await loadScimPerson(tx, ctx.orgId, id)
    if (!person) return notFound(id)
    return writeModel(tx, ctx, person, modelFromBody(body))
  })
}

/** PATCH /Users/:id: the operations applied to the User as it is now. */
export function patchScimUser(
  ctx: ScimContext,
  id: string,
  body: PatchOpBody
): Promise<ScimResult<ScimUser>> {
  return ctx.db.transaction(async (tx) => {
    await lockOrganisation(tx, ctx.orgId)
    const person = await loadScimPerson(tx, ctx.orgId, id)
    if (!person) return notFound(id)
    const current = modelFromPerson(
      person,
      await scimAliasesOf(tx, ctx.orgId, person.id),
      await managerOf(tx, ctx.orgId, person)
    )
    // active starts unknown: a PATCH that does not set it leaves the status alone.
    const patched = applyScimPatch({ ...current, active: null }, body)
    if (!patched.ok) return patched
    return writeModel(tx, ctx, person, patched.value)
  })
}

/** DELETE /Users/:id: the person has left; they stop being a SCIM User but are not erased. */
export function deleteScimUser(ctx: ScimContext, id: string): Promise<ScimResult<null>> {
  return ctx.db.transaction(async (tx) => {
    await lockOrganisation(tx, ctx.orgId)
    const person = await loadScimPerson(tx, ctx.orgId, id)
    if (!person) return notFound(id)
    await applyActive(tx, ctx, person.id, false)
    await tx
      .update(people)
      .set({ scimUserName: null, updatedAt: ctx.now })
      .where(and(eq(people.id, person.id), eq(people.orgId, ctx.orgId)))
    await audit(tx, ctx, 'person.deprovisioned', person.id, {
      userName: person.scimUserName,
      email: person.email,
    })
    return ok(null)
  })
}
