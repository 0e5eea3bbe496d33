// Looks a requested scope up in its provider's catalog and says, in plain words, what it allows.
import { SCOPE_CATALOGS } from '../catalog/scopes/index.ts'
import type { ExplainedScope, Provider, ScopeInfo } from './types.ts'

type Audience = ExplainedScope['audience']

/** OpenID Connect scopes mean the same on every provider, including unknown ones. */
const OIDC: Record<string, Omit<ScopeInfo, 'scope' | 'source'>> = {
  openid: {
    resource: 'Identity',
    access: 'identity',
    risk: 'low',
    description: 'Sign you in with your account',
  },
  email: {
    resource: 'Identity',
    access: 'identity',
    risk: 'low',
    description: 'See your email address',
  },
  profile: {
    resource: 'Identity',
    access: 'identity',
    risk: 'low',
    description: 'See your name and profile picture',
  },
  offline_access: {
    resource: 'Identity',
    access: 'identity',
    risk: 'low',
    description: 'Keep access when you are not using the app (refresh token)',
  },
  address: {
    resource: 'Identity',
    access: 'identity',
    risk: 'low',
    description: 'See your postal address',
  },
  phone: {
    resource: 'Identity',
    access: 'identity',
    risk: 'low',
    description: 'See your phone number',
  },
}

/** Resource prefixes Microsoft accepts in front of a Graph (or Exchange) permission name. */
const MICROSOFT_PREFIXES = [
  'https://graph.microsoft.com/',
  '00000003-0000-0000-c000-000000000000/',
  'https://outlook.office.com/',
  'https://outlook.office365.com/',
  'https://graph.microsoft.us/',
  'https://microsoftgraph.chinacloudapi.cn/',
]

let index: Map<Provider, Map<string, ScopeInfo>> | null = null

function catalogIndex(): Map<Provider, Map<string, ScopeInfo>> {
  if (index) return index
  index = new Map()
  for (const catalog of Object.values(SCOPE_CATALOGS)) {
    const byScope = new Map<string, ScopeInfo>()
    for (const entry of catalog.entries) byScope.set(entry.scope.toLowerCase(), entry)
    index.set(catalog.provider, byScope)
  }
  return index
}

function canonical(provider: Provider, scope: string): string {
  const lower = scope.toLowerCase()
  if (provider === 'microsoft') {
    for (const prefix of MICROSOFT_PREFIXES) {
      if (lower.startsWith(prefix)) return lower.slice(prefix.length)
    }
  }
  return lower
}

export function explainScope(
  provider: Provider,
  scope: string,
  audience: Audience = 'scope'
): ExplainedScope {
  const key = canonical(provider, scope)
  const info = catalogIndex().get(provider)?.get(key) ?? null
  if (info) {
    const { resource, access, description, risk } = info
    return { scope, audience, known: true, resource, access, description, risk }
  }
  const oidc = OIDC[key]
  if (oidc) return { scope, audience, known: true, ...oidc }
  if (provider === 'microsoft' && key.endsWith('/.default')) {
    return {
      scope,
      audience,
      known: false,
      resource: key.slice(0, -'/.default'.length),
      access: 'read',
      description: 'Every permission the app was given in its registration (not listed here)',
      risk: 'high',
    }
  }
  return {
    scope,
    audience,
    known: false,
    resource: 'Unknown',
    access: 'read',
    description: `A permission Consentry does not know ("${scope.slice(0, 120)}")`,
    risk: 'medium',
  }
}
