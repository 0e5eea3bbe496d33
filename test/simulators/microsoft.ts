// In-process simulator of Microsoft Entra ID's token endpoint and the Microsoft Graph v1.0 calls
// the microsoft connector makes: documented paths, bodies, errors, paging and throttling.
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { Hono, type Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** Hosts nobody owns (RFC 2606 .test), so a test can never reach the real services by mistake. */
export const MICROSOFT_SIMULATOR_BASE_URLS = {
  login: 'https://login.microsoftonline.test',
  graph: 'https://graph.microsoft.test',
}

/** The first-party Microsoft Graph application, the resource of most delegated grants. */
export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000'

/** Everything Consentry's app registration is granted in a well-configured tenant. */
export const DEFAULT_APP_PERMISSIONS = [
  'Directory.Read.All',
  'DelegatedPermissionGrant.ReadWrite.All',
  'AppRoleAssignment.ReadWrite.All',
  'User.RevokeSessions.All',
]

export interface SimUser {
  id: string
  userPrincipalName: string
  displayName: string
  mail: string | null
  /** Groups the user is a direct member of (their app role assignments are listed too). */
  memberOf: string[]
}
export interface SimAppRole {
  id: string
  value: string | null
  displayName: string
}
export interface SimServicePrincipal {
  id: string
  appId: string
  displayName: string
  appRoles: SimAppRole[]
}
export interface SimGrant {
  id: string
  /** The client's service principal object id (not its appId). */
  clientId: string
  consentType: 'Principal' | 'AllPrincipals'
  principalId: string | null
  resourceId: string
  scope: string
}
export interface SimAppRoleAssignment {
  id: string
  appRoleId: string
  createdDateTime: string
  principalDisplayName: string | null
  principalId: string
  principalType: 'User' | 'Group' | 'ServicePrincipal'
  resourceDisplayName: string
  resourceId: string
}
export interface SimRequest {
  /** The request-id (Graph) or x-ms-request-id (login) header the response carried. */
  requestId: string
  method: string
  host: string
  path: string
  search: string
  status: number
  tenantId: string | null
}

interface App {
  clientId: string
  clientSecret: string
  permissions: Set<string>
}
interface Tenant {
  id: string
  displayName: string
  domains: string[]
  apps: Map<string, App>
  users: Map<string, SimUser>
  servicePrincipals: Map<string, SimServicePrincipal>
  grants: Map<string, SimGrant>
  appRoleAssignments: Map<string, SimAppRoleAssignment>
  sessionsRevokedAt: Map<string, Date>
  graphServicePrincipalId: string
  window: { start: number; count: number }
}
interface IssuedToken {
  tenant: Tenant
  app: App
  /** The token's `roles` claim: the permissions consented when it was issued. */
  roles: Set<string>
  expiresAt: number
}
interface Failure {
  remaining: number
  status: number
  retryAfterSeconds: number
  method?: string
  path?: string | RegExp
}
type Env = { Variables: { requestId: string; tenant: Tenant | null; caller: IssuedToken } }

export interface MicrosoftSimulatorOptions {
  tenantId?: string
  tenantName?: string
  clientId?: string
  clientSecret?: string
  /** Application permissions admin-consented to the app; DEFAULT_APP_PERMISSIONS otherwise. */
  permissions?: string[]
  baseUrls?: Partial<typeof MICROSOFT_SIMULATOR_BASE_URLS>
  /** Server-side page size of collections (Graph's default for most is 100). */
  pageSize?: number
  /** Access token lifetime; Entra ID's default is 60-90 minutes. */
  tokenLifetimeSeconds?: number
  clock?: () => Date
  random?: () => number
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DEFAULT_ROLE_ID = '00000000-0000-0000-0000-000000000000'
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const same = (a: string | null | undefined, b: string) => a?.toLowerCase() === b.toLowerCase()
const guidBytes = (id: string) =>
  GUID.test(id)
    ? Buffer.from(id.replace(/-/g, ''), 'hex')
    : createHash('sha256').update(id).digest().subarray(0, 16)
/** Graph's own timestamp format in innerError: seconds, no zone. */
const graphDate = (date: Date) => date.toISOString().slice(0, 19)

// Application permissions that allow each call, from each operation's permissions table.
const READ_DIRECTORY = ['Directory.Read.All', 'Directory.ReadWrite.All']
const PERMISSIONS = {
  // https://learn.microsoft.com/en-us/graph/api/organization-list
  organization: ['Organization.Read.All', 'Organization.ReadWrite.All', ...READ_DIRECTORY],
  // https://learn.microsoft.com/en-us/graph/api/user-get
  users: ['User.Read.All', 'User.ReadWrite.All', ...READ_DIRECTORY],
  // https://learn.microsoft.com/en-us/graph/api/oauth2permissiongrant-list
  readGrants: [
    'DelegatedPermissionGrant.Read.All',
    'DelegatedPermissionGrant.ReadWrite.All',
    ...READ_DIRECTORY,
  ],
  // https://learn.microsoft.com/en-us/graph/api/oauth2permissiongrant-delete
  deleteGrant: ['DelegatedPermissionGrant.ReadWrite.All'],
  // https://learn.microsoft.com/en-us/graph/api/serviceprincipal-get
  servicePrincipals: ['Application.Read.All', 'Application.ReadWrite.All', ...READ_DIRECTORY],
  // https://learn.microsoft.com/en-us/graph/api/user-list-approleassignments
  readAssignments: ['AppRoleAssignment.ReadWrite.All', ...READ_DIRECTORY],
  // https://learn.microsoft.com/en-us/graph/api/user-delete-approleassignments
  deleteAssignment: ['AppRoleAssignment.ReadWrite.All'],
  // https://learn.microsoft.com/en-us/graph/api/user-revokesigninsessions
  revokeSessions: ['User.RevokeSessions.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
}

export function createMicrosoftSimulator(options: MicrosoftSimulatorOptions = {}) {
  const baseUrls = { ...MICROSOFT_SIMULATOR_BASE_URLS, ...options.baseUrls }
  const clock = options.clock ?? (() => new Date())
  const random = options.random ?? Math.random
  const pageSize = options.pageSize ?? 100
  const tokenLifetime = options.tokenLifetimeSeconds ?? 3599
  const tenants = new Map<string, Tenant>()
  const tokens = new Map<string, IssuedToken>()
  const failures: Failure[] = []
  const requests: SimRequest[] = []

  // ---- state --------------------------------------------------------------------------------

  function addTenant(
    input: {
      tenantId?: string
      displayName?: string
      domain?: string
      clientId?: string
      clientSecret?: string
      permissions?: string[]
    } = {}
  ) {
    const id = input.tenantId ?? randomUUID()
    const displayName = input.displayName ?? 'Contoso'
    const graphSp: SimServicePrincipal = {
      id: randomUUID(),
      appId: MICROSOFT_GRAPH_APP_ID,
      displayName: 'Microsoft Graph',
      appRoles: [],
    }
    const tenant: Tenant = {
      id,
      displayName,
      domains: [
        input.domain ?? `${displayName.toLowerCase().replace(/[^a-z0-9]/g, '')}.onmicrosoft.com`,
      ],
      apps: new Map(),
      users: new Map(),
      servicePrincipals: new Map([[graphSp.id, graphSp]]),
      grants: new Map(),
      appRoleAssignments: new Map(),
      sessionsRevokedAt: new Map(),
      graphServicePrincipalId: graphSp.id,
      window: { start: 0, count: 0 },
    }
    tenants.set(id.toLowerCase(), tenant)
    const app: App = {
      clientId: input.clientId ?? randomUUID(),
      clientSecret: input.clientSecret ?? randomBytes(30).toString('base64url'),
      permissions: new Set(input.permissions ?? DEFAULT_APP_PERMISSIONS),
    }
    tenant.apps.set(app.clientId, app)
    return { tenantId: id, clientId: app.clientId, clientSecret: app.clientSecret }
  }

  const credentials = addTenant({
    tenantId: options.tenantId,
    displayName: options.tenantName,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    permissions: options.permissions,
  })

  function tenantOf(tenantId = credentials.tenantId): Tenant {
    const tenant = tenants.get(tenantId.toLowerCase())
    if (!tenant) throw new Error(`simulator has no tenant ${tenantId}`)
    return tenant
  }

  function findTenant(idOrDomain: string): Tenant | undefined {
    return (
      tenants.get(idOrDomain.toLowerCase()) ??
      [...tenants.values()].find((t) => t.domains.some((d) => same(d, idOrDomain)))
    )
  }

  function addUser(
    input: {
      id?: string
      userPrincipalName: string
      displayName?: string
      mail?: string | null
      memberOf?: string[]
    },
    tenantId?: string
  ): SimUser {
    const user: SimUser = {
      id: input.id ?? randomUUID(),
      userPrincipalName: input.userPrincipalName,
      displayName: input.displayName ?? input.userPrincipalName.split('@')[0] ?? '',
      mail: input.mail === undefined ? input.userPrincipalName : input.mail,
      memberOf: input.memberOf ?? [],
    }
    tenantOf(tenantId).users.set(user.id, user)
    return user
  }

  function addServicePrincipal(
    input: { id?: string; appId?: string; displayName: string; appRoles?: SimAppRole[] },
    tenantId?: string
  ): SimServicePrincipal {
    const sp: SimServicePrincipal = {
      id: input.id ?? randomUUID(),
      appId: input.appId ?? randomUUID(),
      displayName: input.displayName,
      appRoles: input.appRoles ?? [],
    }
    tenantOf(tenantId).servicePrincipals.set(sp.id, sp)
    return sp
  }

  /** A delegated grant; Principal when it names a user, AllPrincipals (admin consent) otherwise. */
  function addGrant(
    input: {
      id?: string
      clientId: string
      principalId?: string | null
      consentType?: SimGrant['consentType']
      resourceId?: string
      scope: string
    },
    tenantId?: string
  ): SimGrant {
    const tenant = tenantOf(tenantId)
    const principalId = input.principalId ?? null
    const consentType = input.consentType ?? (principalId ? 'Principal' : 'AllPrincipals')
    const resourceId = input.resourceId ?? tenant.graphServicePrincipalId
    // Graph derives the id from client, resource and (for Principal grants) user object ids.
    const parts = [input.clientId, resourceId, ...(principalId ? [principalId] : [])]
    const grant: SimGrant = {
      id: input.id ?? Buffer.concat(parts.map(guidBytes)).toString('base64url'),
      clientId: input.clientId,
      consentType,
      principalId,
      resourceId,
      scope: input.scope,
    }
    tenant.grants.set(grant.id, grant)
    return grant
  }

  function addAppRoleAssignment(
    input: {
      id?: string
      principalId: string
      principalType?: SimAppRoleAssignment['principalType']
      resourceId: string
      appRoleId?: string
    },
    tenantId?: string
  ): SimAppRoleAssignment {
    const tenant = tenantOf(tenantId)
    const resource = tenant.servicePrincipals.get(input.resourceId)
    if (!resource) throw new Error(`no service principal ${input.resourceId}`)
    const assignment: SimAppRoleAssignment = {
      id:
        input.id ??
        Buffer.concat([guidBytes(input.principalId), randomBytes(16)]).toString('base64url'),
      appRoleId: input.appRoleId ?? DEFAULT_ROLE_ID,
      createdDateTime: clock().toISOString(),
      principalDisplayName: tenant.users.get(input.principalId)?.displayName ?? null,
      principalId: input.principalId,
      principalType: input.principalType ?? 'User',
      resourceDisplayName: resource.displayName,
      resourceId: resource.id,
    }
    tenant.appRoleAssignments.set(assignment.id, assignment)
    return assignment
  }

  // ---- responses ----------------------------------------------------------------------------

  // https://learn.microsoft.com/en-us/graph/errors
  function graphError(
    c: Context<Env>,
    status: ContentfulStatusCode,
    code: string,
    message: string,
    headers: Record<string, string> = {}
  ) {
    const requestId = c.var.requestId
    const innerError = {
      date: graphDate(clock()),
      'request-id': requestId,
      'client-request-id': c.req.header('client-request-id') ?? requestId,
    }
    return c.json({ error: { code, message, innerError } }, status, headers)
  }

  // https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow#error-response
  function tokenError(
    c: Context<Env>,
    status: ContentfulStatusCode,
    error: string,
    code: number,
    message: string
  ) {
    const traceId = c.var.requestId
    const correlationId = c.req.header('client-request-id') ?? randomUUID()
    const timestamp = clock().toISOString().replace('T', ' ').slice(0, 19) + 'Z'
    return c.json(
      {
        error,
        error_description: `AADSTS${code}: ${message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
        error_codes: [code],
        timestamp,
        trace_id: traceId,
        correlation_id: correlationId,
        error_uri: `${baseUrls.login}/error?code=${code}`,
      },
      status
    )
  }

  const notFound = (c: Context<Env>, key: string) =>
    graphError(
      c,
      404,
      'Request_ResourceNotFound',
      `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`
    )

  /** 403 unless the caller's app was granted one of the permissions that allow this call. */
  function denied(c: Context<Env>, anyOf: string[]) {
    if (anyOf.some((p) => c.var.caller.roles.has(p))) return null
    return graphError(
      c,
      403,
      'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation.'
    )
  }

  // https://learn.microsoft.com/en-us/graph/query-parameters#select-parameter
  function select(c: Context<Env>, entity: Record<string, unknown>, type: string) {
    const fields = c.req.query('$select')
    if (!fields) return { value: entity }
    const picked: Record<string, unknown> = {}
    for (const field of fields.split(',').map((f) => f.trim())) {
      if (!(field in entity))
        return {
          error: graphError(
            c,
            400,
            'BadRequest',
            `Could not find a property named '${field}' on type 'microsoft.graph.${type}'.`
          ),
        }
      picked[field] = entity[field]
    }
    return { value: picked }
  }

  /** `prop eq 'text'` or `prop eq <guid>`, joined by `and`: what these collections support. */
  function parseFilter(expression: string): [string, string][] | null {
    const clause = /^\s*(\w+)\s+eq\s+(?:'((?:[^']|'')*)'|([0-9a-f-]{36}))\s*/i
    const clauses: [string, string][] = []
    let rest = expression
    for (;;) {
      const m = clause.exec(rest)
      if (!m?.[1]) return null
      clauses.push([m[1], (m[2] ?? m[3] ?? '').replace(/''/g, "'")])
      rest = rest.slice(m[0].length)
      if (!rest) return clauses
      const and = /^and\s+/i.exec(rest)
      if (!and) return null
      rest = rest.slice(and[0].length)
    }
  }

  /** Applies $filter and $select, then pages like Graph: $top, $skiptoken and @odata.nextLink. */
  function collection<T extends object>(
    c: Context<Env>,
    items: T[],
    entitySet: string,
    type: string,
    filterable: string[]
  ) {
    let rows = items
    const expression = c.req.query('$filter')
    if (expression) {
      const clauses = parseFilter(expression)
      if (!clauses) return graphError(c, 400, 'BadRequest', `Invalid filter clause: ${expression}`)
      for (const [prop] of clauses)
        if (!filterable.includes(prop))
          return graphError(
            c,
            400,
            'Request_UnsupportedQuery',
            `Unsupported or invalid query filter clause specified for property '${prop}' of resource '${type}'.`
          )
      rows = rows.filter((row) =>
        clauses.every(([prop, value]) =>
          same(String((row as Record<string, unknown>)[prop]), value)
        )
      )
    }
    const top = Math.min(Number(c.req.query('$top')) || pageSize, 999)
    const skiptoken = c.req.query('$skiptoken')
    const offset = skiptoken ? Number(Buffer.from(skiptoken, 'base64url').toString()) || 0 : 0
    const value: unknown[] = []
    for (const row of rows.slice(offset, offset + top)) {
      const picked = select(c, row as Record<string, unknown>, type)
      if (picked.error) return picked.error
      value.push(picked.value)
    }
    const body: Record<string, unknown> = {
      '@odata.context': `${baseUrls.graph}/v1.0/$metadata#${entitySet}`,
      value,
    }
    if (offset + top < rows.length) {
      const url = new URL(c.req.url)
      const query = url.search
        .slice(1)
        .split('&')
        .filter((p) => p && !/^(\$|%24)skiptoken=/i.test(p))
      query.push(`$skiptoken=${Buffer.from(String(offset + top)).toString('base64url')}`)
      body['@odata.nextLink'] = `${baseUrls.graph}${url.pathname}?${query.join('&')}`
    }
    return c.json(body)
  }

  /** A user by object id or userPrincipalName, as /users/{id | userPrincipalName} resolves it. */
  const userByKey = (tenant: Tenant, key: string) =>
    tenant.users.get(key) ?? [...tenant.users.values()].find((u) => same(u.userPrincipalName, key))

  const userEntity = (u: SimUser) => ({
    id: u.id,
    businessPhones: [],
    displayName: u.displayName,
    givenName: null,
    jobTitle: null,
    mail: u.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: null,
    userPrincipalName: u.userPrincipalName,
  })

  function getUser(c: Context<Env>, key: string) {
    const tenant = c.var.tenant!
    const blocked = denied(c, PERMISSIONS.users)
    if (blocked) return blocked
    const user = userByKey(tenant, key)
    if (!user) return notFound(c, key)
    const picked = select(c, userEntity(user), 'user')
    if (picked.error) return picked.error
    const context = `${baseUrls.graph}/v1.0/$metadata#users/$entity`
    return c.json({ '@odata.context': context, ...picked.value })
  }

  function reappears(id: string) {
    const setting = simulator.reappearAfterDelete
    return typeof setting === 'function' ? setting(id) : setting
  }

  function injectedFailure(c: Context<Env>, status: number, retryAfterSeconds: number) {
    const code = status as ContentfulStatusCode
    const isGraph = c.req.path.startsWith('/v1.0/')
    if (status === 429) {
      const headers = { 'Retry-After': String(retryAfterSeconds) }
      return isGraph
        ? graphError(c, 429, 'TooManyRequests', 'Please retry again later.', headers)
        : c.json(
            {
              error: 'temporarily_unavailable',
              error_description:
                'AADSTS50196: The server terminated an operation because it encountered a client request loop.',
            },
            429,
            headers
          )
    }
    if (!isGraph)
      return tokenError(
        c,
        code,
        'temporarily_unavailable',
        90033,
        'A transient error has occurred. Please try again.'
      )
    const [graphCode, message] =
      status === 503
        ? [
            'serviceNotAvailable',
            'The service is not available. Try the request again after a delay.',
          ]
        : status === 504
          ? [
              'GatewayTimeout',
              'The gateway did not receive a timely response from the upstream server.',
            ]
          : ['generalException', 'An unspecified error has occurred.']
    return graphError(c, code, graphCode, message)
  }

  // ---- routes -------------------------------------------------------------------------------

  const app = new Hono<Env>()

  // Every response gets the request id header its service sends, and lands in the request log.
  app.use('*', async (c, next) => {
    const requestId = randomUUID()
    c.set('requestId', requestId)
    c.set('tenant', null)
    const url = new URL(c.req.url)
    const isGraph = c.req.path.startsWith('/v1.0/')
    const failure = failures.find(
      (f) =>
        (!f.method || f.method === c.req.method) &&
        (!f.path || (typeof f.path === 'string' ? f.path === c.req.path : f.path.test(c.req.path)))
    )
    if (failure) {
      if (--failure.remaining <= 0) failures.splice(failures.indexOf(failure), 1)
      c.res = injectedFailure(c, failure.status, failure.retryAfterSeconds)
    } else if (simulator.failureRate > 0 && random() < simulator.failureRate) {
      c.res = injectedFailure(c, 503, 0)
    } else {
      await next()
    }
    if (isGraph) {
      c.header('request-id', requestId)
      c.header('client-request-id', c.req.header('client-request-id') ?? requestId)
    } else {
      c.header('x-ms-request-id', requestId)
    }
    requests.push({
      requestId,
      method: c.req.method,
      host: url.host,
      path: decodeURIComponent(url.pathname),
      search: decodeURIComponent(url.search),
      status: c.res.status,
      tenantId: c.var.tenant?.id ?? null,
    })
  })

  // https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow#first-case-access-token-request-with-a-shared-secret
  app.post('/:tenant/oauth2/v2.0/token', async (c) => {
    const tenant = findTenant(c.req.param('tenant'))
    if (!tenant)
      return tokenError(
        c,
        400,
        'invalid_request',
        90002,
        `Tenant '${c.req.param('tenant')}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`
      )
    c.set('tenant', tenant)
    const form = c.req.header('content-type')?.startsWith('application/x-www-form-urlencoded')
      ? new URLSearchParams(await c.req.text())
      : new URLSearchParams()
    // RFC 6749 client_secret_basic is accepted as well as the form fields.
    const basic = /^Basic\s+(.+)$/i.exec(c.req.header('authorization') ?? '')
    const [basicId, basicSecret] = basic?.[1]
      ? Buffer.from(basic[1], 'base64').toString().split(':').map(decodeURIComponent)
      : []
    const clientId = form.get('client_id') ?? basicId
    const secret = form.get('client_secret') ?? basicSecret
    const grantType = form.get('grant_type')
    const missing = (name: string) =>
      tokenError(
        c,
        400,
        'invalid_request',
        900144,
        `The request body must contain the following parameter: '${name}'.`
      )
    if (!grantType) return missing('grant_type')
    if (grantType !== 'client_credentials')
      return tokenError(
        c,
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${grantType}'.`
      )
    if (!clientId) return missing('client_id')
    const app = tenant.apps.get(clientId)
    if (!app)
      return tokenError(
        c,
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenant.displayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`
      )
    if (!secret)
      return tokenError(
        c,
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."
      )
    if (secret !== app.clientSecret)
      return tokenError(
        c,
        401,
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`
      )
    const scope = form.get('scope')
    if (!scope) return missing('scope')
    if (scope !== `${baseUrls.graph}/.default`)
      return tokenError(
        c,
        400,
        'invalid_scope',
        70011,
        `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`
      )

    const now = Math.floor(clock().getTime() / 1000)
    const claims = {
      aud: baseUrls.graph,
      iss: `https://sts.windows.net/${tenant.id}/`,
      iat: now,
      nbf: now,
      exp: now + tokenLifetime,
      appid: app.clientId,
      tid: tenant.id,
      roles: [...app.permissions],
    }
    const accessToken = `${b64url({ typ: 'JWT', alg: 'RS256', kid: 'simulator' })}.${b64url(claims)}.${randomBytes(32).toString('base64url')}`
    tokens.set(accessToken, {
      tenant,
      app,
      roles: new Set(app.permissions),
      expiresAt: claims.exp * 1000,
    })
    c.header('Cache-Control', 'no-store, no-cache')
    return c.json({
      token_type: 'Bearer',
      expires_in: tokenLifetime,
      ext_expires_in: tokenLifetime,
      access_token: accessToken,
    })
  })

  // Bearer token validation, then the per-tenant throttle, for every Graph call.
  app.use('/v1.0/*', async (c, next) => {
    const www = {
      'WWW-Authenticate': `Bearer realm="", authorization_uri="${baseUrls.login}/common/oauth2/authorize", client_id="${MICROSOFT_GRAPH_APP_ID}"`,
    }
    const bearer = /^Bearer\s+(.*)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim()
    if (!bearer)
      return graphError(c, 401, 'InvalidAuthenticationToken', 'Access token is empty.', www)
    if (bearer.split('.').length !== 3)
      return graphError(
        c,
        401,
        'InvalidAuthenticationToken',
        "IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact Serialization Format. (JWS): 'EncodedHeader.EndcodedPayload.EncodedSignature'. (JWE): 'EncodedProtectedHeader.EncodedEncryptedKey.EncodedInitializationVector.EncodedCiphertext.EncodedAuthenticationTag'.",
        www
      )
    const caller = tokens.get(bearer)
    if (!caller)
      return graphError(
        c,
        401,
        'InvalidAuthenticationToken',
        'Access token validation failure.',
        www
      )
    if (clock().getTime() >= caller.expiresAt)
      return graphError(
        c,
        401,
        'InvalidAuthenticationToken',
        'Lifetime validation failed, the token is expired.',
        www
      )
    c.set('caller', caller)
    c.set('tenant', caller.tenant)

    // https://learn.microsoft.com/en-us/graph/throttling (sample response) and
    // https://learn.microsoft.com/en-us/graph/throttling-limits#identity-and-access-service-limits
    const limit = simulator.rateLimit
    if (limit) {
      const now = clock().getTime()
      const window = caller.tenant.window
      if (now >= window.start + limit.windowMs) Object.assign(window, { start: now, count: 0 })
      if (++window.count > limit.limit) {
        const seconds = Math.max(1, Math.ceil((window.start + limit.windowMs - now) / 1000))
        return graphError(c, 429, 'TooManyRequests', 'Please retry again later.', {
          'Retry-After': String(seconds),
          'x-ms-throttle-scope': `Tenant_Application/ReadWrite/${caller.app.clientId}/${caller.tenant.id}`,
          'x-ms-throttle-information': 'ResourceUnitLimitExceeded',
        })
      }
    }
    await next()
  })

  // https://learn.microsoft.com/en-us/graph/api/organization-list
  app.get('/v1.0/organization', (c) => {
    const blocked = denied(c, PERMISSIONS.organization)
    if (blocked) return blocked
    const tenant = c.var.tenant!
    const organization = {
      id: tenant.id,
      displayName: tenant.displayName,
      tenantType: 'AAD',
      verifiedDomains: tenant.domains.map((name, i) => ({
        name,
        type: 'Managed',
        isDefault: i === 0,
        isInitial: i === 0,
        capabilities: 'Email, OfficeCommunicationsOnline',
      })),
    }
    return collection(c, [organization], 'organization', 'organization', [])
  })

  // https://learn.microsoft.com/en-us/graph/api/user-list
  app.get('/v1.0/users', (c) => {
    const blocked = denied(c, PERMISSIONS.users)
    if (blocked) return blocked
    const users = [...c.var.tenant!.users.values()].map(userEntity)
    return collection(c, users, 'users', 'user', ['id', 'mail', 'userPrincipalName', 'displayName'])
  })

  // https://learn.microsoft.com/en-us/graph/api/user-get
  app.get('/v1.0/users/:key', (c) => {
    const key = c.req.param('key')
    // "/users/$x@y.com fails with a 400 Bad Request error code" (the tip on user-get).
    if (key.startsWith('$'))
      return graphError(c, 400, 'BadRequest', `Unrecognized query option or segment '${key}'.`)
    return getUser(c, key)
  })

  // https://learn.microsoft.com/en-us/graph/api/user-list-approleassignments
  // Also lists roles assigned to groups the user is a direct member of.
  app.get('/v1.0/users/:key/appRoleAssignments', (c) => {
    const tenant = c.var.tenant!
    const blocked = denied(c, PERMISSIONS.readAssignments)
    if (blocked) return blocked
    const user = userByKey(tenant, c.req.param('key'))
    if (!user) return notFound(c, c.req.param('key'))
    const principals = new Set([user.id, ...user.memberOf])
    const rows = [...tenant.appRoleAssignments.values()]
      .filter((a) => principals.has(a.principalId))
      .map((a) => ({ ...a, deletedDateTime: null }))
    return collection(c, rows, 'appRoleAssignments', 'appRoleAssignment', ['resourceId'])
  })

  // https://learn.microsoft.com/en-us/graph/api/user-delete-approleassignments
  app.delete('/v1.0/users/:key/appRoleAssignments/:id', (c) => {
    const tenant = c.var.tenant!
    const blocked = denied(c, PERMISSIONS.deleteAssignment)
    if (blocked) return blocked
    const user = userByKey(tenant, c.req.param('key'))
    if (!user) return notFound(c, c.req.param('key'))
    const id = c.req.param('id')
    const assignment = tenant.appRoleAssignments.get(id)
    if (!assignment || assignment.principalId !== user.id) return notFound(c, id)
    if (!reappears(id)) tenant.appRoleAssignments.delete(id)
    return c.body(null, 204)
  })

  // https://learn.microsoft.com/en-us/graph/api/user-revokesigninsessions
  app.post('/v1.0/users/:key/revokeSignInSessions', (c) => {
    const tenant = c.var.tenant!
    const blocked = denied(c, PERMISSIONS.revokeSessions)
    if (blocked) return blocked
    const user = userByKey(tenant, c.req.param('key'))
    if (!user) return notFound(c, c.req.param('key'))
    tenant.sessionsRevokedAt.set(user.id, clock())
    return c.json({ '@odata.context': `${baseUrls.graph}/v1.0/$metadata#Edm.Boolean`, value: true })
  })

  // https://learn.microsoft.com/en-us/graph/api/oauth2permissiongrant-list
  app.get('/v1.0/oauth2PermissionGrants', (c) => {
    const blocked = denied(c, PERMISSIONS.readGrants)
    if (blocked) return blocked
    const grants = [...c.var.tenant!.grants.values()]
    return collection(c, grants, 'oauth2PermissionGrants', 'oAuth2PermissionGrant', [
      'clientId',
      'consentType',
      'principalId',
      'resourceId',
    ])
  })

  // https://learn.microsoft.com/en-us/graph/api/oauth2permissiongrant-get
  app.get('/v1.0/oauth2PermissionGrants/:id', (c) => {
    const blocked = denied(c, PERMISSIONS.readGrants)
    if (blocked) return blocked
    const grant = c.var.tenant!.grants.get(c.req.param('id'))
    if (!grant) return notFound(c, c.req.param('id'))
    const picked = select(c, { ...grant }, 'oAuth2PermissionGrant')
    if (picked.error) return picked.error
    const context = `${baseUrls.graph}/v1.0/$metadata#oauth2PermissionGrants/$entity`
    return c.json({ '@odata.context': context, ...picked.value })
  })

  // https://learn.microsoft.com/en-us/graph/api/oauth2permissiongrant-delete
  app.delete('/v1.0/oauth2PermissionGrants/:id', (c) => {
    const tenant = c.var.tenant!
    const blocked = denied(c, PERMISSIONS.deleteGrant)
    if (blocked) return blocked
    const id = c.req.param('id')
    if (!tenant.grants.has(id)) return notFound(c, id)
    if (!reappears(id)) tenant.grants.delete(id)
    return c.body(null, 204)
  })

  // https://learn.microsoft.com/en-us/graph/api/serviceprincipal-get
  app.get('/v1.0/servicePrincipals/:id', (c) => {
    const blocked = denied(c, PERMISSIONS.servicePrincipals)
    if (blocked) return blocked
    const sp = c.var.tenant!.servicePrincipals.get(c.req.param('id'))
    if (!sp) return notFound(c, c.req.param('id'))
    const entity = {
      id: sp.id,
      accountEnabled: true,
      appId: sp.appId,
      appDisplayName: sp.displayName,
      appRoles: sp.appRoles.map((r) => ({
        allowedMemberTypes: ['User'],
        description: r.displayName,
        displayName: r.displayName,
        id: r.id,
        isEnabled: true,
        origin: 'Application',
        value: r.value,
      })),
      displayName: sp.displayName,
      servicePrincipalType: 'Application',
    }
    const picked = select(c, entity, 'servicePrincipal')
    if (picked.error) return picked.error
    const context = `${baseUrls.graph}/v1.0/$metadata#servicePrincipals/$entity`
    return c.json({ '@odata.context': context, ...picked.value })
  })

  // /users('$x@y.com'): the documented form for a userPrincipalName that starts with "$".
  app.get('/v1.0/:segment', (c) => {
    const m = /^users\('((?:[^']|'')+)'\)$/.exec(c.req.param('segment'))
    if (!m?.[1])
      return graphError(
        c,
        400,
        'BadRequest',
        `Resource not found for the segment '${c.req.param('segment')}'.`
      )
    return getUser(c, m[1].replace(/''/g, "'"))
  })

  app.notFound((c) =>
    c.req.path.startsWith('/v1.0/')
      ? graphError(
          c,
          400,
          'BadRequest',
          `Resource not found for the segment '${c.req.path.split('/')[2] ?? ''}'.`
        )
      : c.text('Not Found', 404)
  )

  // ---- the simulator ------------------------------------------------------------------------

  const origins = [baseUrls.login, baseUrls.graph].map((u) => new URL(u).origin)

  /** Sends requests for the simulator's hosts to the app, in process; refuses everything else. */
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init)
    if (!origins.includes(new URL(request.url).origin))
      throw new TypeError(`fetch failed: ${request.url} is not served by the Microsoft simulator`)
    return app.fetch(request)
  }

  const simulator = {
    app,
    fetch,
    baseUrls,
    /** Credentials of the default tenant's app registration, for MicrosoftCredentials. */
    credentials,
    /** Every request, oldest first. */
    requests,
    /** Chance (0..1) that any request answers 503. */
    failureRate: 0,
    /** Per-tenant Graph throttle: more than `limit` calls in a `windowMs` window answer 429. */
    rateLimit: null as { limit: number; windowMs: number } | null,
    /** DELETE answers 204 but the grant or assignment stays (replication, re-consent...). */
    reappearAfterDelete: false as boolean | ((id: string) => boolean),

    addTenant,
    addUser,
    addServicePrincipal,
    addGrant,
    addAppRoleAssignment,
    /** The tenant's "Microsoft Graph" service principal, the default resource of grants. */
    graphServicePrincipal: (tenantId?: string) => {
      const tenant = tenantOf(tenantId)
      return tenant.servicePrincipals.get(tenant.graphServicePrincipalId)!
    },
    hasGrant: (id: string, tenantId?: string) => tenantOf(tenantId).grants.has(id),
    hasAppRoleAssignment: (id: string, tenantId?: string) =>
      tenantOf(tenantId).appRoleAssignments.has(id),
    grants: (tenantId?: string) => [...tenantOf(tenantId).grants.values()],
    sessionsRevokedAt: (userId: string, tenantId?: string) =>
      tenantOf(tenantId).sessionsRevokedAt.get(userId) ?? null,
    /** Replaces the permissions admin-consented to an app; like Entra ID, only new tokens carry them. */
    setPermissions(permissions: string[], clientId = credentials.clientId, tenantId?: string) {
      const app = tenantOf(tenantId).apps.get(clientId)
      if (!app) throw new Error(`no app ${clientId}`)
      app.permissions = new Set(permissions)
    },
    /** Invalidates every access token issued so far, as a secret rotation or app disable would. */
    revokeAccessTokens: () => tokens.clear(),

    /** The next `count` matching requests answer `status` (429s carry Retry-After). */
    failNext(
      count: number,
      status: number,
      match: { method?: string; path?: string | RegExp; retryAfterSeconds?: number } = {}
    ) {
      failures.push({
        ...match,
        remaining: count,
        status,
        retryAfterSeconds: match.retryAfterSeconds ?? 2,
      })
    },
    /** How many requests matched a method and a (decoded) path or path pattern. */
    count(method: string, path: string | RegExp) {
      return requests.filter(
        (r) =>
          r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path))
      ).length
    },
  }
  return simulator
}

export type MicrosoftSimulator = ReturnType<typeof createMicrosoftSimulator>
