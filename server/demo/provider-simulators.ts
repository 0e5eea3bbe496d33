// The five provider simulators (test/simulators/) for the demo: served on fixed local ports of
// 127.0.0.1 only, accepting the credentials the demo organisation saved, holding its live grants.
import { serve, type ServerType } from '@hono/node-server'
import { and, eq, inArray } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { apps, grants, people, providerConnections } from '../db/schema/index.ts'
import type { SecretBox } from '../domain/secret-box.ts'
import { PROVIDER_IDS, type ProviderId } from '../providers/types.ts'
import { createGithubSimulator, GITHUB_SIM_TOKEN } from '../../test/simulators/github.ts'
import { createGoogleSimulator } from '../../test/simulators/google.ts'
import { createMicrosoftSimulator } from '../../test/simulators/microsoft.ts'
import { createOktaSimulator } from '../../test/simulators/okta.ts'
import { createSlackSimulator } from '../../test/simulators/slack.ts'

/** The first of the seven ports (DEMO_SIMULATOR_PORT overrides it; 0 picks free ports). */
export const DEMO_SIMULATOR_PORT = 4610
const HOST = '127.0.0.1'

/**
 * Every base URL a connector knows, each on its own port: Google and Microsoft tell their two
 * hosts apart by origin. Slack's Web API lives under /api, as at slack.com.
 */
const ENDPOINTS = [
  { provider: 'google', key: 'oauth2', path: '' },
  { provider: 'google', key: 'admin', path: '' },
  { provider: 'microsoft', key: 'login', path: '' },
  { provider: 'microsoft', key: 'graph', path: '' },
  { provider: 'github', key: 'api', path: '' },
  { provider: 'slack', key: 'api', path: '/api' },
  { provider: 'okta', key: 'org', path: '' },
] as const

export type DemoBaseUrls = Record<ProviderId, Record<string, string>>

/** The simulators' base URLs when served from `port` (each endpoint on the next port). */
export function demoBaseUrls(ports: number | number[]): DemoBaseUrls {
  const urls = Object.fromEntries(PROVIDER_IDS.map((p) => [p, {}])) as DemoBaseUrls
  ENDPOINTS.forEach(({ provider, key, path }, i) => {
    const port = Array.isArray(ports) ? ports[i] : ports + i
    urls[provider][key] = `http://${HOST}:${port}${path}`
  })
  return urls
}

/** The admin the Google service account acts as, and the GitHub organisation of the demo. */
const GOOGLE_ADMIN = 'it-admin@acme.example'
const GITHUB_ORG = 'acme'

export interface DemoGrant {
  provider: ProviderId
  /** The account the grant belongs to, as a revocation job names it. */
  email: string
  clientId: string
  appName: string
  scopes: string[]
  githubLogin: string | null
}

export type DemoSimulators = ReturnType<typeof createDemoSimulators>

/**
 * The five simulators answering at `baseUrls`, in process (`fetch` reaches them without a port).
 * `credentials` are those saved earlier (a restart); without them the simulators make new ones.
 */
export function createDemoSimulators(opts: {
  baseUrls: DemoBaseUrls
  credentials?: Partial<Record<ProviderId, Record<string, unknown>>>
}) {
  const { baseUrls } = opts
  const saved = opts.credentials ?? {}
  const str = (provider: ProviderId, key: string) => {
    const value = saved[provider]?.[key]
    return typeof value === 'string' ? value : undefined
  }

  const google = createGoogleSimulator({
    baseUrls: { oauth2: baseUrls.google.oauth2, admin: baseUrls.google.admin },
    requestIds: true,
  })
  google.addUser({ email: GOOGLE_ADMIN, isAdmin: true })
  const savedKey = saved.google as
    { client_email: string; private_key: string; private_key_id: string } | undefined
  const googleKey = google.addServiceAccount(savedKey ? { key: savedKey } : { name: 'consentry' })

  const microsoft = createMicrosoftSimulator({
    baseUrls: { login: baseUrls.microsoft.login, graph: baseUrls.microsoft.graph },
    tenantName: 'Acme',
    tenantId: str('microsoft', 'tenantId'),
    clientId: str('microsoft', 'clientId'),
    clientSecret: str('microsoft', 'clientSecret'),
  })

  const github = createGithubSimulator({ baseUrl: baseUrls.github.api })
  github.addOrg(GITHUB_ORG, { name: 'Acme' })

  const slack = createSlackSimulator({ baseUrl: baseUrls.slack.api, orgName: 'Acme' })
  const okta = createOktaSimulator({
    orgUrl: baseUrls.okta.org,
    admin: { login: GOOGLE_ADMIN, firstName: 'IT', lastName: 'Admin' },
  })

  // Valid credentials for each connector, as an admin would paste them.
  const credentials: Record<ProviderId, Record<string, unknown>> = {
    google: {
      client_email: googleKey.client_email,
      private_key: googleKey.private_key,
      private_key_id: googleKey.private_key_id,
      adminEmail: GOOGLE_ADMIN,
    },
    microsoft: { ...microsoft.credentials },
    github: { org: GITHUB_ORG, token: GITHUB_SIM_TOKEN },
    // A Slack install is org-wide: the connector may uninstall apps only when told it may.
    slack: slack.credentials({ allowUninstall: true }),
    // Okta's org URL must be https: the connection's `org` base URL points at the simulator.
    okta: { orgUrl: 'https://acme.okta.test', apiToken: okta.apiToken },
  }

  const apps = {
    google: google.app,
    microsoft: microsoft.app,
    github: github.app,
    slack: slack.app,
    okta: okta.app,
  } as Record<ProviderId, { fetch(request: Request): Response | Promise<Response> }>
  const byOrigin = new Map<string, ProviderId>()
  for (const provider of PROVIDER_IDS)
    for (const url of Object.values(baseUrls[provider])) byOrigin.set(new URL(url).origin, provider)

  /** Reaches the simulators without their ports (the seed uses it before they listen). */
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    const provider = byOrigin.get(new URL(request.url).origin)
    if (!provider) throw new TypeError(`fetch failed: no demo simulator serves ${request.url}`)
    return apps[provider].fetch(request)
  }) as typeof globalThis.fetch

  const users = {
    google: new Set<string>(),
    microsoft: new Map<string, string>(),
    slack: new Map<string, string>(),
    okta: new Set<string>(),
  }
  const microsoftApps = new Map<string, string>()

  /** Put a grant into its provider's state, the way that provider records it. */
  function addGrant(grant: DemoGrant) {
    const email = grant.email.toLowerCase()
    switch (grant.provider) {
      case 'google':
        if (!users.google.has(email)) google.addUser({ email })
        users.google.add(email)
        google.addToken(email, {
          clientId: grant.clientId,
          displayText: grant.appName,
          scopes: grant.scopes,
        })
        return
      case 'microsoft': {
        let userId = users.microsoft.get(email)
        if (!userId) {
          userId = microsoft.addUser({ userPrincipalName: email }).id
          users.microsoft.set(email, userId)
        }
        let spId = microsoftApps.get(grant.clientId)
        if (!spId) {
          spId = microsoft.addServicePrincipal({
            appId: grant.clientId,
            displayName: grant.appName,
          }).id
          microsoftApps.set(grant.clientId, spId)
        }
        microsoft.addGrant({ clientId: spId, principalId: userId, scope: grant.scopes.join(' ') })
        return
      }
      case 'github': {
        // GitHub finds an organisation member by login only; a grant without one cannot exist.
        if (!grant.githubLogin) return
        if (grant.clientId === 'credential:fine-grained personal access token')
          github.addFineGrainedToken(GITHUB_ORG, {
            owner: grant.githubLogin,
            token_name: grant.appName,
          })
        else if (grant.clientId.startsWith('credential:'))
          github.addCredentialAuthorization(GITHUB_ORG, {
            login: grant.githubLogin,
            credential_type: grant.clientId.slice('credential:'.length),
            authorized_credential_note: grant.appName,
          })
        return
      }
      case 'slack': {
        let userId = users.slack.get(email)
        if (!userId) {
          userId = slack.addUser({ email }).id
          users.slack.set(email, userId)
        }
        // One approval per app in an org: the last person to approve it is the one listed.
        slack.approveApp({
          app: { id: grant.clientId, name: grant.appName },
          resolvedBy: userId,
          scopes: grant.scopes,
        })
        return
      }
      case 'okta':
        if (!users.okta.has(email)) okta.addUser({ login: email })
        users.okta.add(email)
        okta.addClient({ clientId: grant.clientId, name: grant.appName })
        okta.addGrants(email, grant.clientId, grant.scopes)
        okta.addRefreshTokens(email, grant.clientId, ['offline_access', ...grant.scopes])
        return
    }
  }

  /** Whether the provider still holds the grant (what a verification would find). */
  function hasGrant(grant: Omit<DemoGrant, 'appName' | 'scopes'>): boolean {
    const email = grant.email.toLowerCase()
    switch (grant.provider) {
      case 'google':
        return google.hasToken(email, grant.clientId)
      case 'microsoft': {
        const spId = microsoftApps.get(grant.clientId)
        const userId = users.microsoft.get(email)
        return microsoft.grants().some((g) => g.clientId === spId && g.principalId === userId)
      }
      case 'github':
        if (grant.clientId === 'credential:fine-grained personal access token')
          return github
            .fineGrainedTokens(GITHUB_ORG)
            .some((p) => p.owner.login === grant.githubLogin)
        return github
          .credentialAuthorizations(GITHUB_ORG)
          .some(
            (c) =>
              c.login === grant.githubLogin && `credential:${c.credential_type}` === grant.clientId
          )
      case 'slack':
        return slack.approvedApps().some((r) => r.appId === grant.clientId)
      case 'okta':
        if (!users.okta.has(email)) return false
        return (
          okta.grantsOf(email, grant.clientId).length +
            okta.refreshTokensOf(email, grant.clientId).length >
          0
        )
    }
  }

  return { baseUrls, credentials, fetch, apps, addGrant, hasGrant }
}

/** The live grants of the organisation's leavers, each as the provider would hold it. */
export async function loadLeaverGrants(db: Db, orgId: string): Promise<DemoGrant[]> {
  const rows = await db
    .select({
      provider: grants.provider,
      account: grants.account,
      personEmail: people.email,
      githubLogin: people.githubLogin,
      clientId: apps.clientId,
      appName: apps.name,
      scopes: grants.scopes,
    })
    .from(grants)
    .innerJoin(apps, eq(apps.id, grants.appId))
    .innerJoin(people, eq(people.id, grants.personId))
    .where(
      and(
        eq(grants.orgId, orgId),
        inArray(people.status, ['leaving', 'left']),
        inArray(grants.status, ['active', 'revoke_failed', 'revocation_pending'])
      )
    )
  return rows
    .filter((r): r is typeof r & { provider: ProviderId } =>
      (PROVIDER_IDS as readonly string[]).includes(r.provider)
    )
    .map((r) => ({
      provider: r.provider,
      // The account a revocation job asks the provider about (revocation-plans.ts).
      email: (r.account.includes('@') ? r.account : r.personEmail).toLowerCase(),
      clientId: r.clientId,
      appName: r.appName ?? r.clientId,
      scopes: r.scopes,
      githubLogin: r.githubLogin,
    }))
}

/** The credentials the organisation saved for its connections, unsealed. */
export async function loadSavedCredentials(
  db: Db,
  orgId: string,
  box: SecretBox
): Promise<Partial<Record<ProviderId, Record<string, unknown>>>> {
  const rows = await db
    .select({
      provider: providerConnections.provider,
      sealed: providerConnections.credentialsCiphertext,
    })
    .from(providerConnections)
    .where(eq(providerConnections.orgId, orgId))
  return Object.fromEntries(
    rows.map((r) => [r.provider, JSON.parse(box.open(r.sealed)) as Record<string, unknown>])
  )
}

/**
 * Serve the simulators on `port` and the six ports after it (0: free ports), on 127.0.0.1 only.
 * The listeners come first, so the simulators know the URLs they answer for.
 */
export async function startDemoSimulators(opts: {
  port?: number
  credentials?: Partial<Record<ProviderId, Record<string, unknown>>>
}) {
  const port = opts.port ?? DEMO_SIMULATOR_PORT
  let sims: DemoSimulators | null = null
  const servers: ServerType[] = []
  const ports: number[] = []
  try {
    for (const [i, endpoint] of ENDPOINTS.entries()) {
      const app = (request: Request) =>
        sims
          ? sims.apps[endpoint.provider].fetch(request)
          : new Response('starting', { status: 503 })
      ports.push(
        await new Promise<number>((resolve, reject) => {
          const server = serve({ fetch: app, port: port ? port + i : 0, hostname: HOST }, (info) =>
            resolve(info.port)
          )
          server.once('error', reject)
          servers.push(server)
        })
      )
    }
  } catch (error) {
    for (const server of servers) server.close()
    throw new Error(
      `The demo's provider simulators need ports ${port}-${port + ENDPOINTS.length - 1} on ${HOST} ` +
        `(set DEMO_SIMULATOR_PORT to move them): ${(error as Error).message}`
    )
  }
  const started = createDemoSimulators({
    baseUrls: demoBaseUrls(ports),
    credentials: opts.credentials,
  })
  sims = started
  return {
    ...started,
    ports,
    close: () =>
      Promise.all(
        servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))
      ).then(() => undefined),
  }
}

export type RunningDemoSimulators = Awaited<ReturnType<typeof startDemoSimulators>>
