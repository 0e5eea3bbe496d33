// Reading SCIM Users: the people of one organisation that have a scimUserName, found by SCIM
// filter (translated to SQL), paged, and rendered with their SCIM emails and manager reference.
import { and, asc, count, eq, inArray, isNotNull, ne, not, or, sql, type SQL } from 'drizzle-orm'
import type { Db, Tx } from '../../db/client.ts'
import { people, personAliases } from '../../db/schema/index.ts'
import { badRequest, notFound, ok, type ScimResult } from './scim-errors.ts'
import type { ScimFilter, ScimPath } from './scim-filter.ts'
import { listResponse } from './scim-list-response.ts'
import { toScimUser, type Person, type ScimUser } from './scim-user.ts'

export interface ScimContext {
  db: Db
  orgId: string
  /** The SCIM token the IdP authenticated with: the actor of every change. */
  tokenId: string
  now: Date
  /** Absolute URL of /scim/v2/Users, for meta.location and manager.$ref. */
  usersUrl: string
}

export const MAX_PAGE = 200
const DEFAULT_PAGE = 100
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** Source of the aliases that are the IdP's other emails (shown as the User's emails). */
export const ALIAS_SOURCE = 'scim'

export const isScimUser = (orgId: string) =>
  and(eq(people.orgId, orgId), isNotNull(people.scimUserName))

function emailMatches(orgId: string, email: string): SQL {
  return or(
    eq(people.email, email),
    sql`exists (select 1 from ${personAliases} where ${personAliases.personId} = ${people.id}
      and ${personAliases.orgId} = ${orgId} and ${personAliases.source} = ${ALIAS_SOURCE}
      and ${personAliases.email} = ${email})`
  ) as SQL
}

function comparisonSql(orgId: string, path: ScimPath, value: unknown): ScimResult<SQL> {
  const str = typeof value === 'string' ? value : null
  const never = sql`false`
  const plain = !path.filter && !path.sub
  if (path.schema === 'core' && plain) {
    if (path.attr === 'id') return ok(str && UUID.test(str) ? eq(people.id, str) : never)
    // userName is not case-exact (RFC 7643 §4.1.1); externalId is.
    if (path.attr === 'username')
      return ok(str ? sql`lower(${people.scimUserName}) = lower(${str})` : never)
    if (path.attr === 'externalid') return ok(str ? eq(people.externalId, str) : never)
    if (path.attr === 'active' && typeof value === 'boolean')
      return ok(value ? eq(people.status, 'active') : ne(people.status, 'active'))
  }
  // emails, emails.value, emails[type eq "work"].value: email types are not stored, so any of
  // the person's SCIM emails matches whatever the type filter says.
  if (path.schema === 'core' && path.attr === 'emails' && (!path.sub || path.sub === 'value'))
    return ok(str ? emailMatches(orgId, str.trim().toLowerCase()) : never)
  if (path.schema === 'enterprise' && path.attr === 'department' && plain)
    return ok(str ? eq(people.department, str) : never)
  return badRequest(
    'invalidFilter',
    `filtering on ${path.attr}${path.sub ? `.${path.sub}` : ''} is not supported (use id, userName, externalId, emails or active)`
  )
}

export function filterSql(orgId: string, filter: ScimFilter): ScimResult<SQL> {
  switch (filter.op) {
    case 'and':
    case 'or': {
      const left = filterSql(orgId, filter.left)
      if (!left.ok) return left
      const right = filterSql(orgId, filter.right)
      if (!right.ok) return right
      return ok((filter.op === 'and' ? and : or)(left.value, right.value) as SQL)
    }
    case 'not': {
      const inner = filterSql(orgId, filter.filter)
      return inner.ok ? ok(not(inner.value)) : inner
    }
    case 'eq':
      return comparisonSql(orgId, filter.path, filter.value)
    default:
      return badRequest('invalidFilter', `operator ${filter.op} is not supported; use eq`)
  }
}

export async function renderScimUsers(
  tx: Tx,
  ctx: ScimContext,
  persons: Person[]
): Promise<ScimUser[]> {
  if (persons.length === 0) return []
  const aliasRows = await tx
    .select({ personId: personAliases.personId, email: personAliases.email })
    .from(personAliases)
    .where(
      and(
        eq(personAliases.orgId, ctx.orgId),
        eq(personAliases.source, ALIAS_SOURCE),
        inArray(
          personAliases.personId,
          persons.map((p) => p.id)
        )
      )
    )
    .orderBy(asc(personAliases.email))
  const managerEmails = [
    ...new Set(persons.flatMap((p) => (p.managerEmail ? [p.managerEmail] : []))),
  ]
  const managers = managerEmails.length
    ? await tx
        .select({ id: people.id, email: people.email })
        .from(people)
        .where(and(isScimUser(ctx.orgId), inArray(people.email, managerEmails)))
    : []
  const managerIds = new Map(managers.map((m) => [m.email, m.id]))
  return persons.map((p) =>
    toScimUser(
      p,
      aliasRows.filter((a) => a.personId === p.id).map((a) => a.email),
      p.managerEmail ? { id: managerIds.get(p.managerEmail) ?? null, email: p.managerEmail } : null,
      ctx.usersUrl
    )
  )
}

export async function loadScimPerson(tx: Tx, orgId: string, id: string): Promise<Person | null> {
  if (!UUID.test(id)) return null
  const [row] = await tx
    .select()
    .from(people)
    .where(and(eq(people.id, id), isScimUser(orgId)))
  return row ?? null
}

export async function renderScimUser(tx: Tx, ctx: ScimContext, id: string): Promise<ScimUser> {
  const person = await loadScimPerson(tx, ctx.orgId, id)
  if (!person) throw new Error('SCIM user vanished inside its own transaction')
  const [user] = await renderScimUsers(tx, ctx, [person])
  return user!
}

export interface ListQuery {
  filter?: ScimFilter
  startIndex?: number
  count?: number
}

export async function listScimUsers(ctx: ScimContext, query: ListQuery) {
  const startIndex = Math.max(1, Math.trunc(query.startIndex ?? 1))
  const pageSize = Math.min(MAX_PAGE, Math.max(0, Math.trunc(query.count ?? DEFAULT_PAGE)))
  let where = isScimUser(ctx.orgId)
  if (query.filter) {
    const filter = filterSql(ctx.orgId, query.filter)
    if (!filter.ok) return filter
    where = and(where, filter.value)
  }
  const [total] = await ctx.db.select({ n: count() }).from(people).where(where)
  const rows = pageSize
    ? await ctx.db
        .select()
        .from(people)
        .where(where)
        .orderBy(asc(people.createdAt), asc(people.id))
        .limit(pageSize)
        .offset(startIndex - 1)
    : []
  return ok(
    listResponse(await renderScimUsers(ctx.db, ctx, rows), Number(total?.n ?? 0), startIndex)
  )
}

export async function getScimUser(ctx: ScimContext, id: string): Promise<ScimResult<ScimUser>> {
  const person = await loadScimPerson(ctx.db, ctx.orgId, id)
  if (!person) return notFound(id)
  return ok((await renderScimUsers(ctx.db, ctx, [person]))[0]!)
}

/** SCIM writes of one organisation queue behind each other, so uniqueness checks hold. */
