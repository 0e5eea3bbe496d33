// In-process GitHub simulator: orgs, SAML credential authorizations, fine-grained PATs, faults.
//
// Paths, fields and statuses follow the REST docs (version 2022-11-28):
// - https://docs.github.com/rest/orgs/orgs#get-an-organization
// - https://docs.github.com/enterprise-cloud@latest/rest/orgs/orgs#list-saml-sso-authorizations-for-an-organization
// - https://docs.github.com/enterprise-cloud@latest/rest/orgs/orgs#remove-a-saml-sso-authorization-for-an-organization
// - https://docs.github.com/rest/orgs/personal-access-tokens#list-fine-grained-personal-access-tokens-with-access-to-organization-resources
// - https://docs.github.com/rest/orgs/personal-access-tokens#update-the-access-a-fine-grained-personal-access-token-has-to-organization-resources
// - https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api
// - https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api
// - https://docs.github.com/rest/authentication/authenticating-to-the-rest-api
// Error bodies are GitHub's { message, documentation_url, status }. Where the docs give only a
// status code (403 on an app-only endpoint, 422), the message wording is GitHub's usual, not quoted.
import { Hono, type Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** A classic PAT with OAuth scopes, or a GitHub App installation token (org owner permissions). */
export type SimToken = { kind: 'classic'; scopes: string[] } | { kind: 'installation' }

export interface GithubSimulatorOptions {
  /** Root of the API: https://api.github.com style, or GHES style https://HOST/api/v3. */
  baseUrl?: string
  /** Valid tokens; defaults to one installation token, GITHUB_SIM_TOKEN. */
  tokens?: Record<string, SimToken>
  clock?: () => Date
  /** Drives failureRate; inject for deterministic tests. */
  random?: () => number
  /** For URLs outside baseUrl; by default they fail like an unreachable host. */
  fallbackFetch?: typeof fetch
}

export interface SimCredentialAuthorization {
  login: string
  credential_id: number
  credential_type: string
  token_last_eight: string | null
  credential_authorized_at: string
  scopes: string[]
  fingerprint: string | null
  credential_accessed_at: string | null
  authorized_credential_id: number | null
  authorized_credential_title: string | null
  authorized_credential_note: string | null
  authorized_credential_expires_at: string | null
}

export interface SimpleUser {
  login: string
  id: number
  node_id: string
  avatar_url: string
  gravatar_id: string
  url: string
  html_url: string
  type: 'User'
  site_admin: boolean
}

export interface SimPatGrant {
  id: number
  owner: SimpleUser
  repository_selection: 'none' | 'all' | 'subset'
  repositories_url: string
  permissions: {
    organization?: Record<string, string>
    repository?: Record<string, string>
    other?: Record<string, string>
  }
  access_granted_at: string
  token_id: number
  token_name: string
  token_expired: boolean
  token_expires_at: string | null
  token_last_used_at: string | null
}

export interface SimRequest {
  method: string
  /** Path below baseUrl, e.g. /orgs/octo-org/credential-authorizations. */
  path: string
  query: string
  status: number
  at: Date
}

export interface SimRateLimit {
  limit: number
  windowMs: number
  /** GitHub answers an exhausted primary limit with 403 or 429. */
  status?: 403 | 429
}

interface SimOrg {
  login: string
  id: number
  name: string | null
  createdAt: string
  members: Map<string, SimpleUser>
  credentials: Map<number, SimCredentialAuthorization>
  pats: Map<number, SimPatGrant>
}

interface PendingFailure {
  status: number
  message?: string
  headers?: Record<string, string>
}

export const GITHUB_SIM_TOKEN = 'ghs_simulatorInstallationToken0000000000'
export const GITHUB_API_VERSIONS = ['2022-11-28', '2026-03-10']

const DOCS = 'https://docs.github.com/rest'
const RATE_DOCS = `${DOCS}/using-the-rest-api/rate-limits-for-the-rest-api`
const CREDENTIAL_DOCS = 'https://docs.github.com/enterprise-cloud@latest/rest/orgs/orgs'
const PAT_DOCS = `${DOCS}/orgs/personal-access-tokens`
const STATUS_MESSAGES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Bad credentials',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  422: 'Validation Failed',
  429: 'Too Many Requests',
  500: 'Server Error',
  502: 'Server Error',
  503: 'Service Unavailable',
  504: 'We couldn\u2019t respond to your request in time. Sorry about that.',
}
/** GitHub's default core limit for Enterprise Cloud installations, when no rateLimit is set. */
const DEFAULT_RATE_LIMIT: SimRateLimit = { limit: 15_000, windowMs: 3_600_000 }

function errorBody(status: number, message: string, documentationUrl = DOCS) {
  return { message, documentation_url: documentationUrl, status: String(status) }
}

export function createGithubSimulator(options: GithubSimulatorOptions = {}) {
  const baseUrl = (options.baseUrl ?? 'https://api.github.test').replace(/\/+$/, '')
  const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '')
  const clock = options.clock ?? (() => new Date())
  const random = options.random ?? Math.random
  const tokens: Record<string, SimToken> = options.tokens ?? {
    [GITHUB_SIM_TOKEN]: { kind: 'installation' },
  }
  const orgs = new Map<string, SimOrg>()
  const pending: PendingFailure[] = []
  const windows = new Map<string, { config: SimRateLimit; start: number; used: number }>()
  let nextId = 1000
  let requestSerial = 0

  const iso = () => clock().toISOString()
  const orgOf = (login: string) => orgs.get(login.toLowerCase())
  const must = (login: string) => {
    const org = orgOf(login)
    if (!org) throw new Error(`simulator has no org ${login}; call addOrg first`)
    return org
  }

  function simpleUser(login: string): SimpleUser {
    const id = nextId++
    return {
      login,
      id,
      node_id: `U_sim${id}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
      gravatar_id: '',
      url: `${baseUrl}/users/${login}`,
      html_url: `https://github.com/${login}`,
      type: 'User',
      site_admin: false,
    }
  }

  function orgJson(org: SimOrg) {
    const url = `${baseUrl}/orgs/${org.login}`
    return {
      login: org.login,
      id: org.id,
      node_id: `O_sim${org.id}`,
      url,
      repos_url: `${url}/repos`,
      events_url: `${url}/events`,
      hooks_url: `${url}/hooks`,
      issues_url: `${url}/issues`,
      members_url: `${url}/members{/member}`,
      public_members_url: `${url}/public_members{/member}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${org.id}?v=4`,
      description: null,
      name: org.name,
      company: null,
      blog: '',
      location: null,
      email: null,
      is_verified: false,
      has_organization_projects: true,
      has_repository_projects: true,
      public_repos: 0,
      public_gists: 0,
      followers: 0,
      following: 0,
      html_url: `https://github.com/${org.login}`,
      created_at: org.createdAt,
      updated_at: org.createdAt,
      type: 'Organization',
    }
  }

  /** One page of `items` and its Link header, as GitHub paginates with page and per_page. */
  function paginate<T>(c: Context, items: T[]) {
    const url = new URL(c.req.url)
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page')) || 30))
    const page = Math.max(1, Number(url.searchParams.get('page')) || 1)
    const last = Math.max(1, Math.ceil(items.length / perPage))
    const link = (p: number, rel: string) => {
      const target = new URL(`${baseUrl}${url.pathname.slice(basePath.length)}${url.search}`)
      target.searchParams.set('page', String(p))
      return `<${target.href}>; rel="${rel}"`
    }
    const links = [
      ...(page > 1 ? [link(page - 1, 'prev')] : []),
      ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
      ...(page > 1 ? [link(1, 'first')] : []),
    ]
    if (links.length) c.header('link', links.join(', '))
    return c.json(items.slice((page - 1) * perPage, page * perPage))
  }

  function rateLimited(c: Context, org: string, token: SimToken): Response | null {
    const config = sim.rateLimit ?? DEFAULT_RATE_LIMIT
    const now = clock().getTime()
    let window = windows.get(org)
    if (!window || window.config !== config || now >= window.start + config.windowMs) {
      window = { config, start: now, used: 0 }
      windows.set(org, window)
    }
    const reset = Math.ceil((window.start + config.windowMs) / 1000)
    const exhausted = window.used >= config.limit
    if (!exhausted) window.used++
    c.header('x-ratelimit-limit', String(config.limit))
    c.header('x-ratelimit-remaining', String(config.limit - window.used))
    c.header('x-ratelimit-used', String(window.used))
    c.header('x-ratelimit-reset', String(reset))
    c.header('x-ratelimit-resource', 'core')
    if (!exhausted) return null
    const status = config.status ?? 403
    const who = token.kind === 'installation' ? 'installation ID 1' : 'user ID 1'
    const message =
      `API rate limit exceeded for ${who}. If you reach out to GitHub Support for help, ` +
      `please include the request ID ${c.get('requestId')}.`
    return c.json(errorBody(status, message, `${RATE_DOCS}#about-primary-rate-limits`), status)
  }

  const app = new Hono<{ Variables: { token: SimToken | null; requestId: string } }>().basePath(
    basePath || '/'
  )

  // Log every request with its final status, and stamp the request id GitHub sends.
  app.use('*', async (c, next) => {
    requestSerial++
    const hex = requestSerial.toString(16).toUpperCase().padStart(8, '0')
    const requestId = `C0DE:5151:${hex.slice(2)}:${hex}:6740A1B2`
    c.set('requestId', requestId)
    c.header('x-github-request-id', requestId)
    c.header('x-github-media-type', 'github.v3; format=json')
    const url = new URL(c.req.url)
    await next()
    sim.requests.push({
      method: c.req.method,
      path: url.pathname.slice(basePath.length) || '/',
      query: url.search,
      status: c.res.status,
      at: clock(),
    })
  })

  // Injected faults come first: they stand for GitHub's edge failing before any handler runs.
  app.use('*', async (c, next) => {
    const failure = pending.shift()
    if (failure) {
      for (const [name, value] of Object.entries(failure.headers ?? {})) c.header(name, value)
      const status = failure.status as ContentfulStatusCode
      const message = failure.message ?? STATUS_MESSAGES[failure.status] ?? 'Error'
      return c.json(errorBody(failure.status, message), status)
    }
    if (sim.failureRate > 0 && random() < sim.failureRate) {
      const status = ([500, 502, 503] as const)[Math.floor(random() * 3)] ?? 502
      return c.json(errorBody(status, STATUS_MESSAGES[status] ?? 'Server Error'), status)
    }
    await next()
  })

  // Authentication: "Authorization: Bearer <token>" or "token <token>"; the API version header.
  app.use('*', async (c, next) => {
    const version = c.req.header('x-github-api-version')
    if (version && !GITHUB_API_VERSIONS.includes(version)) {
      const docs = `${DOCS}/about-the-rest-api/api-versions`
      return c.json(errorBody(400, `API version '${version}' is not supported.`, docs), 400)
    }
    const header = c.req.header('authorization')
    if (!header) {
      c.set('token', null)
      return next()
    }
    const match = /^(?:bearer|token)\s+(\S+)$/i.exec(header)
    const token = match?.[1] ? tokens[match[1]] : undefined
    if (!token) return c.json(errorBody(401, 'Bad credentials'), 401)
    if (token.kind === 'classic') c.header('x-oauth-scopes', token.scopes.join(', '))
    c.set('token', token)
    await next()
  })

  // /orgs/{org} and below (Hono's /* also matches the bare path): the org must exist, and every
  // call counts against its rate limit. Public org data would answer unauthenticated; not simulated.
  app.use('/orgs/:org/*', async (c, next) => {
    const token = c.get('token')
    if (!token) return c.json(errorBody(401, 'Requires authentication'), 401)
    const org = orgOf(c.req.param('org'))
    if (!org) return c.json(errorBody(404, 'Not Found', `${DOCS}/orgs/orgs`), 404)
    const limited = rateLimited(c, org.login, token)
    if (limited) return limited
    await next()
  })

  /** A classic token must carry one of `scopes`; installation tokens act as the org owner. */
  function forbidden(c: Context, scopes: string[]): Response | null {
    const token = c.get('token') as SimToken
    c.header('x-accepted-oauth-scopes', scopes.join(', '))
    if (token.kind === 'installation' || token.scopes.some((s) => scopes.includes(s))) return null
    return c.json(errorBody(403, 'Resource not accessible by personal access token'), 403)
  }

  /** Fine-grained PAT endpoints: "Only GitHub Apps can use this endpoint." */
  function appsOnly(c: Context): Response | null {
    if ((c.get('token') as SimToken).kind === 'installation') return null
    return c.json(errorBody(403, 'Resource not accessible by personal access token', PAT_DOCS), 403)
  }

  app.get('/orgs/:org', (c) => c.json(orgJson(must(c.req.param('org')))))

  app.get('/orgs/:org/credential-authorizations', (c) => {
    const denied = forbidden(c, ['read:org', 'admin:org'])
    if (denied) return denied
    const org = must(c.req.param('org'))
    const login = c.req.query('login')?.toLowerCase()
    const items = [...org.credentials.values()]
      .filter((a) => !login || a.login.toLowerCase() === login)
      .sort((a, b) => a.credential_id - b.credential_id)
    return paginate(c, items)
  })

  app.delete('/orgs/:org/credential-authorizations/:credential_id', (c) => {
    const denied = forbidden(c, ['admin:org'])
    if (denied) return denied
    const org = must(c.req.param('org'))
    const id = Number(c.req.param('credential_id'))
    const found = org.credentials.get(id)
    if (!found) {
      const docs = `${CREDENTIAL_DOCS}#remove-a-saml-sso-authorization-for-an-organization`
      return c.json(errorBody(404, 'Not Found', docs), 404)
    }
    if (!sim.reappearAfterDelete) org.credentials.delete(id)
    return c.body(null, 204)
  })

  app.get('/orgs/:org/personal-access-tokens', (c) => {
    const denied = appsOnly(c)
    if (denied) return denied
    const org = must(c.req.param('org'))
    const owners = [...(c.req.queries('owner[]') ?? []), ...(c.req.queries('owner') ?? [])]
    if (owners.length > 10) {
      const message = 'Invalid request.\n\nNo more than 10 owners may be given.'
      return c.json(errorBody(422, message, PAT_DOCS), 422)
    }
    const wanted = new Set(owners.map((o) => o.toLowerCase()))
    const items = [...org.pats.values()]
      .filter((p) => !wanted.size || wanted.has(p.owner.login.toLowerCase()))
      .sort((a, b) => a.id - b.id)
    return paginate(c, items)
  })

  app.post('/orgs/:org/personal-access-tokens/:pat_id', async (c) => {
    const denied = appsOnly(c)
    if (denied) return denied
    const org = must(c.req.param('org'))
    const body = (await c.req.json().catch(() => null)) as { action?: unknown } | null
    if (body?.action !== 'revoke') {
      const given = JSON.stringify(body?.action ?? null)
      const message = `Invalid request.\n\nFor 'properties/action', ${given} is not one of ["revoke"].`
      return c.json(errorBody(422, message, PAT_DOCS), 422)
    }
    const id = Number(c.req.param('pat_id'))
    if (!org.pats.has(id)) return c.json(errorBody(404, 'Not Found', PAT_DOCS), 404)
    if (!sim.reappearAfterDelete) org.pats.delete(id)
    return c.body(null, 204)
  })

  app.notFound((c) => c.json(errorBody(404, 'Not Found'), 404))

  const fallbackFetch: typeof fetch =
    options.fallbackFetch ??
    (async (input) => {
      const url = input instanceof Request ? input.url : String(input)
      throw new TypeError(`fetch failed: ${url} is outside the GitHub simulator at ${baseUrl}`)
    })

  const simFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init)
    const rest = request.url.slice(baseUrl.length)
    if (!request.url.startsWith(baseUrl) || !/^([/?#]|$)/.test(rest))
      return fallbackFetch(input, init)
    return app.fetch(request)
  }

  const sim = {
    app,
    fetch: simFetch,
    baseUrls: { api: baseUrl },
    /** The default installation token, when `tokens` was not given. */
    token: GITHUB_SIM_TOKEN,
    requests: [] as SimRequest[],
    /** Probability (0..1) that a request fails with a random 5xx. */
    failureRate: 0,
    /** Primary rate limit per org; null means GitHub's generous default. */
    rateLimit: null as SimRateLimit | null,
    /** Deletes and revokes answer 204 but leave the grant in place (eventual consistency gone wrong). */
    reappearAfterDelete: false,

    addOrg(login: string, init: { name?: string | null } = {}) {
      const org: SimOrg = {
        login,
        id: nextId++,
        name: init.name ?? null,
        createdAt: iso(),
        members: new Map(),
        credentials: new Map(),
        pats: new Map(),
      }
      orgs.set(login.toLowerCase(), org)
      return orgJson(org)
    },

    addMember(orgLogin: string, login: string): SimpleUser {
      const org = must(orgLogin)
      const existing = org.members.get(login.toLowerCase())
      if (existing) return existing
      const user = simpleUser(login)
      org.members.set(login.toLowerCase(), user)
      return user
    },

    /** A SAML-authorized credential; a personal access token unless credential_type says otherwise. */
    addCredentialAuthorization(
      orgLogin: string,
      init: Partial<SimCredentialAuthorization> & { login: string }
    ): SimCredentialAuthorization {
      const org = must(orgLogin)
      const user = sim.addMember(orgLogin, init.login)
      const type = init.credential_type ?? 'personal access token'
      const isKey = /key/i.test(type)
      const id = init.credential_id ?? nextId++
      const item: SimCredentialAuthorization = {
        credential_id: id,
        credential_type: type,
        token_last_eight: isKey ? null : id.toString(16).padStart(8, '0').slice(-8),
        credential_authorized_at: iso(),
        scopes: isKey ? [] : ['repo', 'read:org'],
        fingerprint: isKey ? `SHA256:sim${id}` : null,
        credential_accessed_at: null,
        authorized_credential_id: nextId++,
        authorized_credential_title: null,
        authorized_credential_note: null,
        authorized_credential_expires_at: null,
        ...init,
        login: user.login,
      }
      org.credentials.set(item.credential_id, item)
      return structuredClone(item)
    },

    /** A fine-grained PAT grant owned by `owner` (a login). */
    addFineGrainedToken(
      orgLogin: string,
      init: Partial<Omit<SimPatGrant, 'owner'>> & { owner: string }
    ): SimPatGrant {
      const org = must(orgLogin)
      const owner = sim.addMember(orgLogin, init.owner)
      const id = init.id ?? nextId++
      const item: SimPatGrant = {
        repository_selection: 'all',
        repositories_url: `${baseUrl}/organizations/${org.id}/personal-access-tokens/${id}/repositories`,
        permissions: { repository: { contents: 'read', metadata: 'read' } },
        access_granted_at: iso(),
        token_id: nextId++,
        token_name: `token ${id}`,
        token_expired: false,
        token_expires_at: null,
        token_last_used_at: null,
        ...init,
        id,
        owner,
      }
      org.pats.set(id, item)
      return structuredClone(item)
    },

    credentialAuthorizations(orgLogin: string): SimCredentialAuthorization[] {
      return structuredClone([...must(orgLogin).credentials.values()])
    },

    fineGrainedTokens(orgLogin: string): SimPatGrant[] {
      return structuredClone([...must(orgLogin).pats.values()])
    },

    members(orgLogin: string): SimpleUser[] {
      return structuredClone([...must(orgLogin).members.values()])
    },

    /** The next `n` requests fail with `status` and GitHub's error body, before auth or routing. */
    failNext(n: number, status: number, init: Omit<PendingFailure, 'status'> = {}) {
      for (let i = 0; i < n; i++) pending.push({ status, ...init })
    },

    /** The next `n` requests hit a secondary rate limit: 403 (or 429), Retry-After when given. */
    failNextWithSecondaryRateLimit(
      n: number,
      init: { retryAfterSeconds?: number; status?: 403 | 429 } = {}
    ) {
      const message =
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'
      const headers: Record<string, string> =
        init.retryAfterSeconds === undefined
          ? {}
          : { 'retry-after': String(init.retryAfterSeconds) }
      sim.failNext(n, init.status ?? 403, { message, headers })
    },

    /** Calls so far keyed "METHOD /path" (path below baseUrl, without the query). */
    requestCounts(): Record<string, number> {
      const counts: Record<string, number> = {}
      for (const r of sim.requests) {
        const key = `${r.method} ${r.path}`
        counts[key] = (counts[key] ?? 0) + 1
      }
      return counts
    },
  }
  return sim
}

export type GithubSimulator = ReturnType<typeof createGithubSimulator>
