// Turns a URL seen in the browser into "who is being asked to grant what to whom", or null.
import { IDP_RULES, type IdpRule } from './idps/index.ts'
import { buildRequest, splitScopes, type ParseContext } from './idps/rule.ts'
import { readQuery, type QueryParams } from './read-query.ts'
import type { ConsentRequest } from './types.ts'

/** Longer than any real authorization request; such inputs are not worth parsing. */
const MAX_URL_LENGTH = 65_536
const MAX_NESTING = 3

const BY_HOST = new Map<string, IdpRule>()
const BY_SUFFIX = new Map<string, IdpRule>()
for (const rule of IDP_RULES) {
  for (const host of rule.hosts) BY_HOST.set(host, rule)
  for (const suffix of rule.hostSuffixes ?? []) BY_SUFFIX.set(suffix, rule)
}

/** The rule for a host: one Map lookup for exact hosts, then one per parent domain. */
export function findIdpRule(host: string): IdpRule | null {
  const exact = BY_HOST.get(host)
  if (exact) return exact
  if (BY_SUFFIX.size === 0) return null
  let dot = host.indexOf('.')
  while (dot !== -1) {
    const rule = BY_SUFFIX.get(host.slice(dot))
    if (rule) return rule
    dot = host.indexOf('.', dot + 1)
  }
  return null
}

/**
 * The host of an http(s) URL by string scanning, without allocating a URL. Returns null for other
 * schemes and for anything unusual (userinfo, escapes, IPv6): those take the full parse.
 */
function quickHost(url: string): string | null | undefined {
  let start: number
  const c4 = url.charCodeAt(4)
  if (c4 === 58 /* : */ && url.startsWith('http://')) start = 7
  else if (c4 === 115 /* s */ && url.startsWith('https://')) start = 8
  else return /^\s*https?:/i.test(url.slice(0, 16)) ? null : undefined
  let end = start
  for (; end < url.length; end++) {
    const c = url.charCodeAt(end)
    if (c === 47 || c === 63 || c === 35) break // / ? #
    const lower = c >= 97 && c <= 122
    const digit = c >= 48 && c <= 57
    if (!lower && !digit && c !== 46 && c !== 45) {
      if (c === 58) break // port follows
      return null // upper case, userinfo, backslash, percent... let URL decide
    }
  }
  return url.slice(start, end)
}

/** Cheap string test before a full parse: consent pages name a client, or are known exceptions. */
function isCandidate(url: string, host: string, rule: IdpRule): boolean {
  if (url.includes('client_id')) return true
  if (!rule.pagesWithoutClientId) return false
  const pathStart = url.indexOf(host) + host.length
  let end = url.length
  for (let i = pathStart; i < url.length; i++) {
    const c = url.charCodeAt(i)
    if (c === 63 || c === 35) {
      end = i
      break
    }
  }
  return rule.pagesWithoutClientId.test(url.slice(pathStart, end))
}

function hasGenericShape(url: string): boolean {
  return (
    url.includes('client_id=') && url.includes('response_type=') && url.includes('redirect_uri=')
  )
}

function parseWithRule(url: URL, rule: IdpRule | null, depth: number): ConsentRequest | null {
  const ctx: ParseContext = {
    parseNested(raw, base) {
      if (depth >= MAX_NESTING || raw.length > MAX_URL_LENGTH) return null
      let inner: URL
      try {
        inner = new URL(raw, base)
      } catch {
        return null
      }
      if (inner.protocol !== 'https:' && inner.protocol !== 'http:') return null
      const found = parseParsed(inner, depth + 1)
      return found ? { ...found, nested: true } : null
    },
  }
  const params = readQuery(url.search)
  if (rule) return rule.parse(url, params, ctx)
  return parseGeneric(url, params)
}

function parseParsed(url: URL, depth: number): ConsentRequest | null {
  const rule = findIdpRule(url.hostname)
  if (!rule && !hasGenericShape(url.search)) return null
  return parseWithRule(url, rule, depth)
}

/** Any OAuth 2.0 authorization request on a host no rule knows. */
function parseGeneric(url: URL, params: QueryParams): ConsentRequest | null {
  if (!params.get('client_id') || !params.get('response_type') || !params.get('redirect_uri')) {
    return null
  }
  return buildRequest('other', url, params, { scopes: splitScopes(params.get('scope'), true) })
}

export function parseConsentUrl(url: string): ConsentRequest | null {
  try {
    if (typeof url !== 'string' || url.length > MAX_URL_LENGTH) return null
    const host = quickHost(url)
    if (host === undefined) return null // not http(s): mailto:, data:, chrome:, about:...
    if (host !== null) {
      const rule = findIdpRule(host)
      if (rule ? !isCandidate(url, host, rule) : !hasGenericShape(url)) return null
    }
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      return null
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null
    return parseParsed(parsed, 0)
  } catch {
    return null
  }
}
