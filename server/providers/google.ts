// Google Workspace connector: lists and revokes a user's OAuth tokens through the Admin SDK
// Directory API, signed in as a service account with domain-wide delegation.
import { createPrivateKey, sign, type KeyObject } from 'node:crypto'
import { z } from 'zod'
import { sendProviderRequest } from './send-provider-request.ts'
import type {
  ConnectorOptions,
  DirectoryUser,
  ProviderConnector,
  ProviderResult,
  RemoteGrant,
} from './types.ts'

export const GOOGLE_DEFAULT_BASE_URLS = {
  oauth2: 'https://oauth2.googleapis.com',
  admin: 'https://admin.googleapis.com',
}

/** The only scope tokens.list/get/delete need; the super admin grants it to the service
 * account's client id under Security > API controls > Domain-wide delegation. */
export const GOOGLE_DIRECTORY_SCOPE =
  'https://www.googleapis.com/auth/admin.directory.user.security'

/** Fields of the service account's JSON key, plus the super admin the service account acts as. */
export const GoogleCredentials = z.object({
  client_email: z.email('client_email must be the service account email'),
  // Keys pasted from the JSON file into a text field often keep "\n" as two characters.
  private_key: z
    .string()
    .transform((key) => key.replace(/\\n/g, '\n').trim())
    .refine(isPrivateKey, 'private_key must be the PEM private key from the JSON key file'),
  private_key_id: z.string().trim().min(1, 'private_key_id is required'),
  adminEmail: z.email('adminEmail must be the email of a super admin to act as'),
})
export type GoogleCredentials = z.infer<typeof GoogleCredentials>

function isPrivateKey(pem: string): boolean {
  try {
    return createPrivateKey(pem).asymmetricKeyType === 'rsa'
  } catch {
    return false
  }
}

// https://developers.google.com/workspace/admin/directory/reference/rest/v1/tokens#Token
const Token = z.object({
  clientId: z.string(),
  displayText: z.string().optional(),
  scopes: z.array(z.string()).optional(),
  userKey: z.string().optional(),
})
// Google leaves `items` out when the user has no tokens.
const TokenList = z.object({ items: z.array(Token).optional() })
const AccessToken = z.object({ access_token: z.string().min(1), expires_in: z.number().positive() })

// Google's own client libraries refresh five minutes early; a token is never used near its end.
const REFRESH_MARGIN_MS = 5 * 60_000
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer'

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
const encode = encodeURIComponent

export function createGoogleConnector(
  opts: ConnectorOptions<GoogleCredentials>
): ProviderConnector {
  const { credentials, fetch } = opts
  const clock = opts.clock ?? (() => new Date())
  const urls = { ...GOOGLE_DEFAULT_BASE_URLS }
  for (const [name, url] of Object.entries(opts.baseUrls ?? {}))
    if (url && name in urls) urls[name as keyof typeof urls] = url.replace(/\/+$/, '')
  const tokenUrl = `${urls.oauth2}/token`

  let key: KeyObject | null = null
  let cached: { value: string; expiresAt: number } | null = null
  let pending: Promise<ProviderResult<string>> | null = null

  /** The service account's signed request for an access token acting as the admin. */
  function assertion(now: number): string {
    key ??= createPrivateKey(credentials.private_key)
    const iat = Math.floor(now / 1000)
    const header = { alg: 'RS256', typ: 'JWT', kid: credentials.private_key_id }
    const claims = {
      iss: credentials.client_email,
      sub: credentials.adminEmail,
      scope: GOOGLE_DIRECTORY_SCOPE,
      aud: tokenUrl,
      iat,
      exp: iat + 3600,
    }
    const unsigned = `${base64url(header)}.${base64url(claims)}`
    return `${unsigned}.${sign('sha256', Buffer.from(unsigned), key).toString('base64url')}`
  }

  // https://developers.google.com/identity/protocols/oauth2/service-account ("HTTP/REST" tab)
  async function requestToken(): Promise<ProviderResult<string>> {
    const now = clock().getTime()
    let jwt: string
    try {
      jwt = assertion(now)
    } catch (error) {
      const message = `service account private_key is unusable: ${(error as Error).message}`
      return { ok: false, kind: 'permanent', status: 0, message, requestId: null }
    }
    const res = await sendProviderRequest(
      {
        method: 'POST',
        url: tokenUrl,
        body: new URLSearchParams({ grant_type: JWT_BEARER, assertion: jwt }),
      },
      { fetch, clock }
    )
    if (!res.ok) return res
    const token = AccessToken.safeParse(res.value)
    if (!token.success) {
      const message = 'Google token endpoint answered without an access_token'
      return { ok: false, kind: 'permanent', status: res.status, message, requestId: res.requestId }
    }
    cached = { value: token.data.access_token, expiresAt: now + token.data.expires_in * 1000 }
    return { ...res, value: token.data.access_token }
  }

  function accessToken(): Promise<ProviderResult<string>> {
    if (cached && clock().getTime() < cached.expiresAt - REFRESH_MARGIN_MS)
      return Promise.resolve({ ok: true, value: cached.value, status: 200, requestId: null })
    // Concurrent calls share one token request.
    pending ??= requestToken().finally(() => (pending = null))
    return pending
  }

  /** One Directory API call; a 401 (token revoked or expired early) gets one fresh token. */
  async function directory(
    method: 'GET' | 'DELETE',
    path: string,
    notFoundIsGone = false
  ): Promise<ProviderResult<unknown>> {
    for (let attempt = 1; ; attempt++) {
      const token = await accessToken()
      if (!token.ok) return token
      const res = await sendProviderRequest(
        {
          method,
          url: `${urls.admin}/admin/directory/v1${path}`,
          headers: { authorization: `Bearer ${token.value}` },
        },
        { fetch, clock, notFoundIsGone, retry: opts.retry }
      )
      if (res.ok || res.status !== 401 || attempt > 1) return res
      if (cached?.value === token.value) cached = null
    }
  }

  async function listTokens(userKey: string): Promise<ProviderResult<z.infer<typeof Token>[]>> {
    // https://developers.google.com/workspace/admin/directory/reference/rest/v1/tokens/list
    const res = await directory('GET', `/users/${encode(userKey)}/tokens`)
    if (!res.ok) return res
    const list = TokenList.safeParse(res.value ?? {})
    if (!list.success) {
      const message = 'unexpected tokens.list response from Google'
      return { ok: false, kind: 'permanent', status: res.status, message, requestId: res.requestId }
    }
    return { ...res, value: list.data.items ?? [] }
  }

  // Google's unique user id survives the rename that offboarding often does; the email is the fallback.
  const userKeyOf = (grant: RemoteGrant) => grant.userId ?? grant.userEmail
  const tokenPath = (grant: RemoteGrant) =>
    `/users/${encode(userKeyOf(grant))}/tokens/${encode(grant.handle)}`

  return {
    id: 'google',

    async testConnection() {
      const res = await listTokens(credentials.adminEmail)
      if (!res.ok) return res
      return { ...res, value: `${credentials.client_email} acting as ${credentials.adminEmail}` }
    },

    async listGrants(user: DirectoryUser) {
      const res = await listTokens(user.providerUserId ?? user.email)
      if (!res.ok) return res
      const grants = res.value.map((token): RemoteGrant => ({
        provider: 'google',
        userEmail: user.email,
        userId: token.userKey ?? user.providerUserId ?? null,
        clientId: token.clientId,
        appName: token.displayText ?? null,
        scopes: token.scopes ?? [],
        handle: token.clientId,
      }))
      return { ...res, value: grants }
    },

    async revokeGrant(grant) {
      // https://developers.google.com/workspace/admin/directory/reference/rest/v1/tokens/delete
      const res = await directory('DELETE', tokenPath(grant), true)
      if (!res.ok) return res
      return { ...res, value: res.value === 'gone' ? 'already_gone' : 'revoked' }
    },

    async verifyRevoked(grant) {
      // https://developers.google.com/workspace/admin/directory/reference/rest/v1/tokens/get
      // One token by client id: a 404 (no token, or no such user any more) means it is gone.
      const res = await directory('GET', tokenPath(grant), true)
      if (!res.ok) return res
      return { ...res, value: res.value === 'gone' }
    },
  }
}
