// SCIM PATCH (RFC 7644 §3.5.2) on a User, in the forms Okta and Entra send: ops in any case,
// with or without a path, value filters on emails, Entra's "True"/"False" strings, dotted and
// URN-prefixed keys in a path-less value. Pure: the model in, the patched model (or why not) out.
import { z } from 'zod'
import { badRequest, ok, type ScimResult } from './scim-errors.ts'
import {
  CONSENTRY_USER_SCHEMA,
  ENTERPRISE_USER_SCHEMA,
  matchesScimFilter,
  parseScimPath,
  type ScimFilter,
  type ScimPath,
} from './scim-filter.ts'
import {
  canonicalKeys,
  normaliseEmails,
  normaliseManager,
  ScimBoolean,
  ScimGithubLogin,
  ScimManagerValue,
  type ScimEmail,
  type ScimUserModel,
} from './scim-user.ts'

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'

const Operation = z.preprocess(
  (v) => canonicalKeys(v, ['op', 'path', 'value']),
  z.object({
    op: z
      .string()
      .transform((s) => s.toLowerCase())
      .pipe(z.enum(['add', 'replace', 'remove'], 'op must be add, replace or remove')),
    path: z.string().trim().max(2000).nullish(),
    value: z.unknown().optional(),
  })
)

export const PatchOpBody = z.preprocess(
  (v) => canonicalKeys(v, ['schemas', 'Operations']),
  z.object({
    schemas: z.array(z.string()).nullish(),
    Operations: z.array(Operation).min(1, 'Operations must not be empty').max(100),
  })
)
export type PatchOpBody = z.infer<typeof PatchOpBody>
type Op = PatchOpBody['Operations'][number]['op']

/** Attributes of the User schemas Consentry accepts and does not keep: ignored, not refused. */
const IGNORED_CORE = new Set([
  'nickname',
  'profileurl',
  'title',
  'usertype',
  'preferredlanguage',
  'locale',
  'timezone',
  'password',
  'phonenumbers',
  'ims',
  'photos',
  'addresses',
  'entitlements',
  'roles',
  'x509certificates',
])
const IGNORED_ENTERPRISE = new Set(['employeenumber', 'costcenter', 'organization', 'division'])
const READ_ONLY = new Set(['id', 'meta', 'groups'])
const NAME_PARTS = {
  formatted: 'formatted',
  givenname: 'givenName',
  middlename: 'middleName',
  familyname: 'familyName',
} as const
const IGNORED_NAME_PARTS = new Set(['honorificprefix', 'honorificsuffix'])

type Step = ScimResult<null>
const done: Step = ok(null)

function text(value: unknown, what: string): ScimResult<string | null> {
  if (value === null || value === undefined) return ok(null)
  if (typeof value === 'string') return ok(value.trim() || null)
  return badRequest('invalidValue', `${what} must be a string`)
}

function parsed<T>(schema: z.ZodType<T>, value: unknown, what: string): ScimResult<T> {
  const r = schema.safeParse(value)
  if (r.success) return ok(r.data)
  return badRequest('invalidValue', `${what}: ${r.error.issues[0]?.message ?? 'invalid'}`)
}

interface Draft {
  model: ScimUserModel
  /** Name parts an operation set: `formatted` alone replaces the parts guessed from the name. */
  nameTouched: Set<string>
}

function applyName(draft: Draft, op: Op, path: ScimPath, value: unknown): Step {
  if (path.filter) return badRequest('invalidPath', 'name is not multi-valued')
  const name = draft.model.name
  if (!path.sub) {
    if (op === 'remove') {
      for (const [lower, key] of Object.entries(NAME_PARTS)) {
        name[key] = null
        draft.nameTouched.add(lower)
      }
      return done
    }
    if (!value || typeof value !== 'object' || Array.isArray(value))
      return badRequest('invalidValue', 'name must be an object')
    for (const [k, v] of Object.entries(value)) {
      const key = NAME_PARTS[k.toLowerCase() as keyof typeof NAME_PARTS]
      if (!key) continue
      const t = text(v, `name.${k}`)
      if (!t.ok) return t
      name[key] = t.value
      draft.nameTouched.add(k.toLowerCase())
    }
    return done
  }
  const key = NAME_PARTS[path.sub as keyof typeof NAME_PARTS]
  if (!key) {
    if (IGNORED_NAME_PARTS.has(path.sub)) return done
    return badRequest('invalidPath', `name has no sub-attribute "${path.sub}"`)
  }
  const t = op === 'remove' ? ok(null) : text(value, `name.${key}`)
  if (!t.ok) return t
  name[key] = t.value
  draft.nameTouched.add(path.sub)
  return done
}

const EmailObject = z.object({
  value: z.string().trim().min(1).max(320),
  type: z.string().trim().max(50).nullish(),
  primary: ScimBoolean.nullish(),
})
const emailKeys = (v: unknown) => canonicalKeys(v, ['value', 'type', 'primary'])
const EmailValue = z.preprocess(emailKeys, EmailObject)
const EmailPatch = z.preprocess(emailKeys, EmailObject.partial())
const EmailList = z.union([EmailValue.transform((e) => [e]), z.array(EmailValue).max(50)])

const emailRecord = (e: ScimEmail): Record<string, unknown> => ({
  value: e.value,
  type: e.type,
  primary: e.primary,
})

/** The values an `eq` filter pins down (type eq "work" and ...): what a new email starts with. */
function pinnedBy(filter: ScimFilter): Partial<Record<string, unknown>> {
  if (filter.op === 'and') return { ...pinnedBy(filter.left), ...pinnedBy(filter.right) }
  if (filter.op === 'eq') return { [filter.path.attr]: filter.value }
  return {}
}

function keepOnePrimary(emails: ScimEmail[], preferred?: ScimEmail): ScimEmail[] {
  const primary = (preferred?.primary ? preferred : undefined) ?? emails.find((e) => e.primary)
  return emails.map((e) => ({ ...e, primary: e === primary }))
}

function applyEmails(draft: Draft, op: Op, path: ScimPath, value: unknown): Step {
  const model = draft.model
  if (!path.filter) {
    if (path.sub)
      return badRequest(
        'invalidPath',
        `emails.${path.sub} needs a value filter, as in emails[type eq "work"].${path.sub}`
      )
    if (op === 'remove') {
      // Entra removes values by listing them; without a list, every email goes.
      const listed = EmailList.safeParse(value)
      const drop = listed.success ? new Set(listed.data.map((e) => e.value.toLowerCase())) : null
      model.emails = drop ? model.emails.filter((e) => !drop.has(e.value.toLowerCase())) : []
      return done
    }
    const list = parsed(EmailList, value, 'emails')
    if (!list.ok) return list
    const incoming = normaliseEmails(list.value)
    if (op === 'replace') {
      model.emails = keepOnePrimary(incoming)
      return done
    }
    const known = new Set(model.emails.map((e) => e.value.toLowerCase()))
    const merged = [...model.emails, ...incoming.filter((e) => !known.has(e.value.toLowerCase()))]
    model.emails = keepOnePrimary(
      merged,
      incoming.find((e) => e.primary)
    )
    return done
  }
  const filter = path.filter
  const matches = (e: ScimEmail) => matchesScimFilter(emailRecord(e), filter)
  if (op === 'remove') {
    if (!path.sub || path.sub === 'value') model.emails = model.emails.filter((e) => !matches(e))
    else if (path.sub === 'type')
      model.emails = model.emails.map((e) => (matches(e) ? { ...e, type: null } : e))
    else if (path.sub === 'primary')
      model.emails = model.emails.map((e) => (matches(e) ? { ...e, primary: false } : e))
    else if (path.sub !== 'display')
      return badRequest('invalidPath', `emails has no sub-attribute "${path.sub}"`)
    return done
  }
  let patch: Partial<ScimEmail>
  if (!path.sub) {
    const one = parsed(EmailPatch, value, 'emails value')
    if (!one.ok) return one
    const { value: v, type, primary } = one.value
    patch = {
      ...(v !== undefined ? { value: v } : {}),
      ...(type !== undefined ? { type } : {}),
      ...(primary !== undefined ? { primary: primary === true } : {}),
    }
  } else if (path.sub === 'value') {
    const v = parsed(z.string().trim().min(1).max(320), value, 'email value')
    if (!v.ok) return v
    patch = { value: v.value }
  } else if (path.sub === 'type') {
    const v = text(value, 'email type')
    if (!v.ok) return v
    patch = { type: v.value }
  } else if (path.sub === 'primary') {
    const v = parsed(ScimBoolean, value, 'email primary')
    if (!v.ok) return v
    patch = { primary: v.value }
  } else if (path.sub === 'display') {
    return done
  } else {
    return badRequest('invalidPath', `emails has no sub-attribute "${path.sub}"`)
  }
  if (model.emails.some(matches)) {
    const updated = model.emails.map((e) => (matches(e) ? { ...e, ...patch } : e))
    model.emails = keepOnePrimary(updated, patch.primary ? updated.find(matches) : undefined)
    return done
  }
  // Nothing matched: Entra adds a work email this way, so create the value the filter describes.
  const pinned = pinnedBy(filter)
  const newValue = patch.value ?? (typeof pinned.value === 'string' ? pinned.value : null)
  if (!newValue)
    return badRequest('noTarget', 'no email matches the filter, and it names no value to add')
  const added: ScimEmail = {
    value: newValue,
    type:
      patch.type !== undefined ? patch.type : typeof pinned.type === 'string' ? pinned.type : null,
    primary: patch.primary ?? pinned.primary === true,
  }
  model.emails = keepOnePrimary([...model.emails, added], added)
  return done
}

function applyEnterprise(draft: Draft, op: Op, path: ScimPath, value: unknown): Step {
  const model = draft.model
  if (path.filter) return badRequest('invalidPath', `${path.attr} is not multi-valued`)
  if (path.attr === 'department') {
    if (path.sub) return badRequest('invalidPath', 'department has no sub-attributes')
    const t = op === 'remove' ? ok(null) : text(value, 'department')
    if (!t.ok) return t
    model.department = t.value
    return done
  }
  if (path.attr === 'manager') {
    if (op === 'remove') {
      model.manager = null
      return done
    }
    if (!path.sub) {
      const m = parsed(ScimManagerValue.nullable(), value, 'manager')
      if (!m.ok) return m
      model.manager = normaliseManager(m.value)
      return done
    }
    if (path.sub !== 'value' && path.sub !== 'displayname')
      return path.sub === '$ref'
        ? done
        : badRequest('invalidPath', `manager has no sub-attribute "${path.sub}"`)
    const t = text(value, `manager.${path.sub}`)
    if (!t.ok) return t
    const current = model.manager ?? { value: null, displayName: null }
    const next =
      path.sub === 'value' ? { ...current, value: t.value } : { ...current, displayName: t.value }
    model.manager = next.value || next.displayName ? next : null
    return done
  }
  if (IGNORED_ENTERPRISE.has(path.attr)) return done
  return badRequest('invalidPath', `the enterprise extension has no attribute "${path.attr}"`)
}

/** The Consentry extension: githubLogin. */
function applyConsentry(draft: Draft, op: Op, path: ScimPath, value: unknown): Step {
  if (path.attr !== 'githublogin')
    return badRequest('invalidPath', `the Consentry extension has no attribute "${path.attr}"`)
  if (path.filter || path.sub) return badRequest('invalidPath', 'githubLogin has no sub-attributes')
  const login = op === 'remove' ? ok(null) : parsed(ScimGithubLogin, value, 'githubLogin')
  if (!login.ok) return login
  draft.model.githubLogin = login.value
  return done
}

function applyCore(draft: Draft, op: Op, path: ScimPath, value: unknown): Step {
  const model = draft.model
  const attr = path.attr
  // Entra's Example 5 sends "manager" without its URN; core User has no such names to clash.
  if (attr === 'manager' || attr === 'department' || IGNORED_ENTERPRISE.has(attr))
    return applyEnterprise(draft, op, path, value)
  if (attr === 'name') return applyName(draft, op, path, value)
  if (attr === 'emails') return applyEmails(draft, op, path, value)
  if (READ_ONLY.has(attr)) return badRequest('mutability', `${attr} is read-only`)
  if (IGNORED_CORE.has(attr)) return done
  if (attr !== 'username' && attr !== 'externalid' && attr !== 'displayname' && attr !== 'active')
    return badRequest('invalidPath', `User has no attribute "${attr}"`)
  if (path.filter || path.sub) return badRequest('invalidPath', `${attr} has no sub-attributes`)
  if (attr === 'active') {
    if (op === 'remove') return badRequest('invalidValue', 'active cannot be removed')
    const b = parsed(ScimBoolean, value, 'active')
    if (!b.ok) return b
    model.active = b.value
    return done
  }
  const t = op === 'remove' ? ok(null) : text(value, attr)
  if (!t.ok) return t
  if (attr === 'username') {
    if (!t.value) return badRequest('invalidValue', 'userName is required')
    if (t.value.length > 320) return badRequest('invalidValue', 'userName is too long')
    model.userName = t.value
  } else if (attr === 'externalid') model.externalId = t.value
  else model.displayName = t.value
  return done
}

function applyAt(draft: Draft, op: Op, path: ScimPath, value: unknown): Step {
  if (path.schema === 'core') return applyCore(draft, op, path, value)
  if (path.schema === 'enterprise') return applyEnterprise(draft, op, path, value)
  if (path.schema === 'consentry') return applyConsentry(draft, op, path, value)
  return badRequest('invalidPath', `schema ${path.schema} is not supported`)
}

/** add/replace without a path: every key of the value is a path (Okta's {"active": false}). */
function applyValueObject(draft: Draft, op: Op, value: unknown): Step {
  if (op === 'remove') return badRequest('noTarget', 'remove needs a path')
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return badRequest('invalidValue', 'an operation without a path needs an object value')
  for (const [key, v] of Object.entries(value)) {
    const lower = key.toLowerCase()
    if (lower === 'schemas' || lower === 'id' || lower === 'meta') continue
    const extension = [ENTERPRISE_USER_SCHEMA, CONSENTRY_USER_SCHEMA].find(
      (urn) => urn.toLowerCase() === lower
    )
    if (extension) {
      if (!v || typeof v !== 'object' || Array.isArray(v))
        return badRequest('invalidValue', `${extension} must be an object`)
      for (const [k, ev] of Object.entries(v)) {
        const step = applyPath(draft, op, `${extension}:${k}`, ev)
        if (!step.ok) return step
      }
      continue
    }
    const step = applyPath(draft, op, key, v)
    if (!step.ok) return step
  }
  return done
}

function applyPath(draft: Draft, op: Op, pathText: string, value: unknown): Step {
  const path = parseScimPath(pathText)
  if (!path.ok) return path
  return applyAt(draft, op, path.value, value)
}

export function applyScimPatch(
  current: ScimUserModel,
  body: PatchOpBody
): ScimResult<ScimUserModel> {
  const draft: Draft = { model: structuredClone(current), nameTouched: new Set() }
  for (const [index, operation] of body.Operations.entries()) {
    const step = operation.path
      ? applyPath(draft, operation.op, operation.path, operation.value)
      : applyValueObject(draft, operation.op, operation.value)
    if (!step.ok) return { ...step, detail: `Operations[${index}]: ${step.detail}` }
  }
  const name = draft.model.name
  const partTouched = ['givenname', 'middlename', 'familyname'].some((p) =>
    draft.nameTouched.has(p)
  )
  // A new formatted name alone replaces the parts the stored name was split into.
  if (draft.nameTouched.has('formatted') && !partTouched)
    draft.model.name = { ...name, givenName: null, middleName: null, familyName: null }
  return ok(draft.model)
}
