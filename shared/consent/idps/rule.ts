// The shape every identity-provider rule in this folder has, and the helpers they share.
import type { ConsentKind, ConsentRequest, PkceMethod, Provider } from '../types.ts'
import { stripSecrets } from '../strip-secrets.ts'
import type { QueryParams } from '../read-query.ts'

export interface IdpRule {
  provider: Exclude<Provider, 'other'>
  /** Exact hosts the rule handles. */
  hosts: readonly string[]
  /** Host suffixes with a leading dot (".okta.com"): any subdomain is handled. */
  hostSuffixes?: readonly string[]
  /**
   * Match patterns of this provider's consent pages, where the extension's warning may appear.
   * Default: every page of `hosts` and `hostSuffixes`. Narrower where a host is a whole product
   * (www.google.com is search; only /device is a consent page).
   */
  consentPages?: readonly string[]
  /**
   * Hosts whose requests the extension observes for the redirect that carries the outcome.
   * Default: `hosts` and `hostSuffixes`. Device-code pages redirect nowhere and are left out.
   */
  observedHosts?: readonly string[]
  /** Recognise the page; null means "not a consent page of this provider". */
  parse(url: URL, params: QueryParams, ctx: ParseContext): ConsentRequest | null
  /**
   * Paths of consent pages that carry no client_id (device code, app install). Every other page
   * must mention client_id somewhere in its URL (nested ones too), which spares a full parse.
   */
  pagesWithoutClientId?: RegExp
  /** Real consent URLs from the provider's documentation; tested against every other rule. */
  examples: readonly string[]
}

export interface ParseContext {
  /** Parse a URL nested in this one (continue=, return_to=); null when it is not a consent. */
  parseNested(raw: string, base: string): ConsentRequest | null
}

export interface RequestFields {
  kind?: ConsentKind
  clientId?: string | null
  appSlug?: string | null
  scopes?: string[]
  userScopes?: string[]
  optionalScopes?: string[]
  tenant?: string | null
  audience?: string | null
  offlineAccess?: boolean
}

const MAX_SCOPES = 200
const MAX_FIELD = 2048

/** Split a scope parameter: spaces always ('+' is already a space), commas where `commas`. */
export function splitScopes(value: string | null, commas = false): string[] {
  if (!value) return []
  const parts = value.split(commas ? /[\s,]+/ : /\s+/)
  const out: string[] = []
  for (const p of parts) {
    if (p && p.length <= MAX_FIELD && !out.includes(p)) out.push(p)
    if (out.length >= MAX_SCOPES) break
  }
  return out
}

function field(value: string | null): string | null {
  if (value === null || value === '') return null
  return value.length > MAX_FIELD ? value.slice(0, MAX_FIELD) : value
}

function pkceOf(params: QueryParams): PkceMethod | null {
  const method = params.get('code_challenge_method')
  if (method === 'S256' || method === 'plain') return method
  return params.has('code_challenge') ? 'plain' : null
}

/** Scopes that ask only for who the user is, across providers (compared lower case). */
const IDENTITY_SCOPES = new Set([
  'openid',
  'email',
  'profile',
  'offline_access',
  'address',
  'phone',
  'https://www.googleapis.com/auth/userinfo.email',
  'https://www.googleapis.com/auth/userinfo.profile',
  'https://www.googleapis.com/auth/plus.me',
  'user.read',
  'https://graph.microsoft.com/user.read',
  'https://graph.microsoft.com/openid',
  'https://graph.microsoft.com/profile',
  'https://graph.microsoft.com/email',
  'https://graph.microsoft.com/offline_access',
  'read:user',
  'user:email',
  'identity.basic',
  'identity.email',
  'identity.avatar',
  'identity.team',
  'read:me',
  'id',
])

export function isIdentityOnly(scopes: readonly string[]): boolean {
  return scopes.length > 0 && scopes.every((s) => IDENTITY_SCOPES.has(s.toLowerCase()))
}

/** consent, or signin_only when every requested scope is an identity scope. */
export function consentOrSignin(scopes: readonly string[]): ConsentKind {
  return isIdentityOnly(scopes) ? 'signin_only' : 'consent'
}

/** Assemble a ConsentRequest from the standard OAuth parameters plus the rule's own fields. */
export function buildRequest(
  provider: Provider,
  url: URL,
  params: QueryParams,
  fields: RequestFields = {}
): ConsentRequest {
  const scopes = fields.scopes ?? splitScopes(params.get('scope'))
  const rawRedirect = field(params.get('redirect_uri'))
  const { redirectUri, redirectHost } = sanitizeRedirect(rawRedirect)
  const offline =
    fields.offlineAccess ??
    (params.get('access_type') === 'offline' ||
      scopes.some((s) => s.toLowerCase() === 'offline_access' || s.endsWith('/offline_access')))
  return {
    provider,
    kind: fields.kind ?? consentOrSignin(scopes),
    host: url.hostname,
    endpoint: url.pathname.length > MAX_FIELD ? url.pathname.slice(0, MAX_FIELD) : url.pathname,
    clientId: fields.clientId !== undefined ? fields.clientId : field(params.get('client_id')),
    appSlug: fields.appSlug ?? null,
    redirectUri,
    redirectHost,
    responseType: field(params.get('response_type')),
    scopes,
    userScopes: fields.userScopes ?? [],
    optionalScopes: fields.optionalScopes ?? [],
    tenant: fields.tenant ?? null,
    audience: fields.audience ?? null,
    loginHint: field(params.get('login_hint')),
    offlineAccess: offline,
    prompt: field(params.get('prompt')),
    pkce: pkceOf(params),
    incrementalAuth: params.get('include_granted_scopes') === 'true',
    nested: false,
  }
}

function sanitizeRedirect(raw: string | null): {
  redirectUri: string | null
  redirectHost: string | null
} {
  if (raw === null) return { redirectUri: null, redirectHost: null }
  const stripped = stripSecrets(raw)
  if (stripped !== null) {
    return { redirectUri: stripped.href, redirectHost: stripped.hostname.toLowerCase() || null }
  }
  // Not a parseable absolute URL: keep only what precedes any query or fragment.
  const cut = raw.split(/[?#]/, 1)[0] ?? ''
  return { redirectUri: cut === '' ? null : cut, redirectHost: null }
}

/** First label of a host under a suffix: ("acme.okta.com", ".okta.com") -> "acme". */
export function subdomainOf(host: string, suffix: string): string | null {
  if (!host.endsWith(suffix)) return null
  const rest = host.slice(0, -suffix.length)
  const label = rest.split('.')[0]
  return label ? label : null
}
