// The provider simulators of test/simulators served over HTTP on loopback (@hono/node-server),
// seeded with the leavers' grants, each enforcing one per-tenant request limit; and what they saw
// afterwards: requests, rate-limit answers, successful deletes per grant, grants left.
import { serve, type ServerType } from '@hono/node-server'
import { createGithubSimulator } from '../../test/simulators/github.ts'
import { createGoogleSimulator } from '../../test/simulators/google.ts'
import { createMicrosoftSimulator } from '../../test/simulators/microsoft.ts'
import { createOktaSimulator } from '../../test/simulators/okta.ts'
import { createSlackSimulator } from '../../test/simulators/slack.ts'
import { GITHUB_KINDS, type BenchProvider, type Leaver } from './workload.ts'

export const ADMIN_EMAIL = 'it-admin@bench.example'

export interface ConnectionInput {
  provider: BenchProvider
  credentials: unknown
  baseUrls: Record<string, string>
}

export interface ProviderTally {
  provider: BenchProvider
  /** Requests the simulator answered, rate-limit answers included (token endpoints excluded). */
  requests: number
  /** Requests answered as over the simulator's limit: 429 (GitHub: 403 with
   * x-ratelimit-remaining: 0, or Retry-After). */
  rateLimited: number
  /** The busiest rate-limit bucket's requests not rate limited (what the limit counted). */
  counted: number
  /** Which bucket that is (the tenant, or a Slack method). */
  bucket: string
  /** Requests not rate limited, by bucket. */
  byBucket: Record<string, number>
  /** Successful deletes per grant: the largest count, and how many grants had more than one. */
  maxDeletesPerGrant: number
  duplicated: number
  /** Grants of the leavers still present at the simulator. */
  left: number
  /** First and last request (ms since epoch) that the limit counted. */
  first: number
  last: number
  /** Requests of the busiest bucket not rate limited, per second from `first`. */
  perSecond: number[]
}

export interface Simulators {
  connections: ConnectionInput[]
  tally(): ProviderTally[]
  close(): Promise<void>
}

type Handler = (request: Request) => Response | Promise<Response>

interface Seen {
  method: string
  path: string
  status: number
  /** Answered as over a rate limit: 429, or GitHub's 403 with x-ratelimit-remaining: 0 or
   * Retry-After (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api). */
  limited: boolean
  /** When the simulator answered (ms since epoch). */
  at: number
}

const isRateLimited = (res: Response) =>
  res.status === 429 ||
  (res.status === 403 &&
    (res.headers.get('x-ratelimit-remaining') === '0' || res.headers.has('retry-after')))

/**
 * A loopback HTTP server whose handler is set once the simulator (which needs its URL) exists;
 * every request is logged with its answer and time (not every simulator's own log has the time).
 */
async function listen(log: Seen[]): Promise<{
  url: string
  server: ServerType
  handle(h: Handler): void
}> {
  let handler: Handler = () => new Response('not ready', { status: 503 })
  return new Promise((resolve) => {
    const server = serve(
      {
        fetch: async (request) => {
          const res = await handler(request)
          log.push({
            method: request.method,
            path: decodeURIComponent(new URL(request.url).pathname),
            status: res.status,
            limited: isRateLimited(res),
            at: Date.now(),
          })
          return res
        },
        port: 0,
        hostname: '127.0.0.1',
      },
      (info) =>
        resolve({
          url: `http://127.0.0.1:${info.port}`,
          server,
          handle: (h) => void (handler = h),
        })
    )
  })
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    const s = server as unknown as { close(cb: () => void): void; closeAllConnections?(): void }
    s.close(() => resolve())
    s.closeAllConnections?.()
  })
}

/**
 * `bucketOf` names the rate-limit bucket a request counts in, or null for requests the limit does
 * not count (token endpoints).
 */
function summarise(
  provider: BenchProvider,
  log: Seen[],
  bucketOf: (r: Seen) => string | null,
  deletes: Map<string, number>,
  left: number
): ProviderTally {
  const byBucket: Record<string, number> = {}
  let first = Infinity
  let last = 0
  let rateLimited = 0
  let requests = 0
  for (const r of log) {
    const bucket = bucketOf(r)
    if (bucket === null) continue
    requests++
    if (r.limited) {
      rateLimited++
      continue
    }
    byBucket[bucket] = (byBucket[bucket] ?? 0) + 1
    first = Math.min(first, r.at)
    last = Math.max(last, r.at)
  }
  const [bucket, busiest] = Object.entries(byBucket).sort((a, b) => b[1] - a[1])[0] ?? ['-', 0]
  const perSecond: number[] = []
  for (const r of log)
    if (!r.limited && bucketOf(r) === bucket) {
      const i = Math.floor((r.at - first) / 1000)
      perSecond[i] = (perSecond[i] ?? 0) + 1
    }
  const perGrant = [...deletes.values()]
  return {
    provider,
    requests,
    rateLimited,
    counted: busiest,
    bucket,
    byBucket,
    maxDeletesPerGrant: perGrant.length ? Math.max(...perGrant) : 0,
    duplicated: perGrant.filter((n) => n > 1).length,
    left,
    first: Number.isFinite(first) ? first : 0,
    last,
    perSecond: Array.from(perSecond, (n) => n ?? 0),
  }
}

function countBy(keys: string[]): Map<string, number> {
  const m = new Map<string, number>()
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1)
  return m
}

const deletesOf = (log: Seen[]) =>
  countBy(log.filter((r) => r.method === 'DELETE' && r.status === 204).map((r) => r.path))

/**
 * Start the simulators of `providers`, each limited to `limit` requests per `windowMs` per tenant
 * (Slack: per method, as Slack counts; GitHub: per org), and seed every leaver's grants.
 */
export async function startSimulators(opts: {
  providers: BenchProvider[]
  leavers: Leaver[]
  limit: number
  windowMs: number
}): Promise<Simulators> {
  const { leavers, limit, windowMs } = opts
  const rateLimit = { limit, windowMs }
  const servers: ServerType[] = []
  const connections: ConnectionInput[] = []
  const tallies: Array<() => ProviderTally> = []
  const want = new Set(opts.providers)
  const grantsOf = (provider: BenchProvider) =>
    leavers.flatMap((l) =>
      l.grants.filter((g) => g.provider === provider).map((g) => ({ leaver: l, grant: g }))
    )
  const host = async (log: Seen[]) => {
    const h = await listen(log)
    servers.push(h.server)
    return h
  }

  if (want.has('google')) {
    // Two hosts (token endpoint, Admin SDK): the simulator tells them apart by origin.
    const log: Seen[] = []
    const [oauth2, admin] = [await host([]), await host(log)]
    const sim = createGoogleSimulator({
      baseUrls: { oauth2: oauth2.url, admin: admin.url },
      rateLimit,
    })
    oauth2.handle((r) => sim.app.fetch(r))
    admin.handle((r) => sim.app.fetch(r))
    const key = sim.addServiceAccount({ name: 'consentry-bench' })
    sim.addUser({ email: ADMIN_EMAIL, isAdmin: true })
    for (const l of leavers)
      if (l.grants.some((g) => g.provider === 'google')) sim.addUser({ email: l.email })
    for (const { leaver, grant } of grantsOf('google'))
      sim.addToken(leaver.email, {
        clientId: grant.clientId,
        displayText: grant.appName,
        scopes: grant.scopes,
      })
    connections.push({
      provider: 'google',
      credentials: {
        client_email: key.client_email,
        private_key: key.private_key,
        private_key_id: key.private_key_id,
        adminEmail: ADMIN_EMAIL,
      },
      baseUrls: { oauth2: oauth2.url, admin: admin.url },
    })
    tallies.push(() => {
      const left = grantsOf('google').filter(({ leaver, grant }) =>
        sim.hasToken(leaver.email, grant.clientId)
      ).length
      // Per Workspace customer: every Directory API call (the token endpoint is not counted).
      return summarise('google', log, () => 'customer', deletesOf(log), left)
    })
  }

  if (want.has('microsoft')) {
    const log: Seen[] = []
    const graph = await host(log)
    const sim = createMicrosoftSimulator({ baseUrls: { login: graph.url, graph: graph.url } })
    graph.handle((r) => sim.app.fetch(r))
    sim.rateLimit = rateLimit
    const principals = new Map<string, string>() // appId -> service principal object id
    const grantIds: string[] = []
    for (const l of leavers) {
      const mine = l.grants.filter((g) => g.provider === 'microsoft')
      if (!mine.length) continue
      const user = sim.addUser({ userPrincipalName: l.email })
      for (const g of mine) {
        let sp = principals.get(g.clientId)
        if (!sp) {
          sp = sim.addServicePrincipal({ appId: g.clientId, displayName: g.appName }).id
          principals.set(g.clientId, sp)
        }
        grantIds.push(
          sim.addGrant({ clientId: sp, principalId: user.id, scope: g.scopes.join(' ') }).id
        )
      }
    }
    connections.push({
      provider: 'microsoft',
      credentials: sim.credentials,
      baseUrls: { login: graph.url, graph: graph.url },
    })
    tallies.push(() => {
      const left = grantIds.filter((id) => sim.hasGrant(id)).length
      // Per app per tenant: every Graph call (not the token endpoint).
      const bucket = (r: Seen) => (r.path.startsWith('/v1.0/') ? 'tenant' : null)
      return summarise('microsoft', log, bucket, deletesOf(log), left)
    })
  }

  if (want.has('okta')) {
    const log: Seen[] = []
    const org = await host(log)
    // The connection's orgUrl must be an https DNS name; baseUrls.org sends the connector to
    // loopback, and the simulator's own origin (in its Link headers) is the loopback URL too.
    const sim = createOktaSimulator({ orgUrl: org.url })
    org.handle((r) => sim.app.fetch(r))
    sim.rateLimit = rateLimit
    for (const l of leavers) {
      const mine = l.grants.filter((g) => g.provider === 'okta')
      if (!mine.length) continue
      sim.addUser({ login: l.email })
      for (const g of mine) {
        sim.addClient({ clientId: g.clientId, name: g.appName })
        sim.addGrants(l.email, g.clientId, g.scopes)
        sim.addRefreshTokens(l.email, g.clientId, g.scopes)
      }
    }
    connections.push({
      provider: 'okta',
      credentials: { orgUrl: 'https://bench-org.okta.com', apiToken: sim.apiToken },
      baseUrls: { org: org.url },
    })
    tallies.push(() => {
      const left = grantsOf('okta').filter(
        ({ leaver, grant }) =>
          sim.grantsOf(leaver.email, grant.clientId).length +
            sim.refreshTokensOf(leaver.email, grant.clientId).length >
          0
      ).length
      // Org-wide (the simulator keeps one window for every endpoint).
      return summarise('okta', log, () => 'org', deletesOf(log), left)
    })
  }

  if (want.has('slack')) {
    const log: Seen[] = []
    const api = await host(log)
    const sim = createSlackSimulator({ baseUrl: `${api.url}/api`, rateLimit })
    api.handle((r) => sim.app.fetch(r))
    const appIds: string[] = []
    for (const l of leavers) {
      const mine = l.grants.filter((g) => g.provider === 'slack')
      if (!mine.length) continue
      const user = sim.addUser({ email: l.email })
      for (const g of mine) {
        // Slack keeps one org-wide approval per app: a leaver's Slack grant is an app they approved.
        sim.approveApp({
          app: { id: g.clientId, name: g.appName },
          resolvedBy: user.id,
          scopes: g.scopes,
        })
        appIds.push(g.clientId)
      }
    }
    connections.push({
      provider: 'slack',
      credentials: sim.credentials({ allowUninstall: true }),
      baseUrls: sim.baseUrls,
    })
    tallies.push(() => {
      const approved = new Set(sim.approvedApps().map((r) => r.appId))
      const left = appIds.filter((id) => approved.has(id) || sim.isInstalled(id)).length
      // Slack answers HTTP 200 with ok: false for errors: successes come from its own log.
      const ok = (method: string) =>
        sim.requests.log
          .filter((r) => r.method === method && r.status === 200 && r.error === null)
          .map((r) => `${method} ${r.params.app_id ?? ''}`)
      const deletes = countBy([...ok('admin.apps.uninstall'), ...ok('admin.apps.clearResolution')])
      // Per method per org, as Slack counts.
      const bucket = (r: Seen) => r.path.slice(r.path.lastIndexOf('/') + 1)
      return summarise('slack', log, bucket, deletes, left)
    })
  }

  if (want.has('github')) {
    const log: Seen[] = []
    const api = await host(log)
    const org = 'bench-org'
    const sim = createGithubSimulator({ baseUrl: api.url })
    api.handle((r) => sim.app.fetch(r))
    // GitHub's primary limit, scaled like the others: every /orgs/{org} call counts, and an
    // exhausted window answers 403 with x-ratelimit-remaining: 0 and x-ratelimit-reset (its docs:
    // 403 or 429), which the shared sender reads as a rate limit.
    sim.rateLimit = { ...rateLimit, status: 403 }
    sim.addOrg(org, { name: 'Bench Org' })
    // What removes each grant ("METHOD /path"), to count successful removals per grant.
    const removals = new Set<string>()
    const present: Array<() => boolean> = []
    for (const { leaver, grant } of grantsOf('github')) {
      if (grant.clientId === GITHUB_KINDS[0]) {
        const c = sim.addCredentialAuthorization(org, {
          login: leaver.githubLogin,
          authorized_credential_note: grant.appName,
          scopes: grant.scopes,
        })
        const path = `/orgs/${org}/credential-authorizations/${c.credential_id}`
        removals.add(`DELETE ${path}`)
        present.push(() => credentialIds().has(c.credential_id))
      } else {
        const p = sim.addFineGrainedToken(org, {
          owner: leaver.githubLogin,
          token_name: grant.appName,
        })
        const path = `/orgs/${org}/personal-access-tokens/${p.id}`
        removals.add(`POST ${path}`)
        present.push(() => patIds().has(p.id))
      }
    }
    let credentials: Set<number> | null = null
    let pats: Set<number> | null = null
    const credentialIds = () =>
      (credentials ??= new Set(sim.credentialAuthorizations(org).map((c) => c.credential_id)))
    const patIds = () => (pats ??= new Set(sim.fineGrainedTokens(org).map((p) => p.id)))
    connections.push({
      provider: 'github',
      credentials: { org, token: sim.token },
      baseUrls: sim.baseUrls,
    })
    tallies.push(() => {
      credentials = pats = null
      const left = present.filter((isPresent) => isPresent()).length
      // A credential authorization goes by DELETE, a fine-grained PAT by POST {action: 'revoke'}.
      const deletes = countBy(
        log
          .filter((r) => r.status === 204 && removals.has(`${r.method} ${r.path}`))
          .map((r) => r.path)
      )
      // Per org: the simulator keeps one window for every /orgs/{org} call.
      const bucket = (r: Seen) => (r.path.startsWith('/orgs/') ? 'org' : null)
      return summarise('github', log, bucket, deletes, left)
    })
  }

  return {
    connections,
    tally: () => tallies.map((t) => t()),
    async close() {
      await Promise.all(servers.map(closeServer))
    },
  }
}
