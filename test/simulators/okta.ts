// In-process Okta Management API simulator (users, user grants, per-client refresh tokens) with fault injection.
//
// Paths, JSON fields, SSWS auth, error bodies, pagination and rate-limit headers follow Okta's docs:
//   Users:        https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/
//   User grants:  https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserGrant/
//   User clients: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserResources/
//   User tokens:  https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserOAuth/
//   Org:          https://developer.okta.com/docs/api/openapi/okta-management/management/tag/OrgSettingGeneral/
//   Errors:       https://developer.okta.com/docs/reference/error-codes/
//   Rate limits:  https://developer.okta.com/docs/reference/rl-best-practices/
//   Pagination:   https://developer.okta.com/docs/api/#pagination (Link headers, opaque `after`)
import { Hono } from 'hono'
import type { Context } from 'hono'
import { matchedRoutes } from 'hono/route'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

export type OktaSimUserStatus =
  | 'STAGED'
  | 'PROVISIONED'
  | 'ACTIVE'
  | 'RECOVERY'
  | 'LOCKED_OUT'
  | 'PASSWORD_EXPIRED'
  | 'SUSPENDED'
  | 'DEPROVISIONED'

export interface OktaSimUser {
  id: string
  status: OktaSimUserStatus
  created: string
  lastUpdated: string
  profile: { login: string; email: string; firstName: string; lastName: string }
}

export interface OktaSimClient {
  client_id: string
  client_name: string
  client_uri: string | null
  logo_uri: string | null
}

export interface OktaSimScope {
  id: string
  name: string
}

export interface OktaSimGrant {
  id: string
  status: 'ACTIVE' | 'REVOKED'
  created: string
  lastUpdated: string
  issuer: string
  clientId: string
  userId: string
  scope: OktaSimScope
  source: 'END_USER' | 'ADMIN'
}

export interface OktaSimRefreshToken {
  id: string
  status: 'ACTIVE' | 'REVOKED'
  created: string
  lastUpdated: string
  expiresAt: string
  issuer: string
  clientId: string
  userId: string
  scopes: OktaSimScope[]
}

export interface OktaSimRequest {
  method: string
  /** The concrete path, e.g. /api/v1/users/00u1/grants. */
  path: string
  /** The route template, e.g. /api/v1/users/:userId/grants ('*' when nothing matched). */
  route: string
  url: string
  status: number
  requestId: string
  at: Date
}

export interface OktaSimulatorOptions {
  /** The org URL the simulator answers for (default https://acme.okta.com). */
  orgUrl?: string
  /** The API token accepted as `Authorization: SSWS {token}`. */
  apiToken?: string
  /** The admin who owns the API token (what /api/v1/users/me returns). */
  admin?: { login: string; firstName?: string; lastName?: string }
  /** Cap on page size whatever `limit` asks, to exercise Link rel="next" pagination. */
  maxPageSize?: number
  clock?: () => Date
  random?: () => number
}

const ERROR_SUMMARIES: Record<number, [code: string, summary: string]> = {
  400: ['E0000001', 'Api validation failed'],
  401: ['E0000011', 'Invalid token provided'],
  403: ['E0000006', 'You do not have permission to perform the requested action'],
  404: ['E0000007', 'Not found: Resource not found'],
  429: ['E0000047', 'API call exceeded rate limit due to too many requests.'],
  500: ['E0000009', 'Internal Server Error'],
}

const USER_FILTER_FIELDS: Record<string, (u: OktaSimUser) => string> = {
  id: (u) => u.id,
  status: (u) => u.status,
  'profile.login': (u) => u.profile.login,
  'profile.email': (u) => u.profile.email,
  'profile.firstName': (u) => u.profile.firstName,
  'profile.lastName': (u) => u.profile.lastName,
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path)
  } catch {
    return path
  }
}

export function createOktaSimulator(options: OktaSimulatorOptions = {}) {
  const origin = new URL(options.orgUrl ?? 'https://acme.okta.com').origin
  const apiToken = options.apiToken ?? '00SimulatedOktaApiToken-acme-0123456789'
  const clock = options.clock ?? (() => new Date())
  const random = options.random ?? Math.random
  const maxPageSize = Math.min(200, options.maxPageSize ?? 200)
  const subdomain = new URL(origin).hostname.split('.')[0] ?? 'acme'

  let seq = 0
  const newId = (prefix: string) =>
    `${prefix}${(++seq).toString(36).padStart(10, '0')}${subdomain.slice(0, 4)}0h7`
  const now = () => clock().toISOString()

  const users = new Map<string, OktaSimUser>()
  const clients = new Map<string, OktaSimClient>()
  const scopes = new Map<string, OktaSimScope>()
  let grants: OktaSimGrant[] = []
  let tokens: OktaSimRefreshToken[] = []

  const faults = {
    /** Statuses the next requests answer with, in order. */
    queue: [] as number[],
    /** Probability (0..1) that a request answers a random 5xx. */
    failureRate: 0,
    /** Org-wide rate limit like Okta's per-minute buckets; null leaves requests unlimited. */
    rateLimit: null as { limit: number; windowMs: number } | null,
    /** Deletes answer 204 but the app gets consent and tokens again (a live session re-consents). */
    reappearAfterDelete: false,
  }
  const window = { start: 0, count: 0 }
  const log: OktaSimRequest[] = []

  // --- state helpers -------------------------------------------------------------------------

  function findUser(idOrLogin: string): OktaSimUser | undefined {
    const byId = users.get(idOrLogin)
    if (byId) return byId
    const key = idOrLogin.toLowerCase()
    const all = [...users.values()]
    const byLogin = all.find((u) => u.profile.login.toLowerCase() === key)
    if (byLogin) return byLogin
    // Okta also accepts the login short name (the part before @) when it is unambiguous.
    const short = all.filter((u) => u.profile.login.toLowerCase().split('@')[0] === key)
    return short.length === 1 ? short[0] : undefined
  }

  function mustFindUser(idOrLogin: string): OktaSimUser {
    const user = findUser(idOrLogin)
    if (!user) throw new Error(`Okta simulator: no user ${idOrLogin}`)
    return user
  }

  function scopeFor(name: string): OktaSimScope {
    let scope = scopes.get(name)
    if (!scope) {
      // Okta's own API scopes (okta.*) are their own ids; custom authorization server scopes get scp ids.
      scope = { id: name.startsWith('okta.') ? name : newId('scp'), name }
      scopes.set(name, scope)
    }
    return scope
  }

  function addUser(input: {
    login: string
    email?: string
    id?: string
    status?: OktaSimUserStatus
    firstName?: string
    lastName?: string
  }): OktaSimUser {
    const local = input.login.split('@')[0] ?? input.login
    const user: OktaSimUser = {
      id: input.id ?? newId('00u'),
      status: input.status ?? 'ACTIVE',
      created: now(),
      lastUpdated: now(),
      profile: {
        login: input.login,
        email: input.email ?? input.login,
        firstName: input.firstName ?? local,
        lastName: input.lastName ?? 'Example',
      },
    }
    users.set(user.id, user)
    return user
  }

  function addClient(input: {
    clientId: string
    name: string
    clientUri?: string | null
    logoUri?: string | null
  }): OktaSimClient {
    const client: OktaSimClient = {
      client_id: input.clientId,
      client_name: input.name,
      client_uri: input.clientUri ?? null,
      logo_uri: input.logoUri ?? null,
    }
    clients.set(client.client_id, client)
    return client
  }

  function ensureClient(clientId: string): OktaSimClient {
    return clients.get(clientId) ?? addClient({ clientId, name: clientId })
  }

  const defaultIssuer = () => `${origin}/oauth2/default`

  /** One consent grant per scope, as Okta stores them. */
  function addGrants(
    user: string,
    clientId: string,
    scopeNames: string[],
    opts: { issuer?: string; source?: 'END_USER' | 'ADMIN'; status?: 'ACTIVE' | 'REVOKED' } = {}
  ): OktaSimGrant[] {
    const owner = mustFindUser(user)
    ensureClient(clientId)
    const added = scopeNames.map((name): OktaSimGrant => ({
      id: newId('oag'),
      status: opts.status ?? 'ACTIVE',
      created: now(),
      lastUpdated: now(),
      issuer: opts.issuer ?? (name.startsWith('okta.') ? origin : defaultIssuer()),
      clientId,
      userId: owner.id,
      scope: scopeFor(name),
      source: opts.source ?? 'END_USER',
    }))
    grants.push(...added)
    return added
  }

  function addRefreshTokens(
    user: string,
    clientId: string,
    scopeNames: string[],
    opts: {
      count?: number
      issuer?: string
      expiresInMs?: number
      status?: 'ACTIVE' | 'REVOKED'
    } = {}
  ): OktaSimRefreshToken[] {
    const owner = mustFindUser(user)
    ensureClient(clientId)
    const added = Array.from({ length: opts.count ?? 1 }, (): OktaSimRefreshToken => ({
      id: newId('oar'),
      status: opts.status ?? 'ACTIVE',
      created: now(),
      lastUpdated: now(),
      expiresAt: new Date(clock().getTime() + (opts.expiresInMs ?? 7 * 86_400_000)).toISOString(),
      issuer: opts.issuer ?? defaultIssuer(),
      clientId,
      userId: owner.id,
      scopes: scopeNames.map(scopeFor),
    }))
    tokens.push(...added)
    return added
  }

  const ofUser = <T extends { userId: string; clientId: string }>(
    list: T[],
    user: OktaSimUser,
    clientId?: string
  ) =>
    list.filter((x) => x.userId === user.id && (clientId === undefined || x.clientId === clientId))

  /** Removes a user's grants or tokens (all, or one client's); reappears them when configured. */
  function removeGrants(user: OktaSimUser, match: (g: OktaSimGrant) => boolean): number {
    const removed = grants.filter((g) => g.userId === user.id && match(g))
    grants = grants.filter((g) => !removed.includes(g))
    if (faults.reappearAfterDelete)
      for (const g of removed)
        grants.push({ ...g, id: newId('oag'), created: now(), lastUpdated: now() })
    return removed.length
  }

  function removeTokens(user: OktaSimUser, match: (t: OktaSimRefreshToken) => boolean): number {
    const removed = tokens.filter((t) => t.userId === user.id && match(t))
    tokens = tokens.filter((t) => !removed.includes(t))
    if (faults.reappearAfterDelete)
      for (const t of removed)
        tokens.push({ ...t, id: newId('oar'), created: now(), lastUpdated: now() })
    return removed.length
  }

  // --- JSON shapes ---------------------------------------------------------------------------

  const href = (path: string) => `${origin}${path}`

  function userJson(u: OktaSimUser) {
    return {
      id: u.id,
      status: u.status,
      created: u.created,
      activated: u.created,
      statusChanged: null,
      lastLogin: null,
      lastUpdated: u.lastUpdated,
      passwordChanged: null,
      type: { id: 'oty1simulated0h7' },
      profile: { ...u.profile, mobilePhone: null, secondEmail: null },
      credentials: { provider: { type: 'OKTA', name: 'OKTA' } },
      _links: { self: { href: href(`/api/v1/users/${u.id}`) } },
    }
  }

  function grantJson(g: OktaSimGrant, expand: boolean) {
    const client = ensureClient(g.clientId)
    const isOrgScope = g.scope.id === g.scope.name
    return {
      id: g.id,
      status: g.status,
      created: g.created,
      createdBy: { id: g.userId, type: 'User' },
      lastUpdated: g.lastUpdated,
      issuer: g.issuer,
      clientId: g.clientId,
      userId: g.userId,
      scopeId: g.scope.id,
      source: g.source,
      // Okta's example embeds only the id for its own okta.* scopes; custom scopes carry their name.
      ...(expand
        ? {
            _embedded: {
              scope: isOrgScope ? { id: g.scope.id } : { ...g.scope, displayName: g.scope.name },
            },
          }
        : {}),
      _links: {
        app: { href: href(`/api/v1/apps/${g.clientId}`), title: client.client_name },
        scope: {
          href: href(`/api/v1/authorizationServers/default/scopes/${g.scope.id}`),
          title: g.scope.name,
        },
        self: {
          href: href(`/api/v1/users/${g.userId}/grants/${g.id}`),
          hints: { allow: ['GET', 'DELETE'] },
        },
        client: { href: href(`/oauth2/v1/clients/${g.clientId}`), title: client.client_name },
        user: { href: href(`/api/v1/users/${g.userId}`) },
        issuer: { href: g.issuer },
      },
    }
  }

  function tokenJson(t: OktaSimRefreshToken, expand: boolean) {
    const client = ensureClient(t.clientId)
    return {
      id: t.id,
      status: t.status,
      created: t.created,
      lastUpdated: t.lastUpdated,
      expiresAt: t.expiresAt,
      issuer: t.issuer,
      clientId: t.clientId,
      userId: t.userId,
      scopes: t.scopes.map((s) => s.name),
      ...(expand
        ? {
            _embedded: {
              scopes: t.scopes.map((s) => ({
                ...s,
                displayName: s.name,
                _links: { scope: { title: s.name } },
              })),
            },
          }
        : {}),
      _links: {
        self: {
          href: href(`/api/v1/users/${t.userId}/clients/${t.clientId}/tokens/${t.id}`),
          hints: { allow: ['GET', 'DELETE'] },
        },
        revoke: {
          href: href(`/api/v1/users/${t.userId}/clients/${t.clientId}/tokens/${t.id}`),
          hints: { allow: ['DELETE'] },
        },
        client: { href: href(`/oauth2/v1/clients/${t.clientId}`), title: client.client_name },
        user: { href: href(`/api/v1/users/${t.userId}`) },
        authorizationServer: { href: t.issuer, title: 'default' },
      },
    }
  }

  function clientJson(c: OktaSimClient, userId: string) {
    const base = `/api/v1/users/${userId}/clients/${c.client_id}`
    return {
      ...c,
      _links: {
        grants: { href: href(`${base}/grants`), hints: { allow: ['GET', 'DELETE'] } },
        tokens: { href: href(`${base}/tokens`), hints: { allow: ['GET', 'DELETE'] } },
      },
    }
  }

  // --- HTTP ----------------------------------------------------------------------------------

  function oktaError(c: Context, status: number, summary?: string) {
    const [code, defaultSummary] = ERROR_SUMMARIES[status] ?? ERROR_SUMMARIES[500]!
    return c.json(
      {
        errorCode: code,
        errorSummary: summary ?? defaultSummary,
        errorLink: code,
        errorId: `oae${(++seq).toString(36).padStart(8, '0')}sim`,
        errorCauses: [],
      },
      status as ContentfulStatusCode
    )
  }

  const notFound = (c: Context, id: string, type: string) =>
    oktaError(c, 404, `Not found: Resource not found: ${id} (${type})`)

  /** Slices a list by `limit` and the opaque `after` cursor, and sets Link self/next like Okta. */
  function paginate<T extends { id: string }>(
    c: Context,
    items: T[],
    defaultLimit: number
  ): T[] | Response {
    const limitParam = c.req.query('limit')
    const asked = limitParam === undefined ? defaultLimit : Number(limitParam)
    if (!Number.isInteger(asked) || asked < 1)
      return oktaError(c, 400, 'Api validation failed: limit')
    const limit = Math.min(asked, maxPageSize)
    const after = c.req.query('after')
    const start =
      after === undefined ? 0 : items.findIndex((x) => x.id === after) + 1 || items.length
    const slice = items.slice(start, start + limit)
    c.header('Link', `<${c.req.url}>; rel="self"`)
    const last = slice.at(-1)
    if (last && start + limit < items.length) {
      const next = new URL(c.req.url)
      next.searchParams.set('after', last.id)
      next.searchParams.set('limit', String(limit))
      c.header('Link', `<${next}>; rel="next"`, { append: true })
    }
    return slice
  }

  /** The `attr eq "value" [and ...]` subset of Okta's filter and search expressions. */
  function parseUserExpression(expression: string): ((u: OktaSimUser) => boolean) | null {
    const clauses = expression.split(/\s+and\s+/i).map((part) => {
      const m = /^\s*([\w.]+)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i.exec(part)
      const field = m && USER_FILTER_FIELDS[m[1] ?? '']
      if (!m || !field) return null
      const value = (m[2] ?? '').replace(/\\(.)/g, '$1').toLowerCase()
      return (u: OktaSimUser) => field(u).toLowerCase() === value
    })
    if (clauses.some((c) => c === null)) return null
    return (u) => clauses.every((c) => c!(u))
  }

  const app = new Hono()

  app.use('*', async (c, next) => {
    const at = clock()
    const requestId = `Xsim${(++seq).toString(36).padStart(10, '0')}AAAB`
    c.header('X-Okta-Request-Id', requestId)
    const route =
      matchedRoutes(c)
        .filter((r) => r.method !== 'ALL')
        .at(-1)?.path ?? '*'
    const guard = (): Response | undefined => {
      if (faults.rateLimit) {
        const { limit, windowMs } = faults.rateLimit
        if (at.getTime() >= window.start + windowMs)
          Object.assign(window, { start: at.getTime(), count: 0 })
        window.count += 1
        c.header('X-Rate-Limit-Limit', String(limit))
        c.header('X-Rate-Limit-Remaining', String(Math.max(0, limit - window.count)))
        c.header('X-Rate-Limit-Reset', String(Math.ceil((window.start + windowMs) / 1000)))
        if (window.count > limit) return oktaError(c, 429)
      }
      const injected = faults.queue.shift()
      if (injected !== undefined) {
        if (injected === 429 && !faults.rateLimit) {
          c.header('X-Rate-Limit-Limit', '600')
          c.header('X-Rate-Limit-Remaining', '0')
          c.header('X-Rate-Limit-Reset', String(Math.ceil(at.getTime() / 1000) + 60))
        }
        return oktaError(c, injected)
      }
      if (faults.failureRate > 0 && random() < faults.failureRate)
        return oktaError(c, [500, 502, 503, 504][Math.floor(random() * 4)] ?? 500)
      if (c.req.header('Authorization') !== `SSWS ${apiToken}`) return oktaError(c, 401)
      return undefined
    }
    const early = guard()
    if (early) c.res = early
    else await next()
    log.push({
      method: c.req.method,
      path: decodePath(new URL(c.req.url).pathname),
      route,
      url: c.req.url,
      status: c.res.status,
      requestId,
      at,
    })
  })

  const adminUser = addUser({
    login: options.admin?.login ?? `admin@${subdomain}.example.com`,
    firstName: options.admin?.firstName ?? 'Okta',
    lastName: options.admin?.lastName ?? 'Admin',
  })

  // Users: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/
  app.get('/api/v1/org', (c) =>
    c.json({
      id: '00o1simulated0h7',
      companyName: `${subdomain} (simulated)`,
      subdomain,
      status: 'ACTIVE',
      website: null,
      created: adminUser.created,
      lastUpdated: adminUser.created,
      _links: {},
    })
  )

  app.get('/api/v1/users/me', (c) => c.json(userJson(adminUser)))

  app.get('/api/v1/users', (c) => {
    const search = c.req.query('search')
    const filter = c.req.query('filter')
    const expression = search ?? filter
    const match = expression === undefined ? () => true : parseUserExpression(expression)
    if (!match) return oktaError(c, 400, `Api validation failed: ${search ? 'search' : 'filter'}`)
    // Without search, Okta leaves DEPROVISIONED users out unless the filter asks for that status.
    const withDeprovisioned =
      search !== undefined || /status\s+eq\s+"DEPROVISIONED"/i.test(filter ?? '')
    const found = [...users.values()].filter(
      (u) => match(u) && (withDeprovisioned || u.status !== 'DEPROVISIONED')
    )
    const page = paginate(c, found, 200)
    return page instanceof Response ? page : c.json(page.map(userJson))
  })

  app.get('/api/v1/users/:id', (c) => {
    const id = c.req.param('id')
    const user = findUser(id)
    return user ? c.json(userJson(user)) : notFound(c, id, 'User')
  })

  // User grants: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserGrant/
  // Grant endpoints take the user id (not a login), as documented.
  app.get('/api/v1/users/:userId/grants', (c) => {
    const user = users.get(c.req.param('userId'))
    if (!user) return notFound(c, c.req.param('userId'), 'User')
    const scopeId = c.req.query('scopeId')
    const list = ofUser(grants, user).filter((g) => !scopeId || g.scope.id === scopeId)
    const page = paginate(c, list, 20)
    if (page instanceof Response) return page
    return c.json(page.map((g) => grantJson(g, c.req.query('expand') === 'scope')))
  })

  app.delete('/api/v1/users/:userId/grants', (c) => {
    const user = users.get(c.req.param('userId'))
    if (!user) return notFound(c, c.req.param('userId'), 'User')
    removeGrants(user, () => true)
    return c.body(null, 204)
  })

  app.get('/api/v1/users/:userId/grants/:grantId', (c) => {
    const user = users.get(c.req.param('userId'))
    const grant = user && ofUser(grants, user).find((g) => g.id === c.req.param('grantId'))
    if (!grant) return notFound(c, c.req.param('grantId'), 'OAuth2ScopeConsentGrant')
    return c.json(grantJson(grant, c.req.query('expand') === 'scope'))
  })

  app.delete('/api/v1/users/:userId/grants/:grantId', (c) => {
    const user = users.get(c.req.param('userId'))
    const id = c.req.param('grantId')
    if (!user || !removeGrants(user, (g) => g.id === id))
      return notFound(c, id, 'OAuth2ScopeConsentGrant')
    return c.body(null, 204)
  })

  // User clients: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserResources/
  app.get('/api/v1/users/:userId/clients', (c) => {
    const user = users.get(c.req.param('userId'))
    if (!user) return notFound(c, c.req.param('userId'), 'User')
    const ids = new Set([...ofUser(grants, user), ...ofUser(tokens, user)].map((x) => x.clientId))
    return c.json([...ids].map((id) => clientJson(ensureClient(id), user.id)))
  })

  app.get('/api/v1/users/:userId/clients/:clientId/grants', (c) => {
    const user = users.get(c.req.param('userId'))
    if (!user) return notFound(c, c.req.param('userId'), 'User')
    const page = paginate(c, ofUser(grants, user, c.req.param('clientId')), 20)
    if (page instanceof Response) return page
    return c.json(page.map((g) => grantJson(g, c.req.query('expand') === 'scope')))
  })

  // Okta documents 204 and 404 here; the simulator answers 404 when the user has nothing left for
  // the client, so a repeated revoke is visibly a no-op.
  app.delete('/api/v1/users/:userId/clients/:clientId/grants', (c) => {
    const user = users.get(c.req.param('userId'))
    if (!user) return notFound(c, c.req.param('userId'), 'User')
    const clientId = c.req.param('clientId')
    if (!removeGrants(user, (g) => g.clientId === clientId))
      return notFound(c, clientId, 'OAuth2ScopeConsentGrant')
    return c.body(null, 204)
  })

  // User tokens: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserOAuth/
  app.get('/api/v1/users/:userId/clients/:clientId/tokens', (c) => {
    const user = users.get(c.req.param('userId'))
    if (!user) return notFound(c, c.req.param('userId'), 'User')
    const page = paginate(c, ofUser(tokens, user, c.req.param('clientId')), 20)
    if (page instanceof Response) return page
    return c.json(page.map((t) => tokenJson(t, c.req.query('expand') === 'scope')))
  })

  app.delete('/api/v1/users/:userId/clients/:clientId/tokens', (c) => {
    const user = users.get(c.req.param('userId'))
    if (!user) return notFound(c, c.req.param('userId'), 'User')
    const clientId = c.req.param('clientId')
    if (!removeTokens(user, (t) => t.clientId === clientId))
      return notFound(c, clientId, 'OAuth2RefreshToken')
    return c.body(null, 204)
  })

  app.get('/api/v1/users/:userId/clients/:clientId/tokens/:tokenId', (c) => {
    const user = users.get(c.req.param('userId'))
    const token =
      user &&
      ofUser(tokens, user, c.req.param('clientId')).find((t) => t.id === c.req.param('tokenId'))
    if (!token) return notFound(c, c.req.param('tokenId'), 'OAuth2RefreshToken')
    return c.json(tokenJson(token, c.req.query('expand') === 'scope'))
  })

  app.delete('/api/v1/users/:userId/clients/:clientId/tokens/:tokenId', (c) => {
    const user = users.get(c.req.param('userId'))
    const [clientId, id] = [c.req.param('clientId'), c.req.param('tokenId')]
    if (!user || !removeTokens(user, (t) => t.clientId === clientId && t.id === id))
      return notFound(c, id, 'OAuth2RefreshToken')
    return c.body(null, 204)
  })

  app.notFound((c) => notFound(c, new URL(c.req.url).pathname, 'Endpoint'))
  app.onError((_error, c) => oktaError(c, 500))

  /** A fetch that serves the simulator's org in-process and refuses every other host. */
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    const target = new URL(request.url).origin
    if (target !== origin)
      throw new TypeError(`fetch failed: the Okta simulator serves ${origin}, not ${target}`)
    return app.fetch(request)
  }) as typeof globalThis.fetch

  return {
    app,
    fetch,
    orgUrl: origin,
    apiToken,
    baseUrls: { org: origin },
    admin: adminUser,
    addUser,
    addClient,
    addGrants,
    addRefreshTokens,
    findUser,
    /** A user's grants (all clients, or one), as stored. */
    grantsOf: (user: string, clientId?: string) => ofUser(grants, mustFindUser(user), clientId),
    /** A user's refresh tokens (all clients, or one), as stored. */
    refreshTokensOf: (user: string, clientId?: string) =>
      ofUser(tokens, mustFindUser(user), clientId),
    /** Make the next `n` requests answer `status` with Okta's error body for it. */
    failNext(n: number, status: number) {
      faults.queue.push(...Array.from({ length: n }, () => status))
    },
    get failureRate() {
      return faults.failureRate
    },
    set failureRate(rate: number) {
      faults.failureRate = rate
    },
    get rateLimit() {
      return faults.rateLimit
    },
    set rateLimit(limit: { limit: number; windowMs: number } | null) {
      faults.rateLimit = limit
      Object.assign(window, { start: 0, count: 0 })
    },
    get reappearAfterDelete() {
      return faults.reappearAfterDelete
    },
    set reappearAfterDelete(on: boolean) {
      faults.reappearAfterDelete = on
    },
    requests: {
      log,
      /** Requests by method and concrete path or route template (e.g. '/api/v1/users/:userId/grants'). */
      count(method?: string, path?: string | RegExp): number {
        return log.filter(
          (r) =>
            (!method || r.method === method.toUpperCase()) &&
            (path === undefined ||
              (typeof path === 'string' ? r.path === path || r.route === path : path.test(r.path)))
        ).length
      },
      clear() {
        log.length = 0
      },
    },
  }
}

export type OktaSimulator = ReturnType<typeof createOktaSimulator>
