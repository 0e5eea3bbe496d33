// The SCIM User (RFC 7643 §4.1 + the enterprise extension) and how it maps onto a Consentry
// person: the permissive request schema, the model PUT and PATCH both produce, the person fields
// it sets, and the representation returned for a person.
import { z } from 'zod'
import type { people } from '../../db/schema/index.ts'
import { badRequest, ok, type ScimResult } from './scim-errors.ts'
import { GithubLogin } from '../../../shared/api/people.ts'
import { CONSENTRY_USER_SCHEMA, CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA } from './scim-filter.ts'

export type Person = typeof people.$inferSelect

export interface ScimEmail {
  value: string
  type: string | null
  primary: boolean
}

export interface ScimManager {
  /** The manager's SCIM id as the IdP sent it (or, from some clients, an email). */
  value: string | null
  displayName: string | null
}

/** A User as PUT, POST and PATCH leave it: what the IdP says, before it touches the database. */
export interface ScimUserModel {
  userName: string
  externalId: string | null
  name: {
    formatted: string | null
    givenName: string | null
    middleName: string | null
    familyName: string | null
  }
  displayName: string | null
  emails: ScimEmail[]
  /** null: not given (a PUT without `active` leaves the status alone). */
  active: boolean | null
  department: string | null
  manager: ScimManager | null
  /**
   * From the Consentry extension. undefined: the request does not manage it (an IdP that sends
   * no extension leaves a login an admin entered alone); null: cleared.
   */
  githubLogin?: string | null
}

/** SCIM booleans, also as Entra's non-compliant PATCH sends them: "True" / "False". */
export const ScimBoolean = z.union([
  z.boolean(),
  z
    .string()
    .regex(/^(true|false)$/i, 'must be true or false')
    .transform((s) => s.toLowerCase() === 'true'),
])

const Text = (max: number) => z.string().trim().max(max).nullish()

/** Keys of a JSON object renamed to their canonical case: SCIM attribute names are case-insensitive. */
export function canonicalKeys(value: unknown, names: readonly string[]): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value
  const byLower = new Map(names.map((n) => [n.toLowerCase(), n]))
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [byLower.get(k.toLowerCase()) ?? k, v])
  )
}

const keys = <T extends z.ZodRawShape>(shape: T) =>
  z.preprocess((v) => canonicalKeys(v, Object.keys(shape)), z.object(shape))

const NameShape = {
  formatted: Text(300),
  givenName: Text(200),
  middleName: Text(200),
  familyName: Text(200),
}

const EmailShape = {
  value: z.string().trim().min(1).max(320),
  type: Text(50),
  primary: ScimBoolean.nullish(),
}

const ManagerShape = {
  value: Text(500),
  displayName: Text(300),
}

/** manager as an object, a bare id (Entra's schema example) or a one-element list (Entra's PATCH). */
export const ScimManagerValue = z.union([
  z
    .string()
    .trim()
    .max(500)
    .transform((value) => ({ value, displayName: null })),
  keys(ManagerShape),
  z.array(keys(ManagerShape)).max(1),
])

const EnterpriseShape = {
  department: Text(200),
  manager: ScimManagerValue.nullish(),
}

/** A GitHub login, or null; an empty string (an unmapped IdP attribute) counts as null. */
export const ScimGithubLogin = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? null : v),
  GithubLogin.nullable()
)

const ConsentryShape = {
  githubLogin: ScimGithubLogin.optional(),
}

const UserShape = {
  schemas: z.array(z.string()).nullish(),
  userName: z.string().trim().min(1, 'userName is required').max(320),
  externalId: Text(500),
  name: keys(NameShape).nullish(),
  displayName: Text(300),
  emails: z.array(keys(EmailShape)).max(50).nullish(),
  active: ScimBoolean.nullish(),
  [ENTERPRISE_USER_SCHEMA]: keys(EnterpriseShape).nullish(),
  [CONSENTRY_USER_SCHEMA]: keys(ConsentryShape).nullish(),
}

/**
 * A SCIM User body as Okta and Entra send it. Unknown attributes (password, groups, locale,
 * phoneNumbers, roles, other extensions...) are dropped, not refused: IdPs send many.
 */
export const ScimUserBody = keys(UserShape)
export type ScimUserBody = z.infer<typeof ScimUserBody>

const empty = (s: string | null | undefined) => (s ? s : null)

export function normaliseManager(
  m: z.infer<typeof ScimManagerValue> | null | undefined
): ScimManager | null {
  const one = Array.isArray(m) ? m[0] : m
  if (!one || (!one.value && !one.displayName)) return null
  return { value: empty(one.value), displayName: empty(one.displayName) }
}

export function normaliseEmails(
  emails: Array<{ value: string; type?: string | null; primary?: boolean | null }>
): ScimEmail[] {
  const seen = new Set<string>()
  const result: ScimEmail[] = []
  for (const e of emails) {
    const key = e.value.toLowerCase()
    if (seen.has(key)) continue
    seen.add(key)
    result.push({ value: e.value, type: empty(e.type), primary: e.primary === true })
  }
  return result
}

export function modelFromBody(body: ScimUserBody): ScimUserModel {
  const enterprise = body[ENTERPRISE_USER_SCHEMA]
  const consentry = body[CONSENTRY_USER_SCHEMA]
  return {
    userName: body.userName,
    externalId: empty(body.externalId),
    name: {
      formatted: empty(body.name?.formatted),
      givenName: empty(body.name?.givenName),
      middleName: empty(body.name?.middleName),
      familyName: empty(body.name?.familyName),
    },
    displayName: empty(body.displayName),
    emails: normaliseEmails(body.emails ?? []),
    active: body.active ?? null,
    department: empty(enterprise?.department),
    manager: normaliseManager(enterprise?.manager),
    // The extension sent: it manages the login (left out inside it, the login is cleared).
    ...(consentry ? { githubLogin: consentry.githubLogin ?? null } : {}),
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
export const isEmail = (s: string | null | undefined): s is string => !!s && EMAIL.test(s)

/**
 * The name parts of a stored name. Consentry keeps one name, so the split is a guess (last word
 * is the family name); a PATCH of one part fills the other from it.
 */
export function splitName(name: string | null): {
  givenName: string | null
  familyName: string | null
} {
  const words = (name ?? '').trim().split(/\s+/).filter(Boolean)
  if (words.length === 0) return { givenName: null, familyName: null }
  if (words.length === 1) return { givenName: words[0] ?? null, familyName: null }
  return { givenName: words.slice(0, -1).join(' '), familyName: words.at(-1) ?? null }
}

/** Name parts win over `formatted` (Okta echoes our formatted back beside changed parts). */
export function personName(model: ScimUserModel): string | null {
  const { givenName, middleName, familyName, formatted } = model.name
  const joined = [givenName, middleName, familyName].filter(Boolean).join(' ')
  return joined || formatted || model.displayName || null
}

export interface ScimPersonFields {
  /** Lower case: the userName when it is an email, else the primary (or work, or first) email. */
  email: string
  scimUserName: string
  name: string | null
  externalId: string | null
  department: string | null
  /** Every other email the IdP gave, lower case: they become the person's aliases. */
  aliases: string[]
  /** undefined: leave the stored login alone. */
  githubLogin?: string | null
}

export function toPersonFields(model: ScimUserModel): ScimResult<ScimPersonFields> {
  const chosen = isEmail(model.userName)
    ? model.userName
    : (
        model.emails.find((e) => e.primary) ??
        model.emails.find((e) => e.type?.toLowerCase() === 'work') ??
        model.emails[0]
      )?.value
  if (!isEmail(chosen))
    return badRequest(
      'invalidValue',
      'a User needs an email: userName is not one and emails has no valid value'
    )
  const email = chosen.toLowerCase()
  const aliases = [
    ...new Set(model.emails.map((e) => e.value.toLowerCase()).filter((e) => isEmail(e))),
  ].filter((e) => e !== email)
  return ok({
    email,
    scimUserName: model.userName,
    name: personName(model),
    externalId: model.externalId,
    department: model.department,
    aliases,
    ...(model.githubLogin !== undefined ? { githubLogin: model.githubLogin } : {}),
  })
}

/** What the stored person looks like to the IdP, as the model a PATCH starts from. */
export function modelFromPerson(
  person: Person,
  aliases: string[],
  manager: ScimManager | null
): ScimUserModel {
  const parts = splitName(person.name)
  return {
    userName: person.scimUserName ?? person.email,
    externalId: person.externalId,
    name: {
      formatted: person.name,
      givenName: parts.givenName,
      middleName: null,
      familyName: parts.familyName,
    },
    displayName: person.name,
    emails: [
      { value: person.email, type: 'work', primary: true },
      ...aliases.map((value) => ({ value, type: 'other', primary: false })),
    ],
    active: person.status === 'active',
    department: person.department,
    manager,
    githubLogin: person.githubLogin,
  }
}

/** The manager as returned: the manager's SCIM id when they are provisioned, else their email. */
export interface ManagerRef {
  id: string | null
  email: string
}

export function toScimUser(
  person: Person,
  aliases: string[],
  manager: ManagerRef | null,
  usersUrl: string
) {
  const model = modelFromPerson(
    person,
    aliases,
    manager ? { value: manager.id ?? manager.email, displayName: manager.email } : null
  )
  const drop = <T extends Record<string, unknown>>(o: T) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined))
  const enterprise = drop({
    department: model.department,
    manager: model.manager
      ? drop({
          value: model.manager.value,
          $ref: manager?.id ? `${usersUrl}/${manager.id}` : null,
          displayName: model.manager.displayName,
        })
      : null,
  })
  return {
    schemas: [
      CORE_USER_SCHEMA,
      ENTERPRISE_USER_SCHEMA,
      ...(person.githubLogin ? [CONSENTRY_USER_SCHEMA] : []),
    ],
    id: person.id,
    ...drop({ externalId: model.externalId }),
    userName: model.userName,
    ...(person.name ? { name: drop(model.name), displayName: person.name } : {}),
    emails: model.emails,
    active: model.active,
    [ENTERPRISE_USER_SCHEMA]: enterprise,
    ...(person.githubLogin ? { [CONSENTRY_USER_SCHEMA]: { githubLogin: person.githubLogin } } : {}),
    meta: {
      resourceType: 'User',
      created: person.createdAt.toISOString(),
      lastModified: person.updatedAt.toISOString(),
      location: `${usersUrl}/${person.id}`,
      version: `W/"${person.updatedAt.getTime()}"`,
    },
  }
}

export type ScimUser = ReturnType<typeof toScimUser>
