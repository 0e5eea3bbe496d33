// The typed vocabulary of a consent: what parseConsentUrl returns and what classifyConsent adds.

export const PROVIDERS = [
  'google',
  'microsoft',
  'github',
  'slack',
  'atlassian',
  'salesforce',
  'okta',
  'notion',
  'zoom',
  'dropbox',
  'box',
  'hubspot',
  'asana',
  'linear',
  'other',
] as const
export type Provider = (typeof PROVIDERS)[number]

export const CONSENT_KINDS = [
  'consent',
  'admin_consent',
  'signin_only',
  'app_install',
  'device_code',
] as const
export type ConsentKind = (typeof CONSENT_KINDS)[number]

export type PkceMethod = 'S256' | 'plain'

/**
 * An OAuth 2.0 / OIDC authorization request as seen in the browser. It never carries a secret:
 * no code, state, nonce, token, password or client secret, and no full query string.
 */
export interface ConsentRequest {
  provider: Provider
  kind: ConsentKind
  /** Host of the identity provider page that was seen (lower case). */
  host: string
  /** Path of the authorization endpoint (no query), e.g. /o/oauth2/v2/auth. */
  endpoint: string
  /** OAuth client id; null where the page names the app another way (GitHub App slug, device code). */
  clientId: string | null
  /** GitHub App slug for app installs. */
  appSlug: string | null
  /** redirect_uri with any secret-bearing query parameters removed, fragment dropped. */
  redirectUri: string | null
  /** Host of redirectUri, lower case. */
  redirectHost: string | null
  responseType: string | null
  /** Requested scopes, decoded, in request order (for Slack: the bot scopes). */
  scopes: string[]
  /** Slack user_scope: scopes requested on the user's own token. */
  userScopes: string[]
  /** HubSpot optional_scope and similar: scopes the app asks for if the account has them. */
  optionalScopes: string[]
  /** Directory tenant, workspace, org or team the request is pinned to, where the provider has one. */
  tenant: string | null
  /** Okta custom authorization server id, Microsoft v1 resource, Atlassian audience. */
  audience: string | null
  loginHint: string | null
  /** A refresh token is requested (offline_access, access_type=offline, token_access_type=offline...). */
  offlineAccess: boolean
  prompt: string | null
  pkce: PkceMethod | null
  /** Google include_granted_scopes=true: scopes accumulate on top of earlier grants. */
  incrementalAuth: boolean
  /** True when the request was found nested in a login/continue page rather than at the endpoint. */
  nested: boolean
}

export type RiskLevel = 'low' | 'medium' | 'high' | 'critical'
export const RISK_LEVELS: readonly RiskLevel[] = ['low', 'medium', 'high', 'critical']

export type ScopeAccess = 'identity' | 'read' | 'write' | 'admin'

/** One entry of a provider's scope catalog (shared/catalog/scopes/<provider>.ts). */
export interface ScopeInfo {
  /** The scope exactly as the provider documents it (Microsoft Graph: without the resource prefix). */
  scope: string
  /** What it touches, in product words: "Gmail", "Google Drive", "Repositories". */
  resource: string
  access: ScopeAccess
  /** One line an employee understands: "Read all your Google Drive files". */
  description: string
  risk: RiskLevel
  /** Public documentation the entry was taken from. */
  source: string
}

export interface ScopeCatalog {
  provider: Exclude<Provider, 'other'>
  /** Documentation page listing the scopes. */
  source: string
  entries: ScopeInfo[]
}

export const AI_TOOL_CATEGORIES = [
  'meeting_assistant',
  'chat_assistant',
  'writing',
  'coding',
  'search',
  'agent',
  'automation',
  'productivity',
  'sales',
  'support',
  'design',
  'data',
] as const
export type AiToolCategory = (typeof AI_TOOL_CATEGORIES)[number]

export interface KnownClientId {
  provider: Exclude<Provider, 'other'>
  clientId: string
  /** Public page, repository file or document where this client id can be seen. */
  source: string
}

/** One entry of the AI-tool catalog (shared/catalog/ai-tools.ts). */
export interface AiTool {
  /** Stable slug, e.g. "otter-ai". */
  id: string
  name: string
  vendor: string
  category: AiToolCategory
  /** Short description of what the tool does with connected data. */
  description: string
  /** Vendor domains: web app and marketing sites, lower case, no scheme. */
  domains: string[]
  /** Hosts its OAuth redirect_uri points at (often the app domain itself). */
  redirectHosts: string[]
  clientIds: KnownClientId[]
  /** Chrome Web Store ids of the tool's browser extensions, where public. */
  extensionIds: string[]
  /** Public page describing the product (and its integrations). */
  source: string
}

export interface ExplainedScope {
  scope: string
  /** Which request field it came from. */
  audience: 'scope' | 'user_scope' | 'optional_scope'
  known: boolean
  resource: string
  access: ScopeAccess
  description: string
  risk: RiskLevel
}

export interface AppMatch {
  /** How the app was recognised; 'unknown' means it was not found and nothing is guessed. */
  matchedBy: 'client_id' | 'redirect_host' | 'vendor_domain' | 'unknown'
  toolId: string | null
  name: string | null
  vendor: string | null
  isAi: boolean
  category: AiToolCategory | null
}

export interface ConsentClassification {
  app: AppMatch
  scopes: ExplainedScope[]
  risk: RiskLevel
  /** Why the risk is what it is, most important first. */
  reasons: string[]
}
