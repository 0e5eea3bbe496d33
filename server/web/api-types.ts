// The JSON shapes the admin app reads from /api/v1 (mirrors server/routes and server/db/queries).
export type Role = 'owner' | 'admin' | 'offboarding' | 'auditor'
export type Risk = 'low' | 'medium' | 'high' | 'critical'
export type PolicyAction = 'allow' | 'warn' | 'justify' | 'block'
export type GrantStatus = 'active' | 'denied' | 'revocation_pending' | 'revoked' | 'revoke_failed'

export const ROLES: readonly Role[] = ['owner', 'admin', 'offboarding', 'auditor']
export const RISKS: readonly Risk[] = ['low', 'medium', 'high', 'critical']
export const POLICY_ACTIONS: readonly PolicyAction[] = ['allow', 'warn', 'justify', 'block']

export interface Me {
  id: string
  email: string
  name: string
  role: Role
  orgId: string
  orgName: string
  csrfToken: string
}

export interface Summary {
  aiApps: number
  unsanctionedAiApps: number
  apps: number
  activeGrants: number
  peopleWithAiGrants: number
  highRiskGrants: number
  devices: number
  expiredSanctions?: number
  grantsOverTime?: { week: string; count: number }[]
  byRisk?: Record<Risk, number>
  byProvider?: { provider: string; count: number }[]
  /** Offboarding (optional until every server reports them). */
  leaversWithLiveGrants?: number
  failedRevocations?: number
  reappearedGrants?: number
}

export interface AppRow {
  id: string
  provider: string
  clientId: string
  name: string | null
  vendor: string | null
  toolId: string | null
  isAi: boolean
  category: string | null
  sanctioned: boolean
  ownerEmail: string | null
  sanctionExpiresAt: string | null
  sanctionExpired?: boolean
  policy?: PolicyAction | null
  purpose?: string | null
  firstSeenAt: string
  lastSeenAt: string
  people: number
  activeGrants: number
  highestRisk: Risk | null
}

export interface ExplainedScopeRow {
  scope: string
  audience?: string | null
  known: boolean
  resource: string
  access: string
  description: string
  risk: Risk
}

export interface AppGrantRow {
  id: string
  personId: string | null
  personEmail: string | null
  account: string
  status: GrantStatus
  risk: Risk
  scopes: string[]
  firstSeenAt: string
  lastSeenAt: string
}

export interface AppDetail {
  app: AppRow
  scopes: ExplainedScopeRow[]
  grants: AppGrantRow[]
  policy: { action: PolicyAction | null; effective: PolicyAction }
}

export interface GrantRow {
  id: string
  appId: string
  appName: string | null
  clientId: string
  isAi: boolean
  personId: string | null
  personEmail: string | null
  account: string
  provider: string
  scopes: string[]
  risk: Risk
  offlineAccess: boolean
  status: GrantStatus
  source: 'extension' | 'provider_api'
  firstSeenAt: string
  lastSeenAt: string
}

export interface PersonRow {
  id: string
  email: string
  name: string | null
  status: string
  departureDate: string | null
  activeGrants: number
}

export interface PersonDetail {
  id: string
  email: string
  name: string | null
  status: string
  departureDate: string | null
  grants: GrantRow[]
  devices: {
    id: string
    browser: string | null
    enrolledAt: string
    lastSeenAt: string | null
    revokedAt: string | null
  }[]
}

export interface EnrollmentTokenRow {
  id: string
  label: string
  expiresAt: string
  revokedAt: string | null
  uses: number
  createdAt: string
}

export interface CreatedToken {
  id: string
  token: string
  label: string
  expiresAt: string
}

export interface DeviceRow {
  id: string
  email: string | null
  personId: string | null
  browser: string | null
  extensionVersion: string | null
  enrolledAt: string
  lastSeenAt: string | null
  revokedAt: string | null
}

export interface OrgPolicy {
  byRisk: Record<Risk, PolicyAction>
  apps: { provider: string; clientId: string; action: PolicyAction }[]
  updatedAt: string | null
}

export interface AuditEntry {
  orgId: string
  seq: number
  at: string
  actorType: string
  actorId: string | null
  action: string
  subjectType: string | null
  subjectId: string | null
  data: unknown
  prevHash: string
  hash: string
}

export type AuditVerification =
  | { ok: true; entries: number; lastHash: string | null }
  | { ok: false; entries: number; firstBroken: { seq: number; reason: string } }

export interface AdminRow {
  id: string
  email: string
  name: string
  role: Role
  disabledAt: string | null
  createdAt: string
}

export type RequestStatus = 'open' | 'approved' | 'denied'

export interface ApprovalRequest {
  id: string
  personEmail: string | null
  provider: string
  clientId: string
  appName: string | null
  appId: string | null
  scopes: string[]
  reason: string
  status: RequestStatus
  createdAt: string
  decidedAt: string | null
  decidedBy: string | null
  decisionNote: string | null
}

export interface ApproveInput {
  ownerEmail: string
  purpose: string
  expiresAt: string | null
  scope: 'requester' | 'everyone'
}

import type { AlertEvent } from '../../shared/api/governance.ts'
export { ALERT_EVENTS as WEBHOOK_EVENTS } from '../../shared/api/governance.ts'
export type WebhookEvent = AlertEvent

export interface Webhook {
  id: string
  url: string
  format: 'json' | 'slack'
  events: WebhookEvent[]
  createdAt: string
  disabledAt: string | null
}

export interface WebhookDelivery {
  id: string
  event: string
  status: 'pending' | 'delivered' | 'failed' | 'dead'
  attempts: number
  lastStatus: number | null
  lastError: string | null
  createdAt: string
  deliveredAt: string | null
}

export interface SanctionInput {
  sanctioned: boolean
  ownerEmail: string | null
  purpose: string | null
  expiresAt: string | null
}

// Offboarding: revocation jobs and connections
export const JOB_STATES = [
  'planned',
  'approved',
  'running',
  'revoked',
  'verified',
  'failed',
  'dead',
  'needs_decision',
  'cancelled',
] as const
export type JobState = (typeof JOB_STATES)[number]
export type PlanState = 'planned' | 'approved' | 'running' | 'done' | 'cancelled'
export type PlanScope = 'leaver' | 'app' | 'selection'
/** The providers Consentry can revoke at (server/providers/types.ts PROVIDER_IDS). */
export const CONNECTION_PROVIDERS = ['google', 'microsoft', 'github', 'slack', 'okta'] as const
export type ConnectionProvider = (typeof CONNECTION_PROVIDERS)[number]

export interface RevocationPlanRow {
  id: string
  scope: PlanScope
  subjectId: string | null
  state: PlanState
  createdBy: string | null
  createdAt: string
  approvedBy: string | null
  approvedAt: string | null
  counts: Partial<Record<JobState, number>>
}

export interface RevocationJobRow {
  id: string
  planId: string
  planScope: PlanScope
  planSubjectId: string | null
  grantId: string
  provider: string
  userEmail: string
  clientId: string
  appName: string | null
  personId: string | null
  state: JobState
  attempts: number
  lastStatus: number | null
  lastRequestId: string | null
  lastError: string | null
  updatedAt: string
}

export type RevocationPlanInput =
  | { scope: 'leaver'; personId: string }
  | { scope: 'app'; appId: string }
  | { scope: 'selection'; grantIds: string[] }

/** The dry run of a new plan: how many jobs it holds and which grants it leaves out, and why. */
export interface PlannedRevocation {
  ok: true
  planId: string
  jobs: number
  skipped: { grantId: string; reason: string }[]
}

export interface ProviderFormField {
  key: string
  label: string
  type: 'text' | 'secret' | 'textarea' | 'number' | 'boolean'
  required: boolean
  help?: string | null
  /** The provider's default when the field is left out (booleans show a checkbox when given). */
  default?: string | number | boolean | null
}

export interface ProviderForm {
  id: ConnectionProvider
  name: string
  description: string
  docsUrl: string | null
  fields: ProviderFormField[]
  baseUrlKeys: { key: string; label: string; default: string }[]
}

export interface ProviderConnection {
  provider: ConnectionProvider
  baseUrls: Record<string, string>
  requestsPerSecond: number
  lastTestedAt: string | null
  lastTestOk: boolean | null
  lastTestMessage: string | null
  lastDiscoveryAt: string | null
  updatedAt: string
}

export interface ConnectionInput {
  credentials: Record<string, unknown>
  baseUrls?: Record<string, string>
  requestsPerSecond?: number
}

export interface ScimTokenRow {
  id: string
  label: string
  createdAt: string
  revokedAt: string | null
}

export interface SsfConfig {
  issuer: string
  audience: string
  jwksUrl: string | null
  jwks: { keys: Record<string, unknown>[] } | null
}

export interface FeedSettings {
  scimUrl: string
  hrWebhookUrl: string
  ssfPushUrl: string
  hrSecretSet: boolean
  ssf: SsfConfig | null
  scimTokens: ScimTokenRow[]
}

// Offboarding: leavers and plans
export const LEAVER_WHENS = ['all', 'due', 'overdue', 'upcoming', 'done'] as const
export type LeaverWhen = (typeof LEAVER_WHENS)[number]
export type CaseState = 'open' | 'in_progress' | 'done' | 'cancelled'
export type LeaverSource = 'scim' | 'csv' | 'hr' | 'ssf' | 'manual'

export interface LeaverRow {
  personId: string
  email: string
  name: string | null
  status: string
  departureDate: string | null
  source: LeaverSource | null
  caseId: string
  state: CaseState
  dueDate: string
  liveGrants: number
  highestRisk: Risk | null
  orphanedApps: number
}

/** A live grant of a leaver: revocable by an admin API, or a manual follow-up with the reason. */
export interface CaseGrant {
  id: string
  appId: string
  appName: string | null
  clientId: string
  isAi: boolean
  provider: string
  account: string
  scopes: string[]
  risk: Risk
  status: GrantStatus
  firstSeenAt: string
  lastSeenAt: string
  followUp: string | null
}

export interface OrphanedApp {
  id: string
  name: string | null
  clientId: string
  provider: string
  purpose: string | null
  sanctionExpiresAt: string | null
  successorEmail: string | null
}

export interface OffboardingCase {
  person: {
    id: string
    email: string
    name: string | null
    status: string
    departureDate: string | null
    source: LeaverSource | null
    managerEmail: string | null
    successorEmail: string | null
    aliases: string[]
    githubLogin?: string | null
  }
  case: {
    id: string
    state: CaseState
    dueDate: string
    history: { at: string; by: string; note: string }[]
    createdAt: string
    closedAt: string | null
    closedBy?: string | null
    closeNote?: string | null
  } | null
  toRevoke: CaseGrant[]
  followUps: CaseGrant[]
  orphanedApps: OrphanedApp[]
  liveGrants: number
  /** The leaver's revocation plans, newest first. */
  plans?: Omit<RevocationPlanRow, 'subjectId'>[]
  /** Whether an admin may close the case now; needsNote: only with a note on what is still live. */
  closable?: { ok: boolean; reason: string | null; needsNote?: boolean }
}

export interface MarkLeavingInput {
  email: string
  departureDate: string
  successorEmail: string | null
}

/** What POST /leavers/import did: rows applied, rows already so, rows refused by line. */
export interface ImportLeaversResult {
  applied: number
  unchanged: number
  rejected: { line: number; reason: string }[]
}

export interface PlanJob {
  id: string
  grantId: string
  provider: string
  userEmail: string
  clientId: string
  appName: string | null
  state: JobState
  attempts: number
  lastStatus: number | null
  lastRequestId: string | null
  lastError: string | null
  updatedAt: string
}

export interface RevocationPlanDetail {
  plan: Omit<RevocationPlanRow, 'counts'>
  counts: Partial<Record<JobState, number>>
  jobs: PlanJob[]
}

/** One 'progress' event of GET /revocations/plans/:id/events. */
export interface PlanProgressEvent {
  state: PlanState
  counts: Partial<Record<JobState, number>>
  jobs: Pick<PlanJob, 'id' | 'state' | 'lastError' | 'lastStatus'>[]
}
