// One adapter per provider simulator: the same seeding, fault and inspection calls for all five,
// so the connector contract suite and the bulk revocation tests can treat them alike.
import type { DirectoryUser, ProviderId } from '../../server/providers/types.ts'
import { createGithubSimulator } from './github.ts'
import { createGoogleSimulator } from './google.ts'
import { createMicrosoftSimulator } from './microsoft.ts'
import { createOktaSimulator } from './okta.ts'
import { createSlackSimulator } from './slack.ts'

export interface AdapterOptions {
  clock?: () => Date
  random?: () => number
  /** Slack only: let the connector uninstall apps (a Slack install is org-wide). */
  allowUninstall?: boolean
}

export interface SimulatorAdapter {
  provider: ProviderId
  /** The simulator's own Hono app, to serve it on a real port. */
  app: { fetch(request: Request): Response | Promise<Response> }
  fetch: typeof fetch
  baseUrls: Record<string, string>
  /** Valid credentials for the connector, as an admin would enter them. */
  credentials: Record<string, unknown>
  /** A user with grants to `apps` apps; the client ids are the connector's RemoteGrant.clientId. */
  seedUser(email: string, apps: number): { user: DirectoryUser; clientIds: string[] }
  isPresent(email: string, clientId: string): boolean
  /** The next `n` requests answer a 5xx. */
  injectTransient(n?: number): void
  /** The next `n` requests answer a rate limit (429). */
  injectRateLimit(n?: number): void
  /** Share of all requests that answer a 5xx. */
  setFailureRate(rate: number): void
  /** Deletes answer success but the grant stays or comes straight back. */
  makeReappear(on?: boolean): void
  /**
   * How often each thing behind the grant was removed with a success answer (one count per kind:
   * Okta's consent grants and refresh tokens, Slack's install and approval, one delete elsewhere).
   */
  removals(email: string, clientId: string): number[]
}

const local = (email: string) => email.split('@')[0] ?? email
const label = (email: string) =>
  local(email)
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1)

function google(opts: AdapterOptions): SimulatorAdapter {
  const sim = createGoogleSimulator({ clock: opts.clock, random: opts.random, requestIds: true })
  const admin = 'admin@acme.example'
  sim.addUser({ email: admin, isAdmin: true })
  const key = sim.addServiceAccount()
  // Tokens are deleted by the user's id (what tokens.list returns as userKey) or email.
  const ids = new Map<string, string>()
  const deletes = (email: string, clientId: string) =>
    sim.requests.filter((r) => {
      if (r.method !== 'DELETE' || r.status !== 204) return false
      const [, userKey, clientKey] =
        /\/users\/([^/]+)\/tokens\/([^/]+)$/.exec(r.path)?.map(decodeURIComponent) ?? []
      const user = email.toLowerCase()
      return clientKey === clientId && (userKey === user || userKey === ids.get(user))
    }).length
  return {
    provider: 'google',
    app: sim.app,
    fetch: sim.fetch,
    baseUrls: sim.baseUrls,
    credentials: {
      client_email: key.client_email,
      private_key: key.private_key,
      private_key_id: key.private_key_id,
      adminEmail: admin,
    },
    seedUser(email, apps) {
      const user = sim.addUser({ email })
      ids.set(email.toLowerCase(), user.id)
      const clientIds = range(apps).map((i) => {
        const clientId = `${100 + i}-${label(email)}${i}.apps.googleusercontent.com`
        sim.addToken(email, {
          clientId,
          displayText: `Google app ${i}`,
          scopes: ['openid', 'https://www.googleapis.com/auth/drive.readonly'],
        })
        return clientId
      })
      return { user: { email }, clientIds }
    },
    isPresent: (email, clientId) => sim.hasToken(email, clientId),
    injectTransient: (n = 1) => sim.failNext(n, 503),
    injectRateLimit: (n = 1) => sim.failNext(n, 429),
    setFailureRate: (rate) => void (sim.failureRate = rate),
    makeReappear: (on = true) => void (sim.reappearAfterDelete = on),
    removals: (email, clientId) => [deletes(email, clientId)],
  }
}

function microsoft(opts: AdapterOptions): SimulatorAdapter {
  const sim = createMicrosoftSimulator({ clock: opts.clock, random: opts.random })
  // Graph grant id -> the app's appId (the connector's clientId), per user email.
  const grantIds = new Map<string, string>()
  const key = (email: string, clientId: string) => `${email.toLowerCase()}|${clientId}`
  return {
    provider: 'microsoft',
    app: sim.app,
    fetch: sim.fetch,
    baseUrls: sim.baseUrls,
    credentials: { ...sim.credentials },
    seedUser(email, apps) {
      const user = sim.addUser({ userPrincipalName: email })
      const clientIds = range(apps).map((i) => {
        const sp = sim.addServicePrincipal({ displayName: `Entra app ${label(email)} ${i}` })
        const grant = sim.addGrant({
          clientId: sp.id,
          principalId: user.id,
          scope: 'openid User.Read Files.Read.All',
        })
        grantIds.set(key(email, sp.appId), grant.id)
        return sp.appId
      })
      return { user: { email }, clientIds }
    },
    isPresent: (email, clientId) => sim.hasGrant(grantIds.get(key(email, clientId)) ?? ''),
    injectTransient: (n = 1) => sim.failNext(n, 503),
    injectRateLimit: (n = 1) => sim.failNext(n, 429, { retryAfterSeconds: 2 }),
    setFailureRate: (rate) => void (sim.failureRate = rate),
    makeReappear: (on = true) => void (sim.reappearAfterDelete = on),
    removals(email, clientId) {
      const path = `/v1.0/oauth2PermissionGrants/${grantIds.get(key(email, clientId))}`
      return [
        sim.requests.filter((r) => r.method === 'DELETE' && r.status === 204 && r.path === path)
          .length,
      ]
    },
  }
}

function github(opts: AdapterOptions): SimulatorAdapter {
  const sim = createGithubSimulator({ clock: opts.clock, random: opts.random })
  const org = 'acme'
  sim.addOrg(org, { name: 'Acme' })
  // The request that removes each grant ("METHOD /path"), by user email and clientId.
  const removals = new Map<string, string>()
  const key = (email: string, clientId: string) => `${email.toLowerCase()}|${clientId}`
  return {
    provider: 'github',
    app: sim.app,
    fetch: sim.fetch,
    baseUrls: sim.baseUrls,
    credentials: { org, token: sim.token },
    seedUser(email, apps) {
      // A credential authorization names no app: the connector's clientId is the credential's
      // type, so only two kinds (a SAML-authorized token and a fine-grained PAT) are told apart.
      if (apps > 2) throw new Error('github: at most two distinguishable grants per user')
      const login = label(email)
      const clientIds: string[] = []
      const credential = sim.addCredentialAuthorization(org, {
        login,
        authorized_credential_note: 'AI coding assistant',
      })
      clientIds.push(`credential:${credential.credential_type}`)
      removals.set(
        key(email, clientIds[0]!),
        `DELETE /orgs/${org}/credential-authorizations/${credential.credential_id}`
      )
      if (apps > 1) {
        const pat = sim.addFineGrainedToken(org, { owner: login, token_name: 'AI agent' })
        clientIds.push('credential:fine-grained personal access token')
        removals.set(
          key(email, clientIds[1]!),
          `POST /orgs/${org}/personal-access-tokens/${pat.id}`
        )
      }
      // GitHub cannot find an org member by email: the login must be mapped.
      return { user: { email, providerUserId: login }, clientIds }
    },
    isPresent(email, clientId) {
      const login = label(email)
      if (clientId === 'credential:fine-grained personal access token')
        return sim.fineGrainedTokens(org).some((p) => p.owner.login === login)
      return sim
        .credentialAuthorizations(org)
        .some((c) => c.login === login && `credential:${c.credential_type}` === clientId)
    },
    injectTransient: (n = 1) => sim.failNext(n, 503),
    injectRateLimit: (n = 1) => sim.failNext(n, 429, { headers: { 'retry-after': '5' } }),
    setFailureRate: (rate) => void (sim.failureRate = rate),
    makeReappear: (on = true) => void (sim.reappearAfterDelete = on),
    removals(email, clientId) {
      const removal = removals.get(key(email, clientId))
      const removed = sim.requests.filter(
        (r) => `${r.method} ${r.path}` === removal && r.status === 204
      )
      return [removed.length]
    },
  }
}

function slack(opts: AdapterOptions): SimulatorAdapter {
  const clock = opts.clock
  const sim = createSlackSimulator({
    now: clock ? () => clock().getTime() : undefined,
    random: opts.random,
  })
  const succeeded = (method: string, appId: string) =>
    sim.requests.log.filter(
      (e) => e.method === method && e.status === 200 && !e.error && e.params.app_id === appId
    ).length
  return {
    provider: 'slack',
    app: sim.app,
    fetch: sim.fetch,
    baseUrls: sim.baseUrls,
    credentials: sim.credentials({ allowUninstall: opts.allowUninstall ?? true }),
    seedUser(email, apps) {
      const user = sim.addUser({ email })
      const clientIds = range(apps).map((i) => {
        const id = `A0${label(email).toUpperCase()}${i}`.slice(0, 20)
        sim.approveApp({
          app: { id, name: `Slack app ${i}` },
          resolvedBy: user.id,
          scopes: ['channels:history', 'chat:write'],
        })
        return id
      })
      return { user: { email }, clientIds }
    },
    // What the connector lists and verifies: the approval the person gave.
    isPresent: (_email, clientId) => sim.approvedApps().some((r) => r.appId === clientId),
    injectTransient: (n = 1) => sim.failNext(n, 503),
    injectRateLimit: (n = 1) => sim.failNext(n, 429, { retryAfterSeconds: 5 }),
    setFailureRate: (rate) => void (sim.faults.failureRate = rate),
    makeReappear: (on = true) => void (sim.faults.reappearAfterDelete = on),
    removals: (_email, clientId) => [
      succeeded('admin.apps.uninstall', clientId),
      succeeded('admin.apps.clearResolution', clientId),
    ],
  }
}

function okta(opts: AdapterOptions): SimulatorAdapter {
  // Under .test, so nothing can reach a real Okta org by mistake.
  const sim = createOktaSimulator({
    orgUrl: 'https://acme.okta.test',
    clock: opts.clock,
    random: opts.random,
  })
  const removed = (email: string, clientId: string, what: 'grants' | 'tokens') => {
    const path = `/api/v1/users/${sim.findUser(email)?.id}/clients/${clientId}/${what}`
    return sim.requests.log.filter(
      (r) => r.method === 'DELETE' && r.path === path && r.status === 204
    ).length
  }
  return {
    provider: 'okta',
    app: sim.app,
    fetch: sim.fetch,
    baseUrls: sim.baseUrls,
    credentials: { orgUrl: sim.orgUrl, apiToken: sim.apiToken },
    seedUser(email, apps) {
      sim.addUser({ login: email })
      const clientIds = range(apps).map((i) => {
        const clientId = `0oa${label(email).slice(0, 8)}${String(i).padStart(3, '0')}x7`
        sim.addClient({ clientId, name: `Okta app ${i}` })
        sim.addGrants(email, clientId, ['notes.read', 'notes.write'])
        sim.addRefreshTokens(email, clientId, ['offline_access', 'notes.read'])
        return clientId
      })
      return { user: { email }, clientIds }
    },
    isPresent: (email, clientId) =>
      sim.grantsOf(email, clientId).length + sim.refreshTokensOf(email, clientId).length > 0,
    injectTransient: (n = 1) => sim.failNext(n, 503),
    injectRateLimit: (n = 1) => sim.failNext(n, 429),
    setFailureRate: (rate) => void (sim.failureRate = rate),
    makeReappear: (on = true) => void (sim.reappearAfterDelete = on),
    removals: (email, clientId) => [
      removed(email, clientId, 'grants'),
      removed(email, clientId, 'tokens'),
    ],
  }
}

export const SIMULATOR_ADAPTERS: Record<ProviderId, (opts?: AdapterOptions) => SimulatorAdapter> = {
  google: (o = {}) => google(o),
  microsoft: (o = {}) => microsoft(o),
  github: (o = {}) => github(o),
  slack: (o = {}) => slack(o),
  okta: (o = {}) => okta(o),
}

/** What the contract suite needs: a simulator, credentials, and a user with two apps. */
export function seedContractFixture(provider: ProviderId, opts: AdapterOptions = {}) {
  const sim = SIMULATOR_ADAPTERS[provider](opts)
  const email = 'leaver@acme.example'
  const { user, clientIds } = sim.seedUser(email, 2)
  return {
    sim,
    credentials: sim.credentials,
    user,
    clientIds,
    isPresent: (clientId: string) => sim.isPresent(email, clientId),
    injectTransient: () => sim.injectTransient(),
    injectRateLimit: () => sim.injectRateLimit(),
    makeReappear: (on = true) => sim.makeReappear(on),
  }
}

/** A fetch that sends each request to the simulator whose base URL has the request's host. */
export function routeToSimulators(adapters: SimulatorAdapter[]): typeof fetch {
  const byHost = new Map<string, typeof fetch>()
  for (const adapter of adapters)
    for (const url of Object.values(adapter.baseUrls)) byHost.set(new URL(url).host, adapter.fetch)
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    const target = byHost.get(url.host)
    if (!target) throw new TypeError(`fetch failed: no simulator serves ${url.host}`)
    return target(input, init)
  }) as typeof fetch
}
