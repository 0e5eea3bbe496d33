// Microsoft Entra ID connector: lists and revokes a user's delegated consents and app role
// assignments through Microsoft Graph v1.0, signed in as an app with client credentials.
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

// Sovereign clouds use other hosts for both, e.g. login.microsoftonline.us + graph.microsoft.us:
// https://learn.microsoft.com/en-us/graph/deployments
export const MICROSOFT_DEFAULT_BASE_URLS = {
  login: 'https://login.microsoftonline.com',
  graph: 'https://graph.microsoft.com',
}

/** Application permissions (admin-consented) the app registration needs, least privileged. */
export const MICROSOFT_REQUIRED_PERMISSIONS = [
  'Directory.Read.All',
  'DelegatedPermissionGrant.ReadWrite.All',
  'AppRoleAssignment.ReadWrite.All',
  'User.RevokeSessions.All',
] as const

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DOMAIN = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i

/** What an admin copies from the app registration's Overview and Certificates & secrets pages. */
export const MicrosoftCredentials = z.object({
  // Goes into the token URL path, so only a GUID or a domain: never "common" (client credentials
  // need one directory) and never anything with a slash.
  tenantId: z
    .string()
    .trim()
    .refine(
      (v) => GUID.test(v) || DOMAIN.test(v),
      'tenantId must be the Directory (tenant) ID or a verified domain such as contoso.onmicrosoft.com'
    ),
  clientId: z.string().trim().regex(GUID, 'clientId must be the Application (client) ID, a GUID'),
  clientSecret: z
    .string()
    .trim()
    .min(1, 'clientSecret is required: the secret Value, not its Secret ID')
    .max(1024),
})
export type MicrosoftCredentials = z.infer<typeof MicrosoftCredentials>

// Response shapes, as far as the connector reads them.
const Token = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
})
const User = z.object({ id: z.string().min(1), userPrincipalName: z.string().nullish() })
const Grant = z.object({
  id: z.string().min(1),
  clientId: z.string().min(1),
  consentType: z.string(),
  principalId: z.string().nullish(),
  resourceId: z.string().nullish(),
  scope: z.string().nullish(),
})
const AppRoleAssignment = z.object({
  id: z.string().min(1),
  appRoleId: z.string().nullish(),
  principalId: z.string().nullish(),
  resourceId: z.string().min(1),
  resourceDisplayName: z.string().nullish(),
})
const ServicePrincipal = z.object({
  appId: z.string().min(1),
  displayName: z.string().nullish(),
  appRoles: z.array(z.object({ id: z.string(), value: z.string().nullish() })).nullish(),
})
const Organization = z.object({ id: z.string(), displayName: z.string().nullish() })
const page = <T extends z.ZodType>(item: T) =>
  z.object({ value: z.array(item), '@odata.nextLink': z.string().optional() })

type Grant = z.infer<typeof Grant>
type ServicePrincipal = z.infer<typeof ServicePrincipal>
type Ok<T> = Extract<ProviderResult<T>, { ok: true }>

/** Handles of app role assignments carry this prefix; bare handles are oauth2PermissionGrant ids. */
export const APP_ROLE_ASSIGNMENT_HANDLE = 'appRoleAssignment:'
const REFRESH_MARGIN_MS = 5 * 60_000
const MAX_PAGES = 500
const encode = encodeURIComponent
/** An OData string literal: single quotes double. */
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`
const filter = (expression: string) => `$filter=${encode(expression)}`

export interface MicrosoftConnector extends ProviderConnector {
  /** Invalidates the user's refresh tokens and browser sessions, so every app must sign in again. */
  revokeSignInSessions(user: DirectoryUser): Promise<ProviderResult<boolean>>
}

export function createMicrosoftConnector(
  opts: ConnectorOptions<MicrosoftCredentials>
): MicrosoftConnector {
  const { credentials, fetch } = opts
  const clock = opts.clock ?? (() => new Date())
  const urls = { ...MICROSOFT_DEFAULT_BASE_URLS }
  for (const [name, url] of Object.entries(opts.baseUrls ?? {}))
    if (url && name in urls) urls[name as keyof typeof urls] = url.replace(/\/+$/, '')
  const graphRoot = `${urls.graph}/v1.0`
  const graphOrigin = new URL(urls.graph).origin

  let cached: { value: string; refreshAt: number } | null = null
  let pending: Promise<ProviderResult<string>> | null = null
  // A service principal's appId never changes; its lookups are shared by every user's listing.
  const servicePrincipals = new Map<string, ServicePrincipal>()
  // Lookups under way: concurrent jobs for users of the same app wait for one request.
  const lookups = new Map<string, Promise<ProviderResult<ServicePrincipal | null>>>()

  const fail = (
    status: number,
    message: string,
    requestId: string | null = null
  ): ProviderFailure => ({
    ok: false,
    kind: 'permanent',
    status,
    message,
    requestId,
  })

  // https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow#get-a-token
  async function requestToken(): Promise<ProviderResult<string>> {
    const now = clock().getTime()
    const res = await sendProviderRequest(
      {
        method: 'POST',
        url: `${urls.login}/${encode(credentials.tenantId)}/oauth2/v2.0/token`,
        body: new URLSearchParams({
          client_id: credentials.clientId,
          client_secret: credentials.clientSecret,
          // The .default scope of the cloud's own Graph host (graph.microsoft.us in US Gov).
          scope: `${urls.graph}/.default`,
          grant_type: 'client_credentials',
        }),
      },
      { fetch, clock }
    )
    if (!res.ok) return res
    const token = Token.safeParse(res.value)
    if (!token.success)
      return fail(
        res.status,
        'Entra ID token endpoint answered without an access_token',
        res.requestId
      )
    const lifetime = token.data.expires_in * 1000
    cached = {
      value: token.data.access_token,
      refreshAt: now + lifetime - Math.min(REFRESH_MARGIN_MS, lifetime / 2),
    }
    return { ...res, value: token.data.access_token }
  }

  function accessToken(): Promise<ProviderResult<string>> {
    if (cached && clock().getTime() < cached.refreshAt)
      return Promise.resolve({ ok: true, value: cached.value, status: 200, requestId: null })
    // Concurrent calls share one token request.
    pending ??= requestToken().finally(() => (pending = null))
    return pending
  }

  /** One Graph call; a 401 (secret rotated, token revoked before expiry) gets one fresh token. */
  async function graph(
    method: 'GET' | 'POST' | 'DELETE',
    pathOrUrl: string,
    notFoundIsGone = false
  ): Promise<ProviderResult<unknown>> {
    const url = pathOrUrl.startsWith('/') ? `${graphRoot}${pathOrUrl}` : pathOrUrl
    for (let attempt = 1; ; attempt++) {
      const token = await accessToken()
      if (!token.ok) return token
      const res = await sendProviderRequest(
        { method, url, headers: { authorization: `Bearer ${token.value}` } },
        { fetch, clock, notFoundIsGone, retry: opts.retry }
      )
      if (res.ok || res.status !== 401 || attempt > 1) return res
      if (cached?.value === token.value) cached = null
    }
  }

  async function read<T extends z.ZodType>(
    schema: T,
    path: string
  ): Promise<ProviderResult<z.infer<T>>> {
    const res = await graph('GET', path)
    if (!res.ok) return res
    const parsed = schema.safeParse(res.value)
    if (parsed.success) return { ...res, value: parsed.data }
    return fail(res.status, `unexpected Microsoft Graph response for GET ${path}`, res.requestId)
  }

  // https://learn.microsoft.com/en-us/graph/paging
  async function readAll<T extends z.ZodType>(
    item: T,
    path: string
  ): Promise<ProviderResult<z.infer<T>[]>> {
    const items: z.infer<T>[] = []
    for (let next = path, pages = 1; ; pages++) {
      const res = await read(page(item), next)
      if (!res.ok) return res
      items.push(...res.value.value)
      const link = res.value['@odata.nextLink']
      if (!link) return { ...res, value: items }
      // The bearer token goes only to the configured Graph host, whatever a nextLink says.
      const host = URL.canParse(link) ? new URL(link) : null
      if (host?.origin !== graphOrigin)
        return fail(0, `refusing to follow @odata.nextLink to another host: ${host?.host ?? link}`)
      if (pages === MAX_PAGES) return fail(0, `more than ${MAX_PAGES} pages from GET ${path}`)
      next = link
    }
  }

  // https://learn.microsoft.com/en-us/graph/api/user-get
  // A userPrincipalName starting with "$" must be written /users('$x@y.com'); "#" (B2B guests)
  // must be percent-encoded, which encodeURIComponent does.
  const userPath = (key: string) =>
    key.startsWith('$') ? `/users(${encode(literal(key))})` : `/users/${encode(key)}`

  /** The Graph user behind a directory user: by object id or UPN, then by primary mail. */
  async function resolveUser(user: DirectoryUser): Promise<ProviderResult<z.infer<typeof User>>> {
    const key = user.providerUserId || user.email
    const byKey = await read(User, `${userPath(key)}?$select=id,userPrincipalName`)
    if (byKey.ok || byKey.status !== 404 || user.providerUserId) return byKey
    // The work email is often not the UPN (renames, alias domains); mail is unique in a tenant.
    // https://learn.microsoft.com/en-us/graph/api/user-list
    const byMail = await readAll(
      User,
      `/users?${filter(`mail eq ${literal(user.email)}`)}&$select=id,userPrincipalName`
    )
    if (!byMail.ok) return byMail
    const [found, ...others] = byMail.value
    if (found && others.length === 0) return { ...byMail, value: found }
    const message = found
      ? `several Microsoft Entra users have mail ${user.email}`
      : `no Microsoft Entra user has userPrincipalName or mail ${user.email} (${byKey.message})`
    return fail(404, message, byKey.requestId)
  }

  function servicePrincipal(id: string): Promise<ProviderResult<ServicePrincipal | null>> {
    const known = servicePrincipals.get(id)
    if (known) return Promise.resolve({ ok: true, value: known, status: 200, requestId: null })
    let pending = lookups.get(id)
    if (!pending) {
      pending = lookUpServicePrincipal(id).finally(() => lookups.delete(id))
      lookups.set(id, pending)
    }
    return pending
  }

  // https://learn.microsoft.com/en-us/graph/api/serviceprincipal-get
  async function lookUpServicePrincipal(
    id: string
  ): Promise<ProviderResult<ServicePrincipal | null>> {
    const res = await graph(
      'GET',
      `/servicePrincipals/${encode(id)}?$select=appId,displayName,appRoles`,
      true
    )
    if (!res.ok) return res
    if (res.value === 'gone') return { ...res, value: null }
    const parsed = ServicePrincipal.safeParse(res.value)
    if (!parsed.success)
      return fail(res.status, `unexpected Microsoft Graph service principal ${id}`, res.requestId)
    servicePrincipals.set(id, parsed.data)
    return { ...res, value: parsed.data }
  }

  function toRemoteGrant(
    user: DirectoryUser,
    userId: string,
    grant: Grant,
    client: ServicePrincipal
  ): RemoteGrant {
    return {
      provider: 'microsoft',
      userEmail: user.email,
      userId,
      clientId: client.appId,
      appName: client.displayName ?? null,
      scopes: (grant.scope ?? '').split(' ').filter(Boolean),
      handle: grant.id,
      ...(grant.consentType === 'AllPrincipals' && { tenantWide: true }),
    }
  }

  async function listGrants(user: DirectoryUser): Promise<ProviderResult<RemoteGrant[]>> {
    const found = await resolveUser(user)
    if (!found.ok) return found
    const userId = found.value.id

    // https://learn.microsoft.com/en-us/graph/api/oauth2permissiongrant-list
    const own = await readAll(
      Grant,
      `/oauth2PermissionGrants?${filter(`principalId eq ${literal(userId)}`)}`
    )
    if (!own.ok) return own
    // Admin consent on behalf of every user: the leaver had this access too.
    const orgWide = await readAll(
      Grant,
      `/oauth2PermissionGrants?${filter("consentType eq 'AllPrincipals'")}`
    )
    if (!orgWide.ok) return orgWide
    // https://learn.microsoft.com/en-us/graph/api/user-list-approleassignments
    const roles = await readAll(AppRoleAssignment, `${userPath(userId)}/appRoleAssignments`)
    if (!roles.ok) return roles

    const grants: RemoteGrant[] = []
    const delegated = [
      ...own.value.filter((g) => g.consentType === 'Principal' && g.principalId === userId),
      ...orgWide.value.filter((g) => g.consentType === 'AllPrincipals'),
    ]
    for (const grant of delegated) {
      const client = await servicePrincipal(grant.clientId)
      if (!client.ok) return client
      // Deleting a service principal deletes its grants; one still listed is on its way out.
      if (client.value) grants.push(toRemoteGrant(user, userId, grant, client.value))
    }
    // The list also holds roles assigned to the user's groups: not the user's to give up.
    for (const assignment of roles.value.filter((a) => a.principalId === userId)) {
      const resource = await servicePrincipal(assignment.resourceId)
      if (!resource.ok) return resource
      if (!resource.value) continue
      const role = resource.value.appRoles?.find((r) => r.id === assignment.appRoleId)
      grants.push({
        provider: 'microsoft',
        userEmail: user.email,
        userId,
        clientId: resource.value.appId,
        appName: assignment.resourceDisplayName ?? resource.value.displayName ?? null,
        scopes: role?.value ? [role.value] : [],
        handle: `${APP_ROLE_ASSIGNMENT_HANDLE}${assignment.id}`,
      })
    }
    return { ...roles, value: grants }
  }

  function gone<T>(res: Ok<unknown>, revoked: T, absent: T): Ok<T> {
    return { ...res, value: res.value === 'gone' ? absent : revoked }
  }

  async function revokeGrant(
    grant: RemoteGrant
  ): Promise<ProviderResult<'revoked' | 'already_gone'>> {
    if (grant.handle.startsWith(APP_ROLE_ASSIGNMENT_HANDLE)) {
      if (!grant.userId) return fail(0, 'an app role assignment needs the Graph user id to remove')
      const id = grant.handle.slice(APP_ROLE_ASSIGNMENT_HANDLE.length)
      // https://learn.microsoft.com/en-us/graph/api/user-delete-approleassignments
      const res = await graph(
        'DELETE',
        `/users/${encode(grant.userId)}/appRoleAssignments/${encode(id)}`,
        true
      )
      return res.ok ? gone(res, 'revoked', 'already_gone') : res
    }
    // Read the grant back first: whatever our stored copy says, never delete an organisation-wide
    // consent or another user's grant. https://learn.microsoft.com/en-us/graph/api/oauth2permissiongrant-get
    const path = `/oauth2PermissionGrants/${encode(grant.handle)}`
    const current = await graph('GET', path, true)
    if (!current.ok) return current
    if (current.value === 'gone') return { ...current, value: 'already_gone' }
    const live = Grant.safeParse(current.value)
    if (!live.success)
      return fail(
        current.status,
        `unexpected Microsoft Graph grant ${grant.handle}`,
        current.requestId
      )
    if (grant.tenantWide || live.data.consentType !== 'Principal') {
      const app = grant.appName ?? grant.clientId
      const message =
        `${app} holds an organisation-wide (AllPrincipals) consent that an administrator granted ` +
        'for every user; deleting it would cut off the whole organisation. Review it in the Entra ' +
        'admin center under Enterprise applications > Permissions.'
      return {
        ok: false,
        kind: 'needs_admin_decision',
        status: current.status,
        message,
        requestId: current.requestId,
      }
    }
    if (grant.userId && live.data.principalId !== grant.userId)
      return fail(
        409,
        `grant ${grant.handle} belongs to another user; not deleting it`,
        current.requestId
      )
    // https://learn.microsoft.com/en-us/graph/api/oauth2permissiongrant-delete
    const res = await graph('DELETE', path, true)
    return res.ok ? gone(res, 'revoked', 'already_gone') : res
  }

  async function verifyRevoked(grant: RemoteGrant): Promise<ProviderResult<boolean>> {
    if (grant.handle.startsWith(APP_ROLE_ASSIGNMENT_HANDLE)) {
      if (!grant.userId) return fail(0, 'an app role assignment needs the Graph user id to check')
      const id = grant.handle.slice(APP_ROLE_ASSIGNMENT_HANDLE.length)
      const res = await readAll(AppRoleAssignment, `${userPath(grant.userId)}/appRoleAssignments`)
      // A deleted user has no assignments left.
      if (!res.ok)
        return res.status === 404
          ? { ok: true, value: true, status: 404, requestId: res.requestId }
          : res
      return { ...res, value: !res.value.some((a) => a.id === id) }
    }
    // A grant's id is derived from client, resource and user, so a re-consent brings the same id.
    const res = await graph('GET', `/oauth2PermissionGrants/${encode(grant.handle)}`, true)
    return res.ok ? gone(res, false, true) : res
  }

  return {
    id: 'microsoft',

    async testConnection() {
      // https://learn.microsoft.com/en-us/graph/api/organization-list
      const res = await read(page(Organization), '/organization?$select=id,displayName')
      if (!res.ok) return res
      const org = res.value.value[0]
      if (!org) return fail(res.status, 'Microsoft Graph returned no organization', res.requestId)
      return { ...res, value: `${org.displayName ?? 'Microsoft Entra tenant'} (${org.id})` }
    },

    listGrants,
    revokeGrant,
    verifyRevoked,

    async revokeSignInSessions(user) {
      const found = await resolveUser(user)
      if (!found.ok) return found
      // https://learn.microsoft.com/en-us/graph/api/user-revokesigninsessions
      // Documented as 200 with {value: true}; a known issue has it answer 204 with no body.
      const res = await graph('POST', `${userPath(found.value.id)}/revokeSignInSessions`)
      if (!res.ok) return res
      const body = z.object({ value: z.boolean() }).safeParse(res.value)
      return { ...res, value: body.success ? body.data.value : true }
    },
  }
}
