// SCIM filters and attribute paths (RFC 7644 §3.4.2.2, §3.10): `userName eq "a@b.c"`,
// `emails[type eq "work"].value`, `urn:...:enterprise:2.0:User:manager`. Names, operators and
// schema URNs are case-insensitive; parsed names are lower case.
import { badRequest, ok, type ScimResult } from './scim-errors.ts'

export const CORE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User'
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'
/** Consentry's own User extension: the person's GitHub login (GitHub finds members by login). */
export const CONSENTRY_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:consentry:2.0:User'

export interface ScimPath {
  /** 'core', 'enterprise', 'consentry', or another schema URN as given, lower case. */
  schema: string
  /** The attribute, lower case. */
  attr: string
  /** A value filter on a multi-valued attribute: `emails[type eq "work"]`. */
  filter: ScimFilter | null
  /** A sub-attribute, lower case: `name.givenName`, `emails[...].value`. */
  sub: string | null
}

export type FilterValue = string | number | boolean | null
export const COMPARE_OPS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const
export type CompareOp = (typeof COMPARE_OPS)[number]

export type ScimFilter =
  | { op: 'and' | 'or'; left: ScimFilter; right: ScimFilter }
  | { op: 'not'; filter: ScimFilter }
  | { op: CompareOp; path: ScimPath; value: FilterValue }
  | { op: 'pr'; path: ScimPath }

const MAX_LENGTH = 2000
const MAX_DEPTH = 20

class SyntaxProblem extends Error {}

/** The schema of a URN prefix ('urn:...:User:'), or 'core' when there is none. */
export function schemaOf(urn: string | undefined): string {
  if (!urn) return 'core'
  const s = urn.replace(/:$/, '').toLowerCase()
  if (s === CORE_USER_SCHEMA.toLowerCase()) return 'core'
  if (s === ENTERPRISE_USER_SCHEMA.toLowerCase()) return 'enterprise'
  if (s === CONSENTRY_USER_SCHEMA.toLowerCase()) return 'consentry'
  return s
}

function createParser(text: string) {
  let i = 0
  let depth = 0
  const problem = (what: string): never => {
    throw new SyntaxProblem(`${what} at position ${i + 1}`)
  }
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i] ?? '')) i += 1
  }
  const eat = (ch: string) => {
    skipSpace()
    if (text[i] !== ch) return false
    i += 1
    return true
  }
  const expect = (ch: string) => {
    if (!eat(ch)) problem(`expected "${ch}"`)
  }
  /** A case-insensitive keyword followed by a space, a parenthesis or the end. */
  const keyword = (word: string) => {
    const start = i
    skipSpace()
    const next = text.slice(i, i + word.length)
    const after = text[i + word.length]
    if (next.toLowerCase() === word && (after === undefined || /[\s(]/.test(after))) {
      i += word.length
      return true
    }
    i = start
    return false
  }

  const NAME = /(urn:[a-z0-9.:_-]*:)?([$a-z][\w$-]*)(?:\.([$a-z][\w$-]*))?/iy
  function path(): ScimPath {
    skipSpace()
    NAME.lastIndex = i
    const m = NAME.exec(text)
    if (!m) return problem('expected an attribute name')
    i = NAME.lastIndex
    const result: ScimPath = {
      schema: schemaOf(m[1]),
      attr: (m[2] ?? '').toLowerCase(),
      filter: null,
      sub: m[3]?.toLowerCase() ?? null,
    }
    if (text[i] === '[') {
      if (result.sub) problem('a value filter must follow the attribute, not its sub-attribute')
      i += 1
      result.filter = or()
      expect(']')
      if (text[i] === '.') {
        i += 1
        const sub = /[$a-z][\w$-]*/iy
        sub.lastIndex = i
        const s = sub.exec(text)
        if (!s) problem('expected a sub-attribute name')
        i = sub.lastIndex
        result.sub = s![0].toLowerCase()
      }
    }
    return result
  }

  function value(): FilterValue {
    skipSpace()
    if (text[i] === '"') {
      let j = i + 1
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1
      if (j >= text.length) problem('unterminated string')
      const literal = text.slice(i, j + 1)
      i = j + 1
      try {
        return JSON.parse(literal) as string
      } catch {
        return problem('invalid string escape')
      }
    }
    const word = /[^\s()[\]]+/y
    word.lastIndex = i
    const m = word.exec(text)
    if (!m) return problem('expected a value')
    i = word.lastIndex
    const w = m[0]
    if (/^(true|false)$/i.test(w)) return w.toLowerCase() === 'true'
    if (/^null$/i.test(w)) return null
    if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(w)) return Number(w)
    // Unquoted text is not RFC 7644, but Entra's own documentation sends `externalId eq jyoung`.
    return w
  }

  function comparison(): ScimFilter {
    const p = path()
    skipSpace()
    const opMatch = /[a-z]{2}/iy
    opMatch.lastIndex = i
    const m = opMatch.exec(text)
    if (!m) return problem('expected an operator')
    const op = m[0].toLowerCase()
    i = opMatch.lastIndex
    if (op === 'pr') return { op: 'pr', path: p }
    if (!(COMPARE_OPS as readonly string[]).includes(op)) return problem(`unknown operator "${op}"`)
    return { op: op as CompareOp, path: p, value: value() }
  }

  function unary(): ScimFilter {
    depth += 1
    if (depth > MAX_DEPTH) problem('filter nested too deeply')
    let result: ScimFilter
    if (keyword('not')) {
      expect('(')
      result = { op: 'not', filter: or() }
      expect(')')
    } else if (eat('(')) {
      result = or()
      expect(')')
    } else {
      result = comparison()
    }
    depth -= 1
    return result
  }

  function and(): ScimFilter {
    let left = unary()
    while (keyword('and')) left = { op: 'and', left, right: unary() }
    return left
  }

  function or(): ScimFilter {
    let left = and()
    while (keyword('or')) left = { op: 'or', left, right: and() }
    return left
  }

  function end() {
    skipSpace()
    if (i < text.length) problem(`unexpected "${text.slice(i, i + 20)}"`)
  }

  return { or, path, end }
}

export function parseScimFilter(text: string): ScimResult<ScimFilter> {
  if (text.length > MAX_LENGTH) return badRequest('invalidFilter', 'filter is too long')
  try {
    const parser = createParser(text)
    const filter = parser.or()
    parser.end()
    return ok(filter)
  } catch (error) {
    if (!(error instanceof SyntaxProblem)) throw error
    return badRequest('invalidFilter', `filter: ${error.message}`)
  }
}

export function parseScimPath(text: string): ScimResult<ScimPath> {
  if (text.length > MAX_LENGTH) return badRequest('invalidPath', 'path is too long')
  try {
    const parser = createParser(text)
    const path = parser.path()
    parser.end()
    return ok(path)
  } catch (error) {
    if (!(error instanceof SyntaxProblem)) throw error
    return badRequest('invalidPath', `path "${text}": ${error.message}`)
  }
}

function compare(actual: unknown, op: CompareOp, expected: FilterValue): boolean {
  if (typeof actual === 'string' && typeof expected === 'string') {
    // Sub-attributes filtered in PATCH paths (type, value) are not case-exact (RFC 7643 §4.1.2).
    const a = actual.toLowerCase()
    const e = expected.toLowerCase()
    if (op === 'eq') return a === e
    if (op === 'ne') return a !== e
    if (op === 'co') return a.includes(e)
    if (op === 'sw') return a.startsWith(e)
    if (op === 'ew') return a.endsWith(e)
    if (op === 'gt') return a > e
    if (op === 'ge') return a >= e
    if (op === 'lt') return a < e
    return a <= e
  }
  if (op === 'eq') return (actual ?? null) === expected
  if (op === 'ne') return (actual ?? null) !== expected
  return false
}

/** Whether one value of a multi-valued attribute (keys lower case) matches a value filter. */
export function matchesScimFilter(item: Record<string, unknown>, filter: ScimFilter): boolean {
  switch (filter.op) {
    case 'and':
      return matchesScimFilter(item, filter.left) && matchesScimFilter(item, filter.right)
    case 'or':
      return matchesScimFilter(item, filter.left) || matchesScimFilter(item, filter.right)
    case 'not':
      return !matchesScimFilter(item, filter.filter)
    case 'pr': {
      const v = item[filter.path.attr]
      return v !== undefined && v !== null && v !== ''
    }
    default:
      return compare(item[filter.path.attr], filter.op, filter.value)
  }
}
