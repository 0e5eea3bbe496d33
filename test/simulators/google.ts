// In-process simulator of Google's OAuth token endpoint and the Admin SDK Directory API tokens
// resource: service accounts with domain-wide delegation, Google's error bodies, fault injection.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto'
import { Hono, type Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { compactVerify, decodeJwt, decodeProtectedHeader } from 'jose'

/** Hosts under the reserved .test TLD, so a connector that ignores baseUrls fails loudly. */
export const GOOGLE_SIMULATOR_BASE_URLS = {
  oauth2: 'https://oauth2.googleapis.test',
  admin: 'https://admin.googleapis.test',
}

const SECURITY_SCOPE = 'https://www.googleapis.com/auth/admin.directory.user.security'
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
const DEFAULT_CUSTOMER = 'C01sim0001'

export interface SimulatedToken {
  clientId: string
  displayText: string
  scopes: string[]
  anonymous: boolean
  nativeApp: boolean
  etag: string
}

export interface SimulatedUser {
  id: string
  primaryEmail: string
  aliases: string[]
  customerId: string
  isAdmin: boolean
  tokens: Map<string, SimulatedToken>
}

export interface ServiceAccountKey {
  client_email: string
  private_key: string
  private_key_id: string
  /** The numeric OAuth client id an admin enters under domain-wide delegation. */
  client_id: string
}

interface ServiceAccount extends ServiceAccountKey {
  publicKeys: Map<string, KeyObject>
  /** Domain-wide delegation: customer id -> scopes the super admin authorized. */
  delegations: Map<string, Set<string>>
}

interface IssuedToken {
  serviceAccount: string
  subject: SimulatedUser | null
  scopes: Set<string>
  expiresAt: number
}

export interface SimulatedRequest {
  method: string
  path: string
  /** `${method} ${route}` with ids templated, e.g. 'DELETE /admin/directory/v1/users/:userKey/tokens/:clientId'. */
  key: string
  status: number
  at: Date
}

export interface RateLimit {
  limit: number
  windowMs: number
  /** 429 rateLimitExceeded (per Workspace account), or the 403s Google also documents. */
  reason?: 'rateLimitExceeded' | 'userRateLimitExceeded' | 'quotaExceeded'
}

export interface GoogleSimulatorOptions {
  baseUrls?: Partial<typeof GOOGLE_SIMULATOR_BASE_URLS>
  clock?: () => Date
  /** For failureRate; inject a seeded one for reproducible runs. */
  random?: () => number
  failureRate?: number
  rateLimit?: RateLimit | null
  reappearAfterDelete?: boolean
  /** Google documents no request-id header for this API; opt in to send x-goog-request-id. */
  requestIds?: boolean
  /** Google documents no Retry-After on these 429s (it asks for backoff); opt in to send one. */
  retryAfter?: boolean
}

type Env = { Variables: { caller: IssuedToken & { subject: SimulatedUser } } }

// Google API error body: https://cloud.google.com/apis/design/errors#http_mapping
const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  502: 'UNKNOWN',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
}

function googleError(code: number, message: string, reason: string, extra: object = {}) {
  return {
    error: {
      code,
      message,
      errors: [
        {
          message,
          domain: reason.endsWith('Exceeded') ? 'usageLimits' : 'global',
          reason,
          ...extra,
        },
      ],
      status: STATUS_NAMES[code] ?? 'UNKNOWN',
    },
  }
}

const NOT_AUTHORIZED = 'Not Authorized to access this resource/api'
const CREDENTIALS_HINT =
  'Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.'
const TIMEFRAME =
  "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your 'iat' and 'exp' values and use a clock with skew to account for clock differences between systems."
const UNAUTHORIZED_CLIENT =
  'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.'
const RATE_LIMITS = {
  rateLimitExceeded: {
    status: 429,
    message:
      "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute' of service 'admin.googleapis.com'.",
  },
  userRateLimitExceeded: { status: 403, message: 'User Rate Limit Exceeded' },
  quotaExceeded: { status: 403, message: 'Quota Exceeded' },
} as const

// RSA key generation costs a few hundred ms; the n-th service account of every simulator reuses
// the n-th key, so accounts within one simulator still have distinct keys.
const keyPool: { privateKey: KeyObject; publicKey: KeyObject }[] = []
function keyPair(index: number) {
  while (keyPool.length <= index) keyPool.push(generateKeyPairSync('rsa', { modulusLength: 2048 }))
  return keyPool[index]!
}

const etag = () => `"${randomBytes(18).toString('base64url')}"`

export function createGoogleSimulator(options: GoogleSimulatorOptions = {}) {
  const baseUrls = { ...GOOGLE_SIMULATOR_BASE_URLS, ...options.baseUrls }
  const tokenUrl = `${baseUrls.oauth2}/token`
  const now = () => (options.clock ?? (() => new Date()))().getTime()
  const random = options.random ?? Math.random

  const users = new Map<string, SimulatedUser>()
  const serviceAccounts = new Map<string, ServiceAccount>()
  const issued = new Map<string, IssuedToken>()
  const windows = new Map<string, { start: number; count: number }>()
  const failures: number[] = []
  const requests: SimulatedRequest[] = []
  let nextId = 0

  function findUser(userKey: string): SimulatedUser | undefined {
    const key = userKey.toLowerCase()
    for (const user of users.values())
      if (user.id === userKey || user.primaryEmail === key || user.aliases.includes(key))
        return user
    return undefined
  }

  function mustFindUser(userKey: string): SimulatedUser {
    const user = findUser(userKey)
    if (!user) throw new Error(`google simulator: no user ${userKey}`)
    return user
  }

  // ---- Token endpoint ------------------------------------------------------------------------
  // https://developers.google.com/identity/protocols/oauth2/service-account ("HTTP/REST" tab)
  // and its "JWT error codes" table, which gives the error/error_description pairs used here.
  const oauth2 = new Hono()
  const oauthError = (
    c: Context,
    status: ContentfulStatusCode,
    error: string,
    description: string
  ) => c.json({ error, error_description: description }, status)

  oauth2.post('/token', async (c) => {
    const form = await c.req.parseBody()
    const grantType = typeof form.grant_type === 'string' ? form.grant_type : ''
    const assertion = typeof form.assertion === 'string' ? form.assertion : ''
    if (!grantType)
      return oauthError(c, 400, 'invalid_request', 'Required parameter is missing: grant_type')
    if (grantType !== JWT_BEARER)
      return oauthError(c, 400, 'unsupported_grant_type', `Invalid grant_type: ${grantType}`)
    if (!assertion)
      return oauthError(c, 400, 'invalid_request', 'Required parameter is missing: assertion')

    let kid: string | undefined
    let claims: Record<string, unknown>
    try {
      kid = decodeProtectedHeader(assertion).kid
      claims = decodeJwt(assertion)
    } catch {
      return oauthError(c, 400, 'invalid_grant', 'Bad Request')
    }
    const account = serviceAccounts.get(String(claims.iss ?? ''))
    if (!account)
      return oauthError(c, 400, 'invalid_grant', 'Invalid JWT: No valid verifier found for issuer.')
    // Without a kid Google tries each of the account's keys.
    const keys = kid ? [account.publicKeys.get(kid)] : [...account.publicKeys.values()]
    let verified = false
    for (const key of keys) {
      if (!key) continue
      try {
        await compactVerify(assertion, key, { algorithms: ['RS256'] })
        verified = true
        break
      } catch {
        // try the next key
      }
    }
    if (!verified) return oauthError(c, 400, 'invalid_grant', 'Invalid JWT Signature.')
    if (claims.aud !== tokenUrl)
      return oauthError(c, 400, 'invalid_grant', 'Invalid JWT: Failed audience check.')

    const { iat, exp } = claims
    const seconds = now() / 1000
    // Google allows some clock skew, and an exp up to 65 minutes after iat.
    if (
      typeof iat !== 'number' ||
      typeof exp !== 'number' ||
      exp <= iat ||
      exp - iat > 65 * 60 ||
      iat > seconds + 300 ||
      exp < seconds - 300
    )
      return oauthError(c, 400, 'invalid_grant', TIMEFRAME)

    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : []
    if (!scopes.length || scopes.some((s) => !s.startsWith('https://www.googleapis.com/auth/')))
      return oauthError(
        c,
        400,
        'invalid_scope',
        'Invalid OAuth scope or ID token audience provided.'
      )

    let subject: SimulatedUser | null = null
    if (claims.sub !== undefined && claims.sub !== account.client_email) {
      subject = findUser(String(claims.sub)) ?? null
      if (!subject) return oauthError(c, 400, 'invalid_grant', 'Invalid email or User ID')
      const delegated = account.delegations.get(subject.customerId)
      if (!delegated || scopes.some((s) => !delegated.has(s)))
        return oauthError(c, 401, 'unauthorized_client', UNAUTHORIZED_CLIENT)
    }
    const accessToken = `ya29.sim-${randomBytes(24).toString('base64url')}`
    issued.set(accessToken, {
      serviceAccount: account.client_email,
      subject,
      scopes: new Set(scopes),
      expiresAt: now() + 3599_000,
    })
    return c.json({ access_token: accessToken, expires_in: 3599, token_type: 'Bearer' })
  })

  // ---- Directory API: tokens ------------------------------------------------------------------
  // https://developers.google.com/workspace/admin/directory/reference/rest/v1/tokens
  const admin = new Hono<Env>()

  admin.use('/admin/directory/v1/*', async (c, next) => {
    const header = c.req.header('authorization')
    const bearer = header?.match(/^Bearer\s+(\S+)$/i)?.[1]
    if (!header || !bearer) {
      c.header('www-authenticate', 'Bearer realm="https://accounts.google.com/"')
      return c.json(
        googleError(
          401,
          `Request is missing required authentication credential. ${CREDENTIALS_HINT}`,
          'required',
          {
            message: 'Login Required.',
            location: 'Authorization',
            locationType: 'header',
          }
        ),
        401
      )
    }
    const token = issued.get(bearer)
    if (!token || token.expiresAt <= now()) {
      c.header(
        'www-authenticate',
        'Bearer realm="https://accounts.google.com/", error="invalid_token"'
      )
      return c.json(
        googleError(
          401,
          `Request had invalid authentication credentials. ${CREDENTIALS_HINT}`,
          'authError',
          {
            message: 'Invalid Credentials',
            location: 'Authorization',
            locationType: 'header',
          }
        ),
        401
      )
    }
    // tokens.* accept only admin.directory.user.security.
    if (!token.scopes.has(SECURITY_SCOPE))
      return c.json(
        googleError(
          403,
          'Request had insufficient authentication scopes.',
          'insufficientPermissions',
          {
            message: 'Insufficient Permission',
          }
        ),
        403
      )
    // A token without a delegated super admin (or for a non-admin) may not use the Admin SDK.
    if (!token.subject?.isAdmin) return c.json(googleError(403, NOT_AUTHORIZED, 'forbidden'), 403)

    // https://developers.google.com/workspace/admin/directory/v1/limits: per Workspace account.
    const limit = simulator.rateLimit
    if (limit) {
      const customer = token.subject.customerId
      const t = now()
      let window = windows.get(customer)
      if (!window || t - window.start >= limit.windowMs) {
        window = { start: t, count: 0 }
        windows.set(customer, window)
      }
      if (window.count >= limit.limit)
        return rateLimited(
          c,
          limit.reason ?? 'rateLimitExceeded',
          window.start + limit.windowMs - t
        )
      window.count++
    }
    c.set('caller', { ...token, subject: token.subject })
    await next()
  })

  /** The user a userKey names, if the caller's Workspace account holds it. */
  function resolve(c: Context<Env>): SimulatedUser | Response {
    const user = findUser(c.req.param('userKey') ?? '')
    if (!user) return c.json(googleError(404, 'Resource Not Found: userKey', 'notFound'), 404)
    if (user.customerId !== c.var.caller.subject.customerId)
      return c.json(googleError(403, NOT_AUTHORIZED, 'forbidden'), 403)
    return user
  }

  // Google does not document the text of a missing token's 404; clients use the status only.
  const tokenNotFound = (c: Context) => c.json(googleError(404, 'Not Found', 'notFound'), 404)

  const tokenResource = (user: SimulatedUser, token: SimulatedToken) => ({
    kind: 'admin#directory#token',
    etag: token.etag,
    clientId: token.clientId,
    displayText: token.displayText,
    scopes: token.scopes,
    userKey: user.id,
    anonymous: token.anonymous,
    nativeApp: token.nativeApp,
  })

  admin
    // https://developers.google.com/workspace/admin/directory/reference/rest/v1/tokens/list
    .get('/admin/directory/v1/users/:userKey/tokens', (c) => {
      const user = resolve(c)
      if (user instanceof Response) return user
      const items = [...user.tokens.values()].map((token) => tokenResource(user, token))
      // Like Google, an empty list has no `items` at all.
      return c.json({
        kind: 'admin#directory#tokenList',
        etag: etag(),
        ...(items.length ? { items } : {}),
      })
    })
    // https://developers.google.com/workspace/admin/directory/reference/rest/v1/tokens/get
    .get('/admin/directory/v1/users/:userKey/tokens/:clientId', (c) => {
      const user = resolve(c)
      if (user instanceof Response) return user
      const token = user.tokens.get(c.req.param('clientId'))
      return token ? c.json(tokenResource(user, token)) : tokenNotFound(c)
    })
    // https://developers.google.com/workspace/admin/directory/reference/rest/v1/tokens/delete
    .delete('/admin/directory/v1/users/:userKey/tokens/:clientId', (c) => {
      const user = resolve(c)
      if (user instanceof Response) return user
      const clientId = c.req.param('clientId')
      const token = user.tokens.get(clientId)
      if (!token) return tokenNotFound(c)
      user.tokens.delete(clientId)
      // The app signs the user in again (another device, a cached refresh): the grant is back.
      if (simulator.reappearAfterDelete) user.tokens.set(clientId, { ...token, etag: etag() })
      return c.body(null, 204)
    })

  admin.notFound((c) => c.text('Not Found', 404))

  function rateLimited(c: Context, reason: keyof typeof RATE_LIMITS, waitMs: number) {
    const { status, message } = RATE_LIMITS[reason]
    if (options.retryAfter) c.header('retry-after', String(Math.max(1, Math.ceil(waitMs / 1000))))
    return c.json(googleError(status, message, reason), status)
  }

  function injectedFailure(c: Context, status: number, isOAuth2: boolean) {
    if (status === 429) return rateLimited(c, 'rateLimitExceeded', 1000)
    const code = status as ContentfulStatusCode
    if (isOAuth2) return oauthError(c, code, 'internal_failure', 'Backend Error')
    const message = status >= 500 ? 'The service is currently unavailable.' : 'Injected failure'
    return c.json(
      googleError(status, message, status >= 500 ? 'backendError' : 'failedPrecondition'),
      code
    )
  }

  // ---- One app for both hosts, with the request log and fault injection in front -------------
  const oauth2Origin = new URL(baseUrls.oauth2).origin
  const app = new Hono()
  app.all('*', async (c) => {
    const url = new URL(c.req.url)
    const isOAuth2 = url.origin === oauth2Origin
    const injected = failures.shift()
    const random5xx = !injected && simulator.failureRate > 0 && random() < simulator.failureRate
    const res = injected
      ? injectedFailure(c, injected, isOAuth2)
      : random5xx
        ? injectedFailure(c, 503, isOAuth2)
        : await (isOAuth2 ? oauth2 : admin).fetch(c.req.raw)
    if (options.requestIds) res.headers.set('x-goog-request-id', randomBytes(8).toString('hex'))
    const route = url.pathname
      .replace(/\/users\/[^/]+/, '/users/:userKey')
      .replace(/\/tokens\/[^/]+$/, '/tokens/:clientId')
    requests.push({
      method: c.req.method,
      path: url.pathname,
      key: `${c.req.method} ${route}`,
      status: res.status,
      at: new Date(now()),
    })
    return res
  })

  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    if (!Object.values(baseUrls).some((base) => request.url.startsWith(`${base}/`)))
      throw new TypeError(`fetch failed: ${request.url} is not served by the Google simulator`)
    // failNext(n, 0): the connection fails before any answer.
    if (failures[0] === 0) {
      failures.shift()
      throw new TypeError('fetch failed: ECONNRESET (simulated)')
    }
    return app.fetch(request)
  }) as typeof globalThis.fetch

  const simulator = {
    app,
    fetch,
    baseUrls,
    requests,
    failureRate: options.failureRate ?? 0,
    rateLimit: options.rateLimit ?? null,
    reappearAfterDelete: options.reappearAfterDelete ?? false,

    /**
     * A service account with a fresh RSA key (or the JSON key file's `key`, as when a simulator
     * restarts for credentials saved earlier), delegated `scopes` in `customerId` unless false.
     */
    addServiceAccount(
      opts: {
        name?: string
        customerId?: string
        scopes?: string[] | false
        key?: Pick<ServiceAccountKey, 'client_email' | 'private_key' | 'private_key_id'>
      } = {}
    ): ServiceAccountKey {
      const n = ++nextId
      const { privateKey, publicKey } = opts.key
        ? {
            privateKey: createPrivateKey(opts.key.private_key),
            publicKey: createPublicKey(opts.key.private_key),
          }
        : keyPair(serviceAccounts.size)
      const account: ServiceAccount = {
        client_email:
          opts.key?.client_email ??
          `${opts.name ?? `consentry-${n}`}@consentry-sim.iam.gserviceaccount.com`,
        private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        private_key_id: opts.key?.private_key_id ?? randomBytes(20).toString('hex'),
        client_id: String(100_000_000_000_000_000_000n + BigInt(n)),
        publicKeys: new Map(),
        delegations: new Map(),
      }
      account.publicKeys.set(account.private_key_id, publicKey)
      if (opts.scopes !== false)
        account.delegations.set(
          opts.customerId ?? DEFAULT_CUSTOMER,
          new Set(opts.scopes ?? [SECURITY_SCOPE])
        )
      serviceAccounts.set(account.client_email, account)
      const { client_email, private_key, private_key_id, client_id } = account
      return { client_email, private_key, private_key_id, client_id }
    },

    /** What a super admin edits under Security > API controls > Domain-wide delegation. */
    setDelegation(clientEmail: string, scopes: string[] | null, customerId = DEFAULT_CUSTOMER) {
      const account = serviceAccounts.get(clientEmail)
      if (!account) throw new Error(`google simulator: no service account ${clientEmail}`)
      if (scopes) account.delegations.set(customerId, new Set(scopes))
      else account.delegations.delete(customerId)
    },

    addUser(opts: {
      email: string
      id?: string
      aliases?: string[]
      customerId?: string
      isAdmin?: boolean
    }): SimulatedUser {
      const user: SimulatedUser = {
        id: opts.id ?? String(100_000_000_000_000_000_000n + BigInt(++nextId)),
        primaryEmail: opts.email.toLowerCase(),
        aliases: (opts.aliases ?? []).map((a) => a.toLowerCase()),
        customerId: opts.customerId ?? DEFAULT_CUSTOMER,
        isAdmin: opts.isAdmin ?? false,
        tokens: new Map(),
      }
      users.set(user.id, user)
      return user
    },

    /** Deleting a Workspace user revokes all of their tokens with them. */
    deleteUser(userKey: string) {
      users.delete(mustFindUser(userKey).id)
    },

    /** The user authorized an app: one token per client id, as Google reports them. */
    addToken(
      userKey: string,
      token: Partial<Omit<SimulatedToken, 'etag'>> & { clientId: string }
    ): SimulatedToken {
      const added: SimulatedToken = {
        displayText: token.clientId,
        scopes: [],
        anonymous: false,
        nativeApp: false,
        ...token,
        etag: etag(),
      }
      mustFindUser(userKey).tokens.set(token.clientId, added)
      return added
    },

    hasToken(userKey: string, clientId: string): boolean {
      return findUser(userKey)?.tokens.has(clientId) ?? false
    },

    tokensOf(userKey: string): SimulatedToken[] {
      return [...(findUser(userKey)?.tokens.values() ?? [])]
    },

    /** Access tokens die early (revoked, password reset): the next call gets a 401. */
    expireAccessTokens() {
      issued.clear()
    },

    /** The next `n` requests answer `status` (0: the connection fails instead). */
    failNext(n: number, status = 503) {
      for (let i = 0; i < n; i++) failures.push(status)
    },

    /** How many requests matched `key` ('POST /token', 'GET /admin/.../tokens'...). */
    count(key: string): number {
      return requests.filter((r) => r.key === key).length
    },
  }
  return simulator
}

export type GoogleSimulator = ReturnType<typeof createGoogleSimulator>
