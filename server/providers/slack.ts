// Slack connector: a leaver's approved or requested apps via the Enterprise Grid admin apps API.
import { z } from 'zod'
import { sendProviderRequest } from './send-provider-request.ts'
import type {
  ConnectorOptions,
  DirectoryUser,
  ProviderConnector,
  ProviderFailure,
  ProviderResult,
  RemoteGrant,
} from './types.ts'

/** GovSlack organizations use https://slack-gov.com/api. */
export const SLACK_DEFAULT_BASE_URLS = { api: 'https://slack.com/api' }

/**
 * An org owner's or admin's user token from an app installed on the whole Enterprise Grid org,
 * with admin.apps:read, admin.apps:write and users:read.email (admin.users:write for session
 * resets). Admin scopes need an org-wide install by an org admin or owner:
 * https://docs.slack.dev/reference/methods/admin.apps.approved.list#usage-info
 */
export const SlackCredentials = z
  .object({
    token: z.string().trim().startsWith('xoxp-', 'token must be an admin user token (xoxp-...)'),
    enterpriseId: z
      .string()
      .trim()
      .regex(/^E[A-Z0-9]+$/, 'enterpriseId looks like E0123ABCD')
      .optional(),
    teamId: z
      .string()
      .trim()
      .regex(/^T[A-Z0-9]+$/, 'teamId looks like T0123ABCD')
      .optional(),
    /** Uninstalling a Slack app removes it for everyone: off unless an admin turns it on. */
    allowUninstall: z.boolean().default(false),
  })
  .refine((c) => !c.enterpriseId !== !c.teamId, 'set exactly one of enterpriseId or teamId')
export type SlackCredentials = z.infer<typeof SlackCredentials>

// Slack documents up to 1000 per page; the admin apps methods are Tier 2 (20+ calls a minute).
/** Web API methods that only read (lists, lookups, auth.test): safe to send again. */
const SLACK_READS = /\.(list|info|test|lookupByEmail)$/
const PAGE_LIMIT = '1000'
const MAX_PAGES = 100
// Slack's tiers count per minute; used when a 200 says 'ratelimited' without a Retry-After.
const RATE_LIMIT_FALLBACK_MS = 60_000
// Errors Slack describes as a transient issue on its end (every method page lists them, e.g.
// https://docs.slack.dev/reference/methods/api.test#errors).
const TRANSIENT_ERRORS = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
])
// 'app_not_found' is admin.apps.uninstall's documented answer; 'not_installed' is kept defensively.
const GONE_ERRORS = new Set(['app_not_found', 'not_installed', 'app_not_installed'])

// Scopes come as objects ({ name, description, is_sensitive, token_type }); strings are tolerated.
const Scope = z
  .union([z.string(), z.object({ name: z.string() })])
  .transform((s) => (typeof s === 'string' ? s : s.name))
const App = z.object({ id: z.string().min(1), name: z.string().nullish() })
// https://docs.slack.dev/reference/methods/admin.apps.approved.list
const ApprovedApp = z.object({
  app: App,
  scopes: z.array(Scope).nullish(),
  last_resolved_by: z.object({ actor_id: z.string().nullish() }).nullish(),
})
// https://docs.slack.dev/reference/methods/admin.apps.requests.list (pending requests only)
const AppRequest = z.object({
  app: App,
  user: z.object({ id: z.string().nullish(), email: z.string().nullish() }).nullish(),
  scopes: z.array(Scope).nullish(),
})
// https://docs.slack.dev/reference/methods/auth.test
const AuthTest = z.object({
  user: z.string(),
  team: z.string(),
  url: z.string(),
  enterprise_id: z.string().nullish(),
})
const NextCursor = z.object({
  response_metadata: z.object({ next_cursor: z.string().nullish() }).nullish(),
})
type SlackBody = Record<string, unknown>

const failure = (
  kind: 'transient' | 'permanent',
  status: number,
  message: string,
  requestId: string | null
): ProviderFailure => ({ ok: false, kind, status, message, requestId })

/** Slack's error code, then what it adds: needed/provided scopes, argument messages. */
function describeError(body: SlackBody): string {
  const error = typeof body.error === 'string' ? body.error : 'unknown_error'
  const details: string[] = []
  if (body.needed) details.push(`needed: ${String(body.needed)}`)
  if (body.provided) details.push(`provided: ${String(body.provided)}`)
  const meta = body.response_metadata as { messages?: unknown } | undefined
  if (Array.isArray(meta?.messages)) details.push(...meta.messages.map(String))
  return details.length ? `${error} (${details.join('; ')})` : error
}

const slackError = (res: ProviderFailure) => res.message.split(' ')[0] ?? ''

function createSlackClient(opts: ConnectorOptions<SlackCredentials>) {
  const credentials = SlackCredentials.parse(opts.credentials)
  const api = (opts.baseUrls?.api ?? SLACK_DEFAULT_BASE_URLS.api).replace(/\/+$/, '')
  const scope = credentials.enterpriseId
    ? { enterprise_id: credentials.enterpriseId }
    : { team_id: credentials.teamId }

  /** One Web API call: HTTP 200 with { ok: false, error } is Slack's failure, not success. */
  async function call(
    method: string,
    params: Record<string, string | undefined>
  ): Promise<ProviderResult<SlackBody>> {
    const body = new URLSearchParams()
    for (const [name, value] of Object.entries(params)) if (value) body.set(name, value)
    const res = await sendProviderRequest<SlackBody>(
      {
        method: 'POST',
        url: `${api}/${method}`,
        headers: { authorization: `Bearer ${credentials.token}` },
        body,
        // Every Web API call is a POST; the reads among them may be sent again.
        idempotent: SLACK_READS.test(method),
      },
      { fetch: opts.fetch, clock: opts.clock, retry: opts.retry }
    )
    if (!res.ok) return res
    const data = res.value
    if (!data || typeof data !== 'object' || typeof data.ok !== 'boolean')
      return failure('permanent', res.status, `${method}: not a Slack API answer`, res.requestId)
    if (data.ok) return { ...res, value: data }
    if (data.error === 'ratelimited' || data.error === 'rate_limited') {
      const { status, requestId } = res
      const message = describeError(data)
      return {
        ok: false,
        kind: 'rate_limited',
        status,
        retryAfterMs: RATE_LIMIT_FALLBACK_MS,
        message,
        requestId,
      }
    }
    const kind = TRANSIENT_ERRORS.has(String(data.error)) ? 'transient' : 'permanent'
    return failure(kind, res.status, describeError(data), res.requestId)
  }

  /** Follows response_metadata.next_cursor until Slack answers an empty one. */
  async function listAll<S extends z.ZodType>(
    method: string,
    key: string,
    item: S
  ): Promise<ProviderResult<z.output<S>[]>> {
    const items: z.output<S>[] = []
    let cursor: string | undefined
    for (let page = 1; page <= MAX_PAGES; page++) {
      const res = await call(method, { ...scope, limit: PAGE_LIMIT, cursor })
      if (!res.ok) return res
      const list = z.array(item).safeParse(res.value[key] ?? [])
      const next = NextCursor.safeParse(res.value)
      if (!list.success || !next.success)
        return failure('permanent', res.status, `${method}: unexpected ${key}`, res.requestId)
      items.push(...list.data)
      cursor = next.data.response_metadata?.next_cursor || undefined
      if (!cursor) return { ...res, value: items }
    }
    return failure('permanent', 0, `${method}: more than ${MAX_PAGES} pages`, null)
  }

  return { credentials, scope, call, listAll }
}

export function createSlackConnector(opts: ConnectorOptions<SlackCredentials>): ProviderConnector {
  const { credentials, scope, call, listAll } = createSlackClient(opts)
  const where = credentials.enterpriseId ? 'org' : 'workspace'

  // https://docs.slack.dev/reference/methods/users.lookupByEmail: "If the user has been
  // deactivated, users_not_found will be returned", and leavers are usually deactivated first.
  async function slackUserId(user: DirectoryUser): Promise<ProviderResult<string>> {
    if (user.providerUserId)
      return { ok: true, value: user.providerUserId, status: 200, requestId: null }
    const res = await call('users.lookupByEmail', { email: user.email })
    if (!res.ok) {
      if (res.kind !== 'permanent' || res.message !== 'users_not_found') return res
      const message =
        'users_not_found: no active Slack user has this email (Slack hides deactivated users ' +
        'from users.lookupByEmail); pass the Slack user id as providerUserId'
      return { ...res, message }
    }
    const id = z.object({ user: z.object({ id: z.string().min(1) }) }).safeParse(res.value)
    if (!id.success)
      return failure('permanent', res.status, 'users.lookupByEmail: no user id', res.requestId)
    return { ...res, value: id.data.user.id }
  }

  const listApproved = () => listAll('admin.apps.approved.list', 'approved_apps', ApprovedApp)

  return {
    id: 'slack',

    // https://docs.slack.dev/reference/methods/auth.test
    async testConnection() {
      const res = await call('auth.test', {})
      if (!res.ok) return res
      const me = AuthTest.safeParse(res.value)
      if (!me.success)
        return failure('permanent', res.status, 'auth.test: unexpected answer', res.requestId)
      const { user, team, url, enterprise_id: enterpriseId } = me.data
      if (credentials.enterpriseId && enterpriseId && enterpriseId !== credentials.enterpriseId) {
        const message = `token is for enterprise ${enterpriseId}, not ${credentials.enterpriseId}`
        return failure('permanent', res.status, message, res.requestId)
      }
      // auth.test needs no scope: one admin call proves admin.apps:read on this org or workspace.
      const probe = await call('admin.apps.approved.list', { ...scope, limit: '1' })
      if (!probe.ok) return probe
      return { ...probe, value: `${user} on ${team} (${url})` }
    },

    // Slack lists no per-user grants: the leaver's apps are those they approved or requested.
    async listGrants(user) {
      const id = await slackUserId(user)
      if (!id.ok) return id
      const approved = await listApproved()
      if (!approved.ok) return approved
      const requests = await listAll('admin.apps.requests.list', 'app_requests', AppRequest)
      if (!requests.ok) return requests

      const grants = new Map<string, RemoteGrant>()
      const add = (app: z.output<typeof App>, scopes: string[] | null | undefined) => {
        const known = grants.get(app.id)
        if (known) known.scopes = [...new Set([...known.scopes, ...(scopes ?? [])])]
        else
          grants.set(app.id, {
            provider: 'slack',
            userEmail: user.email,
            userId: id.value,
            clientId: app.id,
            appName: app.name ?? null,
            scopes: [...new Set(scopes ?? [])],
            handle: app.id,
            // A Slack app install is workspace- or org-wide: removing it removes it for everyone.
            tenantWide: true,
          })
      }
      for (const item of approved.value)
        if (item.last_resolved_by?.actor_id === id.value) add(item.app, item.scopes)
      const email = user.email.toLowerCase()
      for (const request of requests.value)
        if (request.user?.id === id.value || request.user?.email?.toLowerCase() === email)
          add(request.app, request.scopes)
      return { ...requests, value: [...grants.values()] }
    },

    async revokeGrant(grant) {
      const app = `${grant.appName ?? 'Slack app'} (${grant.handle})`
      if (!credentials.allowUninstall) {
        const message =
          `${app} is installed for the whole ${where}: uninstalling it removes it for everyone. ` +
          'Uninstall or restrict it in Slack admin, or set allowUninstall.'
        return { ok: false, kind: 'needs_admin_decision', status: 0, message, requestId: null }
      }
      // https://docs.slack.dev/reference/methods/admin.apps.uninstall (revokes all its tokens)
      const target = credentials.enterpriseId
        ? { enterprise_id: credentials.enterpriseId }
        : { team_ids: credentials.teamId }
      const uninstall = await call('admin.apps.uninstall', { app_id: grant.handle, ...target })
      if (
        !uninstall.ok &&
        !(uninstall.kind === 'permanent' && GONE_ERRORS.has(slackError(uninstall)))
      )
        return uninstall
      // The approval outlives the install and would let anyone reinstall without review; clear
      // it, but only while it is an approval: clearing a restriction would lift it.
      // https://docs.slack.dev/reference/methods/admin.apps.clearResolution
      const approved = await listApproved()
      if (!approved.ok) return approved
      if (!approved.value.some((item) => item.app.id === grant.handle))
        return { ...approved, value: uninstall.ok ? 'revoked' : 'already_gone' }
      const clear = await call('admin.apps.clearResolution', { app_id: grant.handle, ...scope })
      if (!clear.ok) return clear
      return { ...clear, value: 'revoked' }
    },

    async verifyRevoked(grant) {
      const approved = await listApproved()
      if (!approved.ok) return approved
      return { ...approved, value: !approved.value.some((item) => item.app.id === grant.handle) }
    },
  }
}

/**
 * Stops future installs of an app across the org or workspace and voids workspace approvals;
 * existing installs stay. https://docs.slack.dev/reference/methods/admin.apps.restrict
 */
export async function restrictSlackApp(
  opts: ConnectorOptions<SlackCredentials>,
  appId: string
): Promise<ProviderResult<'restricted'>> {
  const { call, scope } = createSlackClient(opts)
  const res = await call('admin.apps.restrict', { app_id: appId, ...scope })
  return res.ok ? { ...res, value: 'restricted' } : res
}

/**
 * Signs a user out of every Slack client, or only web or mobile ones; needs admin.users:write.
 * https://docs.slack.dev/reference/methods/admin.users.session.reset
 */
export async function resetSlackSessions(
  opts: ConnectorOptions<SlackCredentials>,
  userId: string,
  only?: 'web' | 'mobile'
): Promise<ProviderResult<'reset'>> {
  const { call } = createSlackClient(opts)
  const res = await call('admin.users.session.reset', {
    user_id: userId,
    web_only: only === 'web' ? 'true' : undefined,
    mobile_only: only === 'mobile' ? 'true' : undefined,
  })
  return res.ok ? { ...res, value: 'reset' } : res
}
