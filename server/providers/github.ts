// GitHub connector: a leaver's SAML SSO credential authorizations and fine-grained PATs in one org.
//
// Endpoints (REST API version 2022-11-28):
// - GET /orgs/{org}: https://docs.github.com/rest/orgs/orgs#get-an-organization
// - GET /orgs/{org}/credential-authorizations?login=, DELETE …/{credential_id}; GitHub Enterprise
//   Cloud orgs with SAML SSO, org owner; classic tokens need read:org to list and admin:org to remove:
//   https://docs.github.com/enterprise-cloud@latest/rest/orgs/orgs#list-saml-sso-authorizations-for-an-organization
//   https://docs.github.com/enterprise-cloud@latest/rest/orgs/orgs#remove-a-saml-sso-authorization-for-an-organization
// - GET /orgs/{org}/personal-access-tokens?owner[]=, POST …/{pat_id} {action:'revoke'}; GitHub App
//   installation tokens only ("Personal access tokens" organization permission):
//   https://docs.github.com/rest/orgs/personal-access-tokens#list-fine-grained-personal-access-tokens-with-access-to-organization-resources
//   https://docs.github.com/rest/orgs/personal-access-tokens#update-the-access-a-fine-grained-personal-access-token-has-to-organization-resources
// - Pagination: https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api
// - Rate limits: https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit
//
// Limitation: a credential authorization does not name the OAuth app behind a token, so clientId is
// 'credential:<credential_type>' and appName is the credential's own title or note.
import { z } from 'zod'
import { retryAfterMs, sendProviderRequest, type ProviderRequest } from './send-provider-request.ts'
import type {
  ConnectorOptions,
  DirectoryUser,
  ProviderConnector,
  ProviderFailure,
  ProviderResult,
  RemoteGrant,
} from './types.ts'

/** Organization and user logins; EMU logins carry an `_shortcode` suffix. */
const LOGIN = /^[a-z\d][a-z\d_-]{0,99}$/i

export const GithubCredentials = z
  .object({
    org: z.string().trim().regex(LOGIN, 'the organization login, as in github.com/<org>'),
    /** An org owner's classic token (read:org, admin:org) or a GitHub App installation token. */
    token: z.string().trim().min(1),
    /** SAML SSO credential authorizations (GitHub Enterprise Cloud orgs that use SAML). */
    credentialAuthorizations: z.boolean().default(true),
    /** Fine-grained PATs with access to the org; GitHub lets only GitHub Apps list and revoke them. */
    fineGrainedTokens: z.boolean().default(true),
  })
  .refine((c) => c.credentialAuthorizations || c.fineGrainedTokens, {
    message: 'enable credential authorizations, fine-grained tokens, or both',
  })

/** GitHub Enterprise Server: https://HOST/api/v3; GHE.com: https://api.SUBDOMAIN.ghe.com. */
export const GITHUB_DEFAULT_BASE_URLS = { api: 'https://api.github.com' } as const

const PAT_HANDLE = 'fgpat:'
const MAX_PAGES = 50

const FINE_GRAINED_HINT =
  ' (listing fine-grained personal access tokens needs a GitHub App installation token with the' +
  ' "Personal access tokens" organization permission; turn fineGrainedTokens off otherwise)'

interface CredentialAuthorization {
  login: string
  credential_id: number
  credential_type: string
  scopes?: string[] | null
  authorized_credential_title?: string | null
  authorized_credential_note?: string | null
}

interface PatGrant {
  id: number
  owner: { login: string }
  token_name?: string | null
  permissions?: Record<string, Record<string, string> | null | undefined> | null
}

const failure = (status: number, message: string, requestId: string | null = null) =>
  ({ ok: false, kind: 'permanent', status, message, requestId }) satisfies ProviderFailure

/** The URL marked rel="next" in a Link header, if any. */
function nextLink(link: string | null): string | null {
  for (const part of link?.matchAll(/<([^>]*)>([^<]*)/g) ?? []) {
    if (/;\s*rel="?[^"]*\bnext\b/.test(part[2] ?? '')) return part[1] ?? null
  }
  return null
}

/**
 * GitHub answers a secondary rate limit with 403 and Retry-After (or only its message), without
 * x-ratelimit-remaining: 0, which the shared sender reads as permanent. Docs: wait Retry-After,
 * else at least a minute. TODO(2026-11-23): move into send-provider-request.ts.
 */
function withSecondaryRateLimit<T>(result: ProviderResult<T>, headers: Headers, now: Date) {
  if (result.ok || result.kind !== 'permanent' || result.status !== 403) return result
  const hasRetryAfter = headers.has('retry-after')
  if (!hasRetryAfter && !/secondary rate limit/i.test(result.message)) return result
  const wait = hasRetryAfter ? retryAfterMs(headers, now) : 60_000
  return { ...result, kind: 'rate_limited', retryAfterMs: wait } satisfies ProviderFailure
}

function grantFromCredential(c: CredentialAuthorization, email: string): RemoteGrant {
  return {
    provider: 'github',
    userEmail: email,
    userId: c.login,
    clientId: `credential:${c.credential_type}`,
    appName: c.authorized_credential_title || c.authorized_credential_note || null,
    scopes: c.scopes ?? [],
    handle: String(c.credential_id),
  }
}

function grantFromPat(p: PatGrant, email: string): RemoteGrant {
  const scopes = Object.entries(p.permissions ?? {}).flatMap(([kind, perms]) =>
    Object.entries(perms ?? {}).map(([name, level]) => `${kind}:${name}:${level}`)
  )
  return {
    provider: 'github',
    userEmail: email,
    userId: p.owner.login,
    clientId: 'credential:fine-grained personal access token',
    appName: p.token_name || null,
    scopes,
    handle: `${PAT_HANDLE}${p.id}`,
  }
}

function parseHandle(handle: string): { kind: 'pat' | 'credential'; id: string } | null {
  const pat = handle.startsWith(PAT_HANDLE)
  const id = pat ? handle.slice(PAT_HANDLE.length) : handle
  return /^\d+$/.test(id) ? { kind: pat ? 'pat' : 'credential', id } : null
}

const sameLogin = (a: string | undefined, b: string) => a?.toLowerCase() === b.toLowerCase()

export function createGithubConnector(
  opts: ConnectorOptions<z.infer<typeof GithubCredentials>>
): ProviderConnector {
  const { org, token, credentialAuthorizations, fineGrainedTokens } = opts.credentials
  const base = (opts.baseUrls?.api ?? GITHUB_DEFAULT_BASE_URLS.api).replace(/\/+$/, '')
  const orgUrl = `${base}/orgs/${encodeURIComponent(org)}`
  const clock = opts.clock ?? (() => new Date())
  const headers = {
    authorization: `Bearer ${token}`,
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
    'user-agent': 'consentry',
  }

  /** The shared sender, keeping the response headers it does not return (Link, Retry-After). */
  async function send<T>(req: Omit<ProviderRequest, 'headers'>, notFoundIsGone = false) {
    const seen: { headers?: Headers } = {}
    const fetchKeepingHeaders: typeof fetch = async (input, init) => {
      const res = await opts.fetch(input, init)
      seen.headers = res.headers
      return res
    }
    const sent = await sendProviderRequest<T>(
      { ...req, headers },
      { fetch: fetchKeepingHeaders, clock, notFoundIsGone, retry: opts.retry }
    )
    const result = seen.headers ? withSecondaryRateLimit(sent, seen.headers, clock()) : sent
    return { result, next: nextLink(seen.headers?.get('link') ?? null) }
  }

  /** Every page of a list, following Link rel="next" on the configured host only. */
  async function listAll<T>(url: string): Promise<ProviderResult<T[]>> {
    const items: T[] = []
    let next = url
    for (let page = 1; ; page++) {
      const { result, next: after } = await send<T[]>({ method: 'GET', url: next })
      if (!result.ok) return result
      if (!Array.isArray(result.value))
        return failure(result.status, `GitHub answered ${next} with a non-list`, result.requestId)
      items.push(...result.value)
      if (!after)
        return { ok: true, value: items, status: result.status, requestId: result.requestId }
      // The token goes with every request: never follow a link to another host.
      const afterUrl = new URL(after, base)
      if (afterUrl.origin !== new URL(base).origin)
        return failure(0, `refusing to follow a pagination link to ${after}`, result.requestId)
      // Fail rather than return a partial list that would pass for complete.
      if (page === MAX_PAGES) return failure(0, `more than ${MAX_PAGES} pages at ${url}`)
      next = afterUrl.href
    }
  }

  const credentialsUrl = (login: string | null, perPage = 100) =>
    `${orgUrl}/credential-authorizations?${new URLSearchParams({
      ...(login ? { login } : {}),
      per_page: String(perPage),
    })}`

  const patsUrl = (login: string | null, perPage = 100) => {
    const query = new URLSearchParams(login ? [['owner[]', login]] : [])
    query.set('per_page', String(perPage))
    return `${orgUrl}/personal-access-tokens?${query}`
  }

  const withPatHint = <T>(result: ProviderResult<T>): ProviderResult<T> =>
    !result.ok && result.kind === 'permanent' && result.status === 403
      ? { ...result, message: result.message + FINE_GRAINED_HINT }
      : result

  return {
    id: 'github',

    async testConnection() {
      const { result } = await send<{ login?: string; name?: string | null }>({
        method: 'GET',
        url: orgUrl,
      })
      if (!result.ok) return result
      // Reading the org works for any valid token; read one item of each enabled list so a token
      // that cannot list grants fails here, at setup, not on a leaver's day.
      if (credentialAuthorizations) {
        const probe = await send({ method: 'GET', url: credentialsUrl(null, 1) })
        if (!probe.result.ok) return probe.result
      }
      if (fineGrainedTokens) {
        const probe = withPatHint((await send({ method: 'GET', url: patsUrl(null, 1) })).result)
        if (!probe.ok) return probe
      }
      const found = result.value === 'gone' ? null : result.value
      const name = found?.name ? ` (${found.name})` : ''
      return { ...result, value: `GitHub organization ${found?.login ?? org}${name}` }
    },

    async listGrants(user: DirectoryUser) {
      const login = user.providerUserId?.trim()
      if (!login)
        return failure(
          0,
          `No GitHub login is mapped for ${user.email}: GitHub's REST API cannot find org members ` +
            `by email, so set the user's GitHub login as their provider user id`
        )
      if (!LOGIN.test(login)) return failure(0, `"${login}" is not a GitHub login (${user.email})`)
      const grants: RemoteGrant[] = []
      let last: { status: number; requestId: string | null } = { status: 200, requestId: null }
      if (credentialAuthorizations) {
        const result = await listAll<CredentialAuthorization>(credentialsUrl(login))
        if (!result.ok) return result
        // Filter again: were the login filter ignored, every member's credentials would be listed.
        for (const c of result.value)
          if (sameLogin(c.login, login)) grants.push(grantFromCredential(c, user.email))
        last = { status: result.status, requestId: result.requestId }
      }
      if (fineGrainedTokens) {
        const result = withPatHint(await listAll<PatGrant>(patsUrl(login)))
        if (!result.ok) return result
        for (const p of result.value)
          if (sameLogin(p.owner?.login, login)) grants.push(grantFromPat(p, user.email))
        last = { status: result.status, requestId: result.requestId }
      }
      return { ok: true, value: grants, ...last }
    },

    async revokeGrant(grant: RemoteGrant) {
      const target = parseHandle(grant.handle)
      if (grant.provider !== 'github' || !target)
        return failure(0, `not a GitHub grant handle: ${grant.provider} ${grant.handle}`)
      const { result } =
        target.kind === 'pat'
          ? await send(
              {
                method: 'POST',
                url: `${orgUrl}/personal-access-tokens/${target.id}`,
                body: { action: 'revoke' },
              },
              true
            )
          : await send(
              { method: 'DELETE', url: `${orgUrl}/credential-authorizations/${target.id}` },
              true
            )
      if (!result.ok) return result
      return { ...result, value: result.value === 'gone' ? 'already_gone' : 'revoked' }
    },

    async verifyRevoked(grant: RemoteGrant) {
      const target = parseHandle(grant.handle)
      if (grant.provider !== 'github' || !target)
        return failure(0, `not a GitHub grant handle: ${grant.provider} ${grant.handle}`)
      const login = grant.userId && LOGIN.test(grant.userId) ? grant.userId : null
      if (target.kind === 'pat') {
        const result = withPatHint(await listAll<PatGrant>(patsUrl(login)))
        if (!result.ok) return result
        return { ...result, value: !result.value.some((p) => String(p.id) === target.id) }
      }
      const result = await listAll<CredentialAuthorization>(credentialsUrl(login))
      if (!result.ok) return result
      return { ...result, value: !result.value.some((c) => String(c.credential_id) === target.id) }
    },
  }
}
