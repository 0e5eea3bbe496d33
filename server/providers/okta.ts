// Okta connector: a user's OAuth consent grants and refresh tokens per app, via the Management API.
//
// One RemoteGrant per OAuth client (handle = client id); revoking deletes the user's refresh tokens
// and consent grants for that client. Endpoints (API token, `Authorization: SSWS {token}`):
//   GET    /api/v1/users/me, /api/v1/users/{id|login}, /api/v1/users?search=
//          https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/
//   GET    /api/v1/users/{userId}/grants?expand=scope
//   GET    /api/v1/users/{userId}/clients/{clientId}/grants
//   DELETE /api/v1/users/{userId}/clients/{clientId}/grants
//          https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserGrant/
//   GET    /api/v1/users/{userId}/clients
//          https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserResources/
//   GET    /api/v1/users/{userId}/clients/{clientId}/tokens
//   DELETE /api/v1/users/{userId}/clients/{clientId}/tokens
//          https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserOAuth/
// Lists page through Link rel="next" (https://developer.okta.com/docs/api/#pagination); errors
// carry errorSummary (https://developer.okta.com/docs/reference/error-codes/); 429s carry
// X-Rate-Limit-Reset (https://developer.okta.com/docs/reference/rl-best-practices/).
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

const OKTA_OWNED_HOST = /\.(okta|oktapreview|okta-emea|okta-gov)\.com$|\.okta\.mil$/

/** The org's API origin, or null: https only, a DNS name (no IP literal, no bare host), no path. */
function parseOrgUrl(input: string): string | null {
  let url: URL
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(input) ? input : `https://${input}`)
  } catch {
    return null
  }
  const host = url.hostname.toLowerCase()
  if (url.protocol !== 'https:' || url.username || url.password) return null
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host) || /^[\d.]+$/.test(host)) return null
  // People paste the Admin Console URL ({org}-admin.okta.com); the API lives on {org}.okta.com.
  const apiHost = OKTA_OWNED_HOST.test(host) ? host.replace(/^([^.]+)-admin\./, '$1.') : host
  return `https://${apiHost}${url.port ? `:${url.port}` : ''}`
}

export const OktaCredentials = z.object({
  /** https://{org}.okta.com, .oktapreview.com, .okta-emea.com, or the org's custom domain. */
  orgUrl: z
    .string()
    .trim()
    .transform((value, ctx) => {
      const origin = parseOrgUrl(value)
      if (origin) return origin
      ctx.addIssue({ code: 'custom', message: 'an https Okta org URL, e.g. https://acme.okta.com' })
      return z.NEVER
    }),
  /** An API token (Admin Console > Security > API > Tokens); a pasted "SSWS " prefix is dropped. */
  apiToken: z
    .string()
    .trim()
    .transform((value) => value.replace(/^SSWS\s+/i, ''))
    .pipe(z.string().regex(/^[\x21-\x7e]{10,512}$/, 'an Okta API token')),
})
export type OktaCredentials = z.infer<typeof OktaCredentials>

/** Okta has no public default: the org URL comes from the credentials; `org` overrides it. */
export const OKTA_DEFAULT_BASE_URLS: Readonly<Partial<Record<'org', string>>> = {}

interface OktaUser {
  id: string
  status?: string
  profile?: { login?: string; email?: string }
}
interface OktaGrant {
  id: string
  status?: string
  clientId: string
  scopeId?: string
  _embedded?: { scope?: { id?: string; name?: string } }
  _links?: { client?: { title?: string }; app?: { title?: string } }
}
interface OktaClient {
  client_id: string
  client_name?: string | null
}
interface OktaToken {
  id: string
  status?: string
  scopes?: string[]
}

const PAGE_LIMIT = 200
const MAX_PAGES = 50

/** Okta's own 404 (E0000007 "Not found: Resource not found: ..."), not a proxy's or a wrong host's. */
const isOktaNotFound = (r: ProviderFailure) => r.status === 404 && r.message.startsWith('Not found')

const isActive = (x: { status?: string }) => x.status !== 'REVOKED'

function nextLink(header: string | null): string | null {
  for (const m of (header ?? '').matchAll(/<([^>]*)>\s*;\s*rel="?([^";]+)"?/g))
    if (m[2]?.split(/\s+/).includes('next')) return m[1] ?? null
  return null
}

function unexpected(status: number, requestId: string | null, what: string): ProviderFailure {
  return { ok: false, kind: 'permanent', status, message: `Okta answered ${what}`, requestId }
}

export function createOktaConnector(
  opts: ConnectorOptions<z.infer<typeof OktaCredentials>>
): ProviderConnector {
  const org = new URL(opts.baseUrls?.org ?? opts.credentials.orgUrl).origin
  const headers = { authorization: `SSWS ${opts.credentials.apiToken}` }
  const api = (path: string) => `${org}/api/v1${path}`
  const seg = encodeURIComponent

  async function get<T>(path: string): Promise<ProviderResult<T>> {
    const res = await sendProviderRequest<T>(
      { method: 'GET', url: api(path), headers },
      { fetch: opts.fetch, clock: opts.clock, retry: opts.retry }
    )
    return res as ProviderResult<T>
  }

  const remove = (path: string) =>
    sendProviderRequest<null>(
      { method: 'DELETE', url: api(path), headers },
      { fetch: opts.fetch, clock: opts.clock, notFoundIsGone: true }
    )

  /** Every page of a list, following Link rel="next" on the org's own origin only. */
  async function getAll<T>(path: string): Promise<ProviderResult<T[]>> {
    const items: T[] = []
    let url: string | null = api(path)
    for (let page = 0; url; page++) {
      const seen = { link: null as string | null }
      const res: ProviderResult<T[] | 'gone'> = await sendProviderRequest<T[]>(
        { method: 'GET', url, headers },
        {
          clock: opts.clock,
          retry: opts.retry,
          // The shared sender returns bodies, not headers: keep the Link header on the way through.
          fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
            const response = await opts.fetch(input, init)
            seen.link = response.headers.get('link')
            return response
          }) as typeof fetch,
        }
      )
      if (!res.ok) return res
      if (!Array.isArray(res.value))
        return unexpected(res.status, res.requestId, `${path} with no list`)
      items.push(...(res.value as T[]))
      url = nextLink(seen.link)
      if (url && new URL(url).origin !== org)
        return unexpected(res.status, res.requestId, `a next page on another host (${url})`)
      if (url && page + 1 >= MAX_PAGES)
        return unexpected(res.status, res.requestId, `${path} with more than ${MAX_PAGES} pages`)
      if (!url) return { ...res, value: items }
    }
    return unexpected(0, null, `${path} with no pages`)
  }

  /** The Okta user: by id, by login (usually the work email), then by profile.email. */
  async function findUser(user: DirectoryUser): Promise<ProviderResult<OktaUser | null>> {
    let last: ProviderResult<OktaUser> | null = null
    for (const key of new Set([user.providerUserId, user.email].filter(Boolean) as string[])) {
      last = await get<OktaUser>(`/users/${seg(key)}`)
      if (last.ok && typeof last.value?.id === 'string') return last
      if (last.ok) return unexpected(last.status, last.requestId, 'a user without an id')
      if (!isOktaNotFound(last)) return last
    }
    const expression = `profile.email eq "${user.email.replace(/["\\]/g, '\\$&')}"`
    const found = await get<OktaUser[]>(`/users?search=${seg(expression)}&limit=2`)
    if (!found.ok) return found
    if (!Array.isArray(found.value))
      return unexpected(found.status, found.requestId, 'no user list')
    if (found.value.length > 1)
      return {
        ok: false,
        kind: 'permanent',
        status: found.status,
        message: `several Okta users have the email ${user.email}; set the person's Okta user id`,
        requestId: found.requestId,
      }
    // No such user in this org: nothing of theirs to revoke (last is the lookup's 404 otherwise).
    return {
      ...found,
      value: found.value[0] ?? null,
      requestId: found.requestId ?? last?.requestId ?? null,
    }
  }

  async function userIdOf(grant: RemoteGrant): Promise<ProviderResult<string | null>> {
    if (grant.userId) return { ok: true, value: grant.userId, status: 200, requestId: null }
    const found = await findUser({ email: grant.userEmail })
    return found.ok ? { ...found, value: found.value?.id ?? null } : found
  }

  /** Active grants or refresh tokens of one client; a 404 (user or client gone) is none. */
  async function activeFor(path: string): Promise<ProviderResult<number>> {
    const res = await getAll<{ status?: string }>(path)
    if (res.ok) return { ...res, value: res.value.filter(isActive).length }
    if (!isOktaNotFound(res)) return res
    return { ok: true, value: 0, status: res.status, requestId: res.requestId }
  }

  return {
    id: 'okta',

    async testConnection() {
      const me = await get<OktaUser>('/users/me')
      if (!me.ok) return me
      const who = me.value?.profile?.login ?? me.value?.id ?? 'the token owner'
      return { ...me, value: `${new URL(org).host} as ${who}` }
    },

    async listGrants(user) {
      const found = await findUser(user)
      if (!found.ok) return found
      if (!found.value) return { ...found, value: [] }
      const uid = seg(found.value.id)
      const grants = await getAll<OktaGrant>(
        `/users/${uid}/grants?expand=scope&limit=${PAGE_LIMIT}`
      )
      if (!grants.ok) return grants
      // Clients with tokens but no consent (apps that skip the consent screen) show up only here.
      const clients = await getAll<OktaClient>(`/users/${uid}/clients`)
      if (!clients.ok) return clients

      const scopes = new Map<string, Set<string>>()
      const names = new Map<string, string>()
      for (const g of grants.value.filter(isActive)) {
        // expand=scope names custom scopes; Okta's own okta.* scopes are their own ids. (A link's
        // title can be a display name, so it is not used.)
        const name = g._embedded?.scope?.name ?? g.scopeId
        if (!scopes.has(g.clientId)) scopes.set(g.clientId, new Set())
        if (name) scopes.get(g.clientId)!.add(name)
        const title = g._links?.client?.title ?? g._links?.app?.title
        if (title) names.set(g.clientId, title)
      }
      let last: ProviderResult<unknown> = clients
      for (const client of clients.value) {
        if (client.client_name) names.set(client.client_id, client.client_name)
        if (scopes.has(client.client_id)) continue
        const path = `/users/${uid}/clients/${seg(client.client_id)}/tokens?limit=${PAGE_LIMIT}`
        const tokens = await getAll<OktaToken>(path)
        if (!tokens.ok && isOktaNotFound(tokens)) continue
        if (!tokens.ok) return tokens
        last = tokens
        const active = tokens.value.filter(isActive)
        if (active.length)
          scopes.set(client.client_id, new Set(active.flatMap((t) => t.scopes ?? [])))
      }

      const value = [...scopes].map(([clientId, set]): RemoteGrant => ({
        provider: 'okta',
        userEmail: user.email,
        userId: found.value!.id,
        clientId,
        appName: names.get(clientId) ?? null,
        scopes: [...set].sort(),
        handle: clientId,
      }))
      return { ok: true, value, status: last.status, requestId: last.requestId }
    },

    async revokeGrant(grant) {
      const uid = await userIdOf(grant)
      if (!uid.ok) return uid
      if (uid.value === null) return { ...uid, value: 'already_gone' }
      const base = `/users/${seg(uid.value)}/clients/${seg(grant.handle || grant.clientId)}`
      // Refresh tokens first: they are what keeps an app working after the person has left.
      const tokens = await remove(`${base}/tokens`)
      if (!tokens.ok) return tokens
      const grants = await remove(`${base}/grants`)
      if (!grants.ok) return grants
      const gone = tokens.value === 'gone' && grants.value === 'gone'
      return { ...grants, value: gone ? 'already_gone' : 'revoked' }
    },

    async verifyRevoked(grant) {
      const uid = await userIdOf(grant)
      if (!uid.ok) return uid
      if (uid.value === null) return { ...uid, value: true }
      const base = `/users/${seg(uid.value)}/clients/${seg(grant.handle || grant.clientId)}`
      const grants = await activeFor(`${base}/grants?limit=${PAGE_LIMIT}`)
      if (!grants.ok) return grants
      const tokens = await activeFor(`${base}/tokens?limit=${PAGE_LIMIT}`)
      if (!tokens.ok) return tokens
      return { ...tokens, value: grants.value === 0 && tokens.value === 0 }
    },
  }
}
