// In-process Slack Web API (auth, user lookup, Grid admin apps, sessions) with injectable faults.
import { Hono } from 'hono'

// Methods as the docs give them (https://docs.slack.dev/reference/methods/<method>): the scope a
// user token needs, and whether only org owners and admins may call it.
const METHODS: Record<string, { scope: string | null; admin: boolean }> = {
  'auth.test': { scope: null, admin: false },
  'users.lookupByEmail': { scope: 'users:read.email', admin: false },
  'admin.apps.approved.list': { scope: 'admin.apps:read', admin: true },
  'admin.apps.requests.list': { scope: 'admin.apps:read', admin: true },
  'admin.apps.uninstall': { scope: 'admin.apps:write', admin: true },
  'admin.apps.restrict': { scope: 'admin.apps:write', admin: true },
  'admin.apps.clearResolution': { scope: 'admin.apps:write', admin: true },
  'admin.users.session.reset': { scope: 'admin.users:write', admin: true },
}

export const SLACK_SIMULATOR_ADMIN_SCOPES = [
  'admin.apps:read',
  'admin.apps:write',
  'admin.users:write',
  'users:read',
  'users:read.email',
]

export interface SlackSimWorkspace {
  id: string
  name: string
  domain: string
}
export interface SlackSimUser {
  id: string
  teamId: string
  name: string
  email: string
  isAdmin: boolean
  deleted: boolean
}
export interface SlackSimApp {
  id: string
  name: string
  description?: string
  is_internal?: boolean
  is_app_directory_approved?: boolean
}
export interface SlackSimScope {
  name: string
  description: string
  is_sensitive: boolean
  token_type: string
}
/** An app's approval or restriction, org-wide (enterprise id) or for one workspace (team id). */
export interface SlackSimResolution {
  appId: string
  scopeKey: string
  status: 'approved' | 'restricted'
  scopes: SlackSimScope[]
  dateUpdated: number
  resolvedBy: { actor_id: string; actor_type: 'user' | 'app' }
}
export interface SlackSimRequest {
  id: string
  appId: string
  userId: string
  teamId: string
  scopes: SlackSimScope[]
  message: string
  dateCreated: number
}
export interface SlackSimLogEntry {
  method: string
  httpMethod: string
  params: Record<string, string>
  status: number
  error: string | null
  requestId: string
}
export interface SlackSimRateLimit {
  /** Calls allowed per method per org in each window (Slack's Tier 2 is about 20 a minute). */
  limit: number
  windowMs: number
}
export interface SlackSimulatorOptions {
  baseUrl?: string
  enterpriseId?: string
  orgName?: string
  orgDomain?: string
  workspaces?: SlackSimWorkspace[]
  /** Epoch milliseconds; drives rate-limit windows, Retry-After and timestamps. */
  now?: () => number
  random?: () => number
  /** Share of requests that answer a random 5xx. */
  failureRate?: number
  rateLimit?: SlackSimRateLimit | null
  /** Uninstalled or cleared apps come straight back (someone reinstalled or re-approved them). */
  reappearAfterDelete?: boolean
  /** Slack may return fewer items than `limit`; this caps every page. */
  maxPageSize?: number
}

type Params = Record<string, string>
type Answer = Record<string, unknown>
type Fault = { status: number; error?: string; retryAfterSeconds?: number }

class SlackError extends Error {
  constructor(
    readonly error: string,
    readonly extra: Answer = {}
  ) {
    super(error)
  }
}

const asScopes = (scopes: (string | SlackSimScope)[] = []): SlackSimScope[] =>
  scopes.map((s) =>
    typeof s === 'string'
      ? { name: s, description: `Scope ${s}`, is_sensitive: false, token_type: 'user' }
      : s
  )

export function createSlackSimulator(options: SlackSimulatorOptions = {}) {
  const baseUrl = (options.baseUrl ?? 'https://slack.simulator.test/api').replace(/\/+$/, '')
  const enterpriseId = options.enterpriseId ?? 'E0SIMORG1'
  const orgName = options.orgName ?? 'Simulated Org'
  const orgDomain = options.orgDomain ?? 'simulated-org'
  const now = options.now ?? (() => Date.now())
  const random = options.random ?? Math.random
  const maxPageSize = options.maxPageSize ?? 1000
  const faults = {
    failureRate: options.failureRate ?? 0,
    rateLimit: options.rateLimit ?? null,
    reappearAfterDelete: options.reappearAfterDelete ?? false,
  }

  let seq = 0
  const nextId = (prefix: string) => `${prefix}${String(++seq).padStart(8, '0')}`
  const workspaces = new Map<string, SlackSimWorkspace>()
  for (const ws of options.workspaces ?? [{ id: 'T0SIMWS01', name: 'Main', domain: 'main' }])
    workspaces.set(ws.id, ws)
  const users = new Map<string, SlackSimUser>()
  const tokens = new Map<string, { userId: string; scopes: string[] }>()
  const apps = new Map<string, SlackSimApp>()
  const resolutions = new Map<string, SlackSimResolution>()
  const installs = new Map<string, Set<string>>()
  const requests = new Map<string, SlackSimRequest>()
  const sessionResets: { userId: string; webOnly: boolean; mobileOnly: boolean }[] = []
  const queued: Fault[] = []
  const windows = new Map<string, { start: number; count: number }>()
  const log: SlackSimLogEntry[] = []
  let requestSeq = 0

  const resolutionKey = (scopeKey: string, appId: string) => `${scopeKey}|${appId}`
  const firstTeam = () => [...workspaces.keys()][0] ?? 'T0SIMWS01'

  // ---- seeding ----

  function addWorkspace(ws: SlackSimWorkspace): SlackSimWorkspace {
    workspaces.set(ws.id, ws)
    return ws
  }

  function addUser(user: Partial<SlackSimUser> & { email: string }): SlackSimUser {
    const full: SlackSimUser = {
      id: user.id ?? nextId('W'),
      teamId: user.teamId ?? firstTeam(),
      name: user.name ?? user.email.split('@')[0] ?? 'user',
      email: user.email,
      isAdmin: user.isAdmin ?? false,
      deleted: user.deleted ?? false,
    }
    users.set(full.id, full)
    return full
  }

  function addToken(token: string, grant: { userId: string; scopes: string[] }) {
    tokens.set(token, { userId: grant.userId, scopes: [...grant.scopes] })
  }

  function addApp(app: SlackSimApp): SlackSimApp {
    apps.set(app.id, {
      description: '',
      is_internal: false,
      is_app_directory_approved: true,
      ...app,
    })
    return app
  }

  function installApp(appId: string, scopeKey: string = enterpriseId) {
    const set = installs.get(appId) ?? new Set<string>()
    set.add(scopeKey)
    installs.set(appId, set)
  }

  /** Approves an app (org-wide by default) as resolved by a user, and installs it by default. */
  function approveApp(input: {
    app: SlackSimApp | string
    resolvedBy?: string
    actorType?: 'user' | 'app'
    scopeKey?: string
    scopes?: (string | SlackSimScope)[]
    installed?: boolean
    dateUpdated?: number
  }): SlackSimResolution {
    const app = typeof input.app === 'string' ? apps.get(input.app) : addApp(input.app)
    if (!app) throw new Error(`slack simulator: unknown app ${String(input.app)}`)
    const resolution: SlackSimResolution = {
      appId: app.id,
      scopeKey: input.scopeKey ?? enterpriseId,
      status: 'approved',
      scopes: asScopes(input.scopes),
      dateUpdated: input.dateUpdated ?? Math.floor(now() / 1000),
      resolvedBy: { actor_id: input.resolvedBy ?? admin.id, actor_type: input.actorType ?? 'user' },
    }
    resolutions.set(resolutionKey(resolution.scopeKey, app.id), resolution)
    if (input.installed ?? true) installApp(app.id, resolution.scopeKey)
    return resolution
  }

  /** A pending install request from a user, as admin.apps.requests.list shows it. */
  function addAppRequest(input: {
    app: SlackSimApp | string
    userId: string
    teamId?: string
    scopes?: (string | SlackSimScope)[]
    message?: string
    id?: string
  }): SlackSimRequest {
    const app = typeof input.app === 'string' ? apps.get(input.app) : addApp(input.app)
    if (!app) throw new Error(`slack simulator: unknown app ${String(input.app)}`)
    const request: SlackSimRequest = {
      id: input.id ?? nextId('Ar'),
      appId: app.id,
      userId: input.userId,
      teamId: input.teamId ?? users.get(input.userId)?.teamId ?? firstTeam(),
      scopes: asScopes(input.scopes),
      message: input.message ?? '',
      dateCreated: Math.floor(now() / 1000),
    }
    requests.set(request.id, request)
    return request
  }

  const admin = addUser({ email: 'admin@example.com', name: 'org-admin', isAdmin: true })
  const adminToken = 'xoxp-simulated-admin-token'
  addToken(adminToken, { userId: admin.id, scopes: SLACK_SIMULATOR_ADMIN_SCOPES })

  // ---- method handlers ----

  /** Exactly one of enterprise_id / team_id (or team_ids), checked against the org. */
  function target(params: Params, teamParam: 'team_id' | 'team_ids' = 'team_id'): string[] {
    const ent = params.enterprise_id
    const team = params[teamParam]
    if (ent && team)
      throw new SlackError('invalid_arguments', {
        response_metadata: {
          messages: [`[ERROR] enterprise_id and ${teamParam} cannot be used together`],
        },
      })
    if (!ent && !team) throw new SlackError('no_team_or_enterprise_provided')
    if (ent) {
      if (ent !== enterpriseId) throw new SlackError('enterprise_not_found')
      return [ent]
    }
    const teams = (team ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean)
    for (const t of teams) if (!workspaces.has(t)) throw new SlackError('team_not_found')
    return teams
  }

  function page<T>(items: T[], params: Params): { items: T[]; next: string } {
    const limit = params.limit ? Number(params.limit) : 100
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new SlackError('invalid_limit')
    let offset = 0
    if (params.cursor) {
      const decoded = /^offset:(\d+)$/.exec(Buffer.from(params.cursor, 'base64').toString())
      if (!decoded) throw new SlackError('invalid_cursor')
      offset = Number(decoded[1])
    }
    const size = Math.min(limit, maxPageSize)
    const end = offset + size
    const next = end < items.length ? Buffer.from(`offset:${end}`).toString('base64') : ''
    return { items: items.slice(offset, end), next }
  }

  const publicApp = (appId: string) => {
    const app = apps.get(appId) ?? { id: appId, name: appId }
    return {
      id: app.id,
      name: app.name,
      description: app.description ?? '',
      help_url: '',
      privacy_policy_url: '',
      app_homepage_url: '',
      app_directory_url: `https://${orgDomain}.enterprise.slack.com/apps/${app.id}`,
      is_app_directory_approved: app.is_app_directory_approved ?? true,
      is_internal: app.is_internal ?? false,
      additional_info: '',
      icons: {},
    }
  }

  /** Put removed state back when reappearAfterDelete is on. */
  function maybeReappear(restore: () => void) {
    if (faults.reappearAfterDelete) restore()
  }

  const handlers: Record<string, (params: Params, caller: SlackSimUser) => Answer> = {
    // https://docs.slack.dev/reference/methods/auth.test
    'auth.test': (_params, caller) => ({
      url: `https://${orgDomain}.enterprise.slack.com/`,
      team: orgName,
      user: caller.name,
      team_id: enterpriseId,
      user_id: caller.id,
      enterprise_id: enterpriseId,
      is_enterprise_install: true,
    }),

    // https://docs.slack.dev/reference/methods/users.lookupByEmail (deactivated users: not found)
    'users.lookupByEmail': (params) => {
      if (!params.email) throw new SlackError('invalid_arguments')
      const email = params.email.toLowerCase()
      const user = [...users.values()].find((u) => !u.deleted && u.email.toLowerCase() === email)
      if (!user) throw new SlackError('users_not_found')
      return {
        user: {
          id: user.id,
          team_id: user.teamId,
          name: user.name,
          deleted: false,
          real_name: user.name,
          is_admin: user.isAdmin,
          is_bot: false,
          profile: { email: user.email, real_name: user.name, display_name: user.name },
          enterprise_user: { id: user.id, enterprise_id: enterpriseId, enterprise_name: orgName },
        },
      }
    },

    // https://docs.slack.dev/reference/methods/admin.apps.approved.list
    'admin.apps.approved.list': (params) => {
      const [scopeKey] = target(params)
      const approved = [...resolutions.values()].filter(
        (r) => r.scopeKey === scopeKey && r.status === 'approved'
      )
      const { items, next } = page(approved, params)
      return {
        approved_apps: items.map((r) => ({
          app: publicApp(r.appId),
          scopes: r.scopes,
          date_updated: r.dateUpdated,
          last_resolved_by: r.resolvedBy,
        })),
        response_metadata: { next_cursor: next },
      }
    },

    // https://docs.slack.dev/reference/methods/admin.apps.requests.list (pending only)
    'admin.apps.requests.list': (params) => {
      const [scopeKey] = target(params)
      const pending = [...requests.values()].filter(
        (r) => scopeKey === enterpriseId || r.teamId === scopeKey
      )
      const { items, next } = page(pending, params)
      return {
        app_requests: items.map((r) => {
          const user = users.get(r.userId)
          const team = workspaces.get(r.teamId)
          return {
            id: r.id,
            app: publicApp(r.appId),
            user: { id: r.userId, name: user?.name ?? '', email: user?.email ?? '' },
            team: { id: r.teamId, name: team?.name ?? '', domain: team?.domain ?? '' },
            scopes: r.scopes,
            previous_resolution: null,
            is_user_app_collaborator: false,
            message: r.message,
            date_created: r.dateCreated,
          }
        }),
        response_metadata: { next_cursor: next },
      }
    },

    // https://docs.slack.dev/reference/methods/admin.apps.uninstall
    'admin.apps.uninstall': (params) => {
      if (!params.app_id) throw new SlackError('invalid_arguments')
      const where = target(params, 'team_ids')
      const installed = installs.get(params.app_id)
      if (!apps.has(params.app_id) || !installed?.size) throw new SlackError('app_not_found')
      const before = new Set(installed)
      if (params.enterprise_id) installed.clear()
      else {
        if (installed.has(enterpriseId)) throw new SlackError('must_revoke_access')
        if (!where.some((team) => installed.has(team))) throw new SlackError('app_not_found')
        for (const team of where) installed.delete(team)
      }
      maybeReappear(() => installs.set(params.app_id as string, before))
      return {}
    },

    // https://docs.slack.dev/reference/methods/admin.apps.restrict: installs stay.
    'admin.apps.restrict': (params, caller) => {
      const [scopeKey] = target(params)
      let appId = params.app_id
      if (params.request_id) {
        const request = requests.get(params.request_id)
        if (!request) throw new SlackError('invalid_request_id')
        appId = request.appId
      }
      if (!appId) throw new SlackError('invalid_arguments')
      if (!apps.has(appId)) throw new SlackError('invalid_app_id')
      if (scopeKey === enterpriseId)
        for (const [key, r] of resolutions) if (r.appId === appId) resolutions.delete(key)
      resolutions.set(resolutionKey(scopeKey as string, appId), {
        appId,
        scopeKey: scopeKey as string,
        status: 'restricted',
        scopes: [],
        dateUpdated: Math.floor(now() / 1000),
        resolvedBy: { actor_id: caller.id, actor_type: 'user' },
      })
      for (const [id, r] of requests)
        if (r.appId === appId && (scopeKey === enterpriseId || r.teamId === scopeKey))
          requests.delete(id)
      return {}
    },

    // https://docs.slack.dev/reference/methods/admin.apps.clearResolution
    'admin.apps.clearResolution': (params) => {
      if (params.enterprise_id && params.team_id) throw new SlackError('too_many_teams_provided')
      const [scopeKey] = target(params)
      if (!params.app_id) throw new SlackError('invalid_arguments')
      if (!apps.has(params.app_id)) throw new SlackError('invalid_app_id')
      const key = resolutionKey(scopeKey as string, params.app_id)
      const resolution = resolutions.get(key)
      if (!resolution) throw new SlackError('no_resolution_found')
      resolutions.delete(key)
      maybeReappear(() => resolutions.set(key, resolution))
      return {}
    },

    // https://docs.slack.dev/reference/methods/admin.users.session.reset
    'admin.users.session.reset': (params) => {
      if (!params.user_id) throw new SlackError('invalid_arguments')
      if (!users.has(params.user_id)) throw new SlackError('user_not_found')
      sessionResets.push({
        userId: params.user_id,
        webOnly: params.web_only === 'true' || params.web_only === '1',
        mobileOnly: params.mobile_only === 'true' || params.mobile_only === '1',
      })
      return {}
    },
  }

  // ---- HTTP ----

  async function readParams(req: Request): Promise<{ params: Params; json: boolean } | null> {
    const params: Params = Object.fromEntries(new URL(req.url).searchParams)
    if (req.method !== 'POST') return { params, json: false }
    const type = req.headers.get('content-type') ?? ''
    if (type.includes('application/json')) {
      const body: unknown = await req.json().catch(() => undefined)
      if (!body || typeof body !== 'object' || Array.isArray(body)) return null
      for (const [name, value] of Object.entries(body))
        params[name] = Array.isArray(value) ? value.join(',') : String(value)
      return { params, json: true }
    }
    if (type.includes('application/x-www-form-urlencoded'))
      for (const [name, value] of new URLSearchParams(await req.text())) params[name] = value
    return { params, json: false }
  }

  const basePath = new URL(baseUrl).pathname
  const app = new Hono()

  app.all(`${basePath}/:method`, async (c) => {
    const method = c.req.param('method')
    const requestId = `sim-${++requestSeq}`
    let params: Params = {}

    const reply = (status: number, body: Answer, headers: Record<string, string> = {}) => {
      const { token: _token, ...logged } = params
      const error = body.ok === false ? String(body.error) : null
      log.push({ method, httpMethod: c.req.method, params: logged, status, error, requestId })
      return new Response(JSON.stringify(body), {
        status,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'x-slack-req-id': requestId,
          ...headers,
        },
      })
    }
    const fail = (error: string, extra: Answer = {}) => reply(200, { ok: false, error, ...extra })
    const rateLimited = (seconds: number) =>
      reply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(seconds) })

    const read = await readParams(c.req.raw)
    if (!read) return fail('invalid_json')
    params = read.params

    const fault = queued.shift()
    if (fault) {
      if (fault.status === 429) return rateLimited(fault.retryAfterSeconds ?? 30)
      if (fault.error) return reply(fault.status, { ok: false, error: fault.error })
      return reply(fault.status, { ok: false, error: 'service_unavailable' })
    }
    if (faults.failureRate > 0 && random() < faults.failureRate)
      return reply(503, { ok: false, error: 'service_unavailable' })

    const spec = METHODS[method]
    const handler = handlers[method]
    if (!spec || !handler) return fail('unknown_method')

    // Tokens go in the Authorization header or a form field; JSON bodies need the header.
    const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1]
    const token = bearer ?? (read.json ? undefined : params.token)
    if (!token) return fail('not_authed')
    const grant = tokens.get(token)
    const caller = grant && users.get(grant.userId)
    if (!grant || !caller) return fail('invalid_auth')
    if (caller.deleted) return fail('account_inactive')
    const scopeHeaders = {
      'x-oauth-scopes': grant.scopes.join(','),
      'x-accepted-oauth-scopes': spec.scope ?? '',
    }
    if (spec.scope && !grant.scopes.includes(spec.scope))
      return reply(
        200,
        { ok: false, error: 'missing_scope', needed: spec.scope, provided: grant.scopes.join(',') },
        scopeHeaders
      )

    // Slack counts per method per org (workspace) per app; one fixed window per method here.
    if (faults.rateLimit) {
      const key = `${enterpriseId}:${method}`
      const t = now()
      const win = windows.get(key)
      if (!win || t - win.start >= faults.rateLimit.windowMs)
        windows.set(key, { start: t, count: 1 })
      else if (win.count >= faults.rateLimit.limit)
        return rateLimited(
          Math.max(1, Math.ceil((win.start + faults.rateLimit.windowMs - t) / 1000))
        )
      else win.count++
    }

    if (spec.admin && !caller.isAdmin) return fail('not_an_admin')
    try {
      return reply(200, { ok: true, ...handler(params, caller) }, scopeHeaders)
    } catch (error) {
      if (error instanceof SlackError)
        return reply(200, { ok: false, error: error.error, ...error.extra }, scopeHeaders)
      throw error
    }
  })

  /** Routes requests for the simulator's base URL to the Hono app; anything else is refused. */
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init)
    if (!request.url.startsWith(`${baseUrl}/`))
      throw new TypeError(`slack simulator: no route to ${request.url}`)
    return app.fetch(request)
  }

  return {
    app,
    fetch: fetch as typeof globalThis.fetch,
    baseUrls: { api: baseUrl },
    enterpriseId,
    admin,
    adminToken,
    /** Connector credentials for the simulated org, admin token included. */
    credentials: (extra: { allowUninstall?: boolean; token?: string } = {}) => ({
      token: adminToken,
      enterpriseId,
      allowUninstall: false,
      ...extra,
    }),

    addWorkspace,
    addUser,
    addToken,
    removeToken: (token: string) => tokens.delete(token),
    deactivateUser: (userId: string) => {
      const user = users.get(userId)
      if (user) user.deleted = true
    },
    addApp,
    approveApp,
    installApp,
    addAppRequest,

    approvedApps: (scopeKey: string = enterpriseId) =>
      [...resolutions.values()].filter((r) => r.scopeKey === scopeKey && r.status === 'approved'),
    restrictedApps: (scopeKey: string = enterpriseId) =>
      [...resolutions.values()].filter((r) => r.scopeKey === scopeKey && r.status === 'restricted'),
    isInstalled: (appId: string, scopeKey?: string) => {
      const set = installs.get(appId)
      return scopeKey ? Boolean(set?.has(scopeKey)) : Boolean(set?.size)
    },
    pendingRequests: () => [...requests.values()],
    sessionResets,

    /** The next n requests answer `status` (429 with Retry-After, 5xx with a JSON error). */
    failNext(n: number, status = 503, opts: { retryAfterSeconds?: number } = {}) {
      for (let i = 0; i < n; i++) queued.push({ status, retryAfterSeconds: opts.retryAfterSeconds })
    },
    /** The next n requests answer HTTP 200 { ok: false, error }. */
    failNextWithError(n: number, error: string) {
      for (let i = 0; i < n; i++) queued.push({ status: 200, error })
    },
    faults,

    requests: {
      log,
      count: (method?: string) =>
        method ? log.filter((e) => e.method === method).length : log.length,
      byMethod: () =>
        log.reduce<Record<string, number>>(
          (acc, e) => ({ ...acc, [e.method]: (acc[e.method] ?? 0) + 1 }),
          {}
        ),
      clear: () => void log.splice(0),
    },
  }
}

export type SlackSimulator = ReturnType<typeof createSlackSimulator>
