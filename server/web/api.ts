// The admin API client: same-origin JSON fetches, the CSRF header on writes, server errors surfaced.
import type {
  AdminRow,
  AppDetail,
  AppRow,
  ApprovalRequest,
  ApproveInput,
  AuditEntry,
  AuditVerification,
  CreatedToken,
  DeviceRow,
  EnrollmentTokenRow,
  GrantRow,
  Me,
  OrgPolicy,
  PersonDetail,
  PersonRow,
  PolicyAction,
  RequestStatus,
  Risk,
  Role,
  SanctionInput,
  Summary,
  Webhook,
  WebhookDelivery,
  WebhookEvent,
} from './api-types.ts'
// Offboarding: revocation jobs and connections
import type {
  ConnectionInput,
  ConnectionProvider,
  FeedSettings,
  PlannedRevocation,
  ProviderConnection,
  ProviderForm,
  RevocationJobRow,
  RevocationPlanInput,
  RevocationPlanRow,
  SsfConfig,
} from './api-types.ts'
// Offboarding: leavers and plans
import type {
  ImportLeaversResult,
  LeaverRow,
  LeaverWhen,
  MarkLeavingInput,
  OffboardingCase,
  RevocationPlanDetail,
} from './api-types.ts'

export const API_BASE = '/api/v1'

/** A failed call: the server's error code and message, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export type QueryValue = string | number | boolean | null | undefined
export type Query = Record<string, QueryValue>

/** `?a=1&b=x` from the set values only ('' and null/undefined are left out). */
export function toQueryString(query: Query = {}): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue
    params.set(key, String(value))
  }
  const text = params.toString()
  return text ? `?${text}` : ''
}

export interface ApiOptions {
  fetch?: typeof fetch
  /** Called when a call other than login / me answers 401: the session ended. */
  onUnauthorized?: () => void
}

const SAFE_METHODS = new Set(['GET', 'HEAD'])

export function createApi(options: ApiOptions = {}) {
  const send = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  let csrfToken: string | null = null

  async function request<T>(
    method: string,
    path: string,
    body?: unknown,
    /** A type other than JSON sends `body` as text as it is (a CSV file). */
    bodyType = 'application/json'
  ): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' }
    if (!SAFE_METHODS.has(method)) {
      // Always a type on writes: the server's CSRF check treats a missing type as a form post.
      headers['Content-Type'] = bodyType
      if (csrfToken) headers['X-CSRF-Token'] = csrfToken
    }
    let res: Response
    try {
      res = await send(`${API_BASE}${path}`, {
        method,
        headers,
        credentials: 'same-origin',
        body:
          body === undefined
            ? undefined
            : bodyType === 'application/json'
              ? JSON.stringify(body)
              : String(body),
      })
    } catch {
      throw new ApiError(
        0,
        'network_error',
        'Could not reach the Consentry server. Check your connection and try again.'
      )
    }
    const text = await res.text()
    let json: unknown = null
    try {
      json = text ? JSON.parse(text) : null
    } catch {
      json = null
    }
    if (!res.ok) {
      const error = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error
      const code = typeof error?.code === 'string' ? error.code : 'http_error'
      const message =
        typeof error?.message === 'string' && error.message
          ? error.message
          : `The server answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`
      if (res.status === 401 && path !== '/auth/login' && path !== '/auth/me') {
        csrfToken = null
        options.onUnauthorized?.()
      }
      throw new ApiError(res.status, code, message)
    }
    return json as T
  }

  const get = <T>(path: string, query?: Query) =>
    request<T>('GET', `${path}${toQueryString(query)}`)
  const remember = (me: Me) => {
    csrfToken = me.csrfToken
    return me
  }

  return {
    get csrfToken() {
      return csrfToken
    },
    me: () => get<Me>('/auth/me').then(remember),
    login: (email: string, password: string) =>
      request<Me>('POST', '/auth/login', { email, password }).then(remember),
    logout: async () => {
      try {
        await request<{ ok: true }>('POST', '/auth/logout')
      } finally {
        csrfToken = null
      }
    },

    summary: () => get<Summary>('/summary'),
    listApps: (query: Query) => get<{ items: AppRow[] }>('/apps', query),
    getApp: (id: string) => get<AppDetail>(`/apps/${encodeURIComponent(id)}`),
    setSanction: (id: string, input: SanctionInput) =>
      request<{ app: AppRow }>('PUT', `/apps/${encodeURIComponent(id)}/sanction`, input),
    listGrants: (query: Query) =>
      get<{ items: GrantRow[]; nextCursor: string | null }>('/grants', query),
    listPeople: (query: Query) => get<{ items: PersonRow[] }>('/people', query),
    getPerson: (id: string) => get<PersonDetail>(`/people/${encodeURIComponent(id)}`),

    listTokens: () => get<{ items: EnrollmentTokenRow[] }>('/enrollment-tokens'),
    createToken: (label: string, expiresInHours: number) =>
      request<CreatedToken>('POST', '/enrollment-tokens', { label, expiresInHours }),
    revokeToken: (id: string) =>
      request<{ ok: true }>('DELETE', `/enrollment-tokens/${encodeURIComponent(id)}`),
    listDevices: () => get<{ items: DeviceRow[] }>('/devices'),
    revokeDevice: (id: string) =>
      request<{ ok: true }>('POST', `/devices/${encodeURIComponent(id)}/revoke`),

    getPolicy: () => get<OrgPolicy>('/admin/policy'),
    setRiskPolicy: (byRisk: Record<Risk, PolicyAction>) =>
      request<OrgPolicy>('PUT', '/admin/policy/risk', byRisk),
    setAppPolicy: (appId: string, action: PolicyAction | null) =>
      request<OrgPolicy>('PUT', `/admin/policy/apps/${encodeURIComponent(appId)}`, { action }),

    listRequests: (status: RequestStatus) =>
      get<{ items: ApprovalRequest[] }>('/approval-requests', { status }),
    approveRequest: (id: string, input: ApproveInput) =>
      request<unknown>('POST', `/approval-requests/${encodeURIComponent(id)}/approve`, input),
    denyRequest: (id: string, reason: string) =>
      request<unknown>('POST', `/approval-requests/${encodeURIComponent(id)}/deny`, { reason }),

    listAudit: (query: Query) => get<{ items: AuditEntry[] }>('/audit', query),
    verifyAudit: () => get<AuditVerification>('/audit/verify'),

    listAdmins: () => get<{ items: AdminRow[] }>('/admins'),
    createAdmin: (input: { email: string; name: string; role: Role; password: string }) =>
      request<{ id: string }>('POST', '/admins', input),
    updateAdmin: (id: string, patch: { role?: Role; disabled?: boolean }) =>
      request<unknown>('PATCH', `/admins/${encodeURIComponent(id)}`, patch),

    listWebhooks: () => get<{ items: Webhook[] }>('/webhooks'),
    createWebhook: (input: { url: string; format: 'json' | 'slack'; events: WebhookEvent[] }) =>
      request<{ id: string; secret: string | null }>('POST', '/webhooks', input),
    deleteWebhook: (id: string) =>
      request<unknown>('DELETE', `/webhooks/${encodeURIComponent(id)}`),
    listDeliveries: (id: string) =>
      get<{ items: WebhookDelivery[] }>(`/webhooks/${encodeURIComponent(id)}/deliveries`),

    // Offboarding: revocation jobs and connections
    listRevocationJobs: (query: Query) =>
      get<{ items: RevocationJobRow[]; nextCursor: string | null }>('/revocations/jobs', query),
    listRevocationPlans: () => get<{ items: RevocationPlanRow[] }>('/revocations/plans'),
    planRevocation: (input: RevocationPlanInput) =>
      request<PlannedRevocation>('POST', '/revocations/plans', input),
    approveRevocationPlan: (id: string) =>
      request<{ ok: true }>('POST', `/revocations/plans/${encodeURIComponent(id)}/approve`),
    retryRevocationPlan: (id: string) =>
      request<{ retried: number }>('POST', `/revocations/plans/${encodeURIComponent(id)}/retry`),
    listConnectionProviders: () => get<{ items: ProviderForm[] }>('/connections/providers'),
    listConnections: () => get<{ items: ProviderConnection[] }>('/connections'),
    saveConnection: (provider: ConnectionProvider, input: ConnectionInput) =>
      request<{ ok: true }>('PUT', `/connections/${encodeURIComponent(provider)}`, input),
    testConnection: (provider: ConnectionProvider) =>
      request<{ ok: boolean; message: string }>(
        'POST',
        `/connections/${encodeURIComponent(provider)}/test`
      ),
    getFeeds: () => get<FeedSettings>('/feeds'),
    createScimToken: (label: string) =>
      request<{ id: string; token: string; label: string }>('POST', '/feeds/scim-tokens', {
        label,
      }),
    revokeScimToken: (id: string) =>
      request<{ ok: true }>('DELETE', `/feeds/scim-tokens/${encodeURIComponent(id)}`),
    rotateHrSecret: () => request<{ secret: string }>('POST', '/feeds/hr-secret'),
    setSsfConfig: (config: SsfConfig) => request<{ ok: true }>('PUT', '/feeds/ssf', config),

    // Offboarding: leavers and plans
    listLeavers: (when: LeaverWhen) => get<{ items: LeaverRow[] }>('/leavers', { when }),
    getLeaverCase: (personId: string) =>
      get<OffboardingCase>(`/leavers/${encodeURIComponent(personId)}`),
    markLeaving: (input: MarkLeavingInput) =>
      request<{ personId: string; changed: boolean; caseId: string }>('POST', '/leavers', input),
    importLeavers: (csv: string) =>
      request<ImportLeaversResult>('POST', '/leavers/import', csv, 'text/csv'),
    closeLeaverCase: (personId: string, note: string | null) =>
      request<{ ok: true }>(
        'POST',
        `/leavers/${encodeURIComponent(personId)}/close`,
        note ? { note } : {}
      ),
    setGithubLogin: (personId: string, githubLogin: string | null) =>
      request<unknown>('PATCH', `/people/${encodeURIComponent(personId)}`, { githubLogin }),
    getRevocationPlan: (id: string) =>
      get<RevocationPlanDetail>(`/revocations/plans/${encodeURIComponent(id)}`),
  }
}

export type Api = ReturnType<typeof createApi>

/** A download link for the audit log export (a plain GET: the session cookie goes along). */
export function auditExportUrl(query: Query, format: 'jsonl' | 'csv'): string {
  return `${API_BASE}/audit${toQueryString({ ...query, format, limit: 10000 })}`
}

// Offboarding: leavers and plans
/** A leaver's case as evidence: JSON (a download) or a printable page (print to PDF). */
export function leaverEvidenceUrl(personId: string, format: 'json' | 'html'): string {
  return `${API_BASE}/leavers/${encodeURIComponent(personId)}/evidence${format === 'html' ? '.html' : ''}`
}

/** The server-sent progress events of a revocation plan. */
export function planEventsUrl(planId: string): string {
  return `${API_BASE}/revocations/plans/${encodeURIComponent(planId)}/events`
}

/** The message to show for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
