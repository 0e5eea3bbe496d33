// The one interface every provider connector implements (one provider per file beside this one).
import type { ReadRetry } from './send-provider-request.ts'

export const PROVIDER_IDS = ['google', 'microsoft', 'github', 'slack', 'okta'] as const
export type ProviderId = (typeof PROVIDER_IDS)[number]

/** Whom to look up at the provider: the work email, and the provider's own id when known. */
export interface DirectoryUser {
  email: string
  providerUserId?: string | null
}

/** A grant as the provider's admin API shows it. */
export interface RemoteGrant {
  provider: ProviderId
  userEmail: string
  /** The provider's id of the user (Graph object id, Okta user id, GitHub login...). */
  userId: string | null
  /** The OAuth client id (Google, Okta), app id (Graph appId, Slack app id), or GitHub client id. */
  clientId: string
  appName: string | null
  scopes: string[]
  /** What the delete call needs (Graph grant id, GitHub credential id, Okta grant id...). */
  handle: string
  /** Microsoft "AllPrincipals" grants are tenant-wide: never one person's to revoke. */
  tenantWide?: boolean
}

export type ProviderFailure =
  | {
      ok: false
      kind: 'rate_limited'
      status: number
      retryAfterMs: number
      message: string
      requestId: string | null
    }
  | {
      ok: false
      kind: 'transient' | 'permanent'
      status: number
      message: string
      requestId: string | null
    }
  /** The provider answered, but the action is not one to take automatically (tenant-wide grant). */
  | {
      ok: false
      kind: 'needs_admin_decision'
      status: number
      message: string
      requestId: string | null
    }

export type ProviderResult<T> =
  { ok: true; value: T; status: number; requestId: string | null } | ProviderFailure

export interface ProviderConnector {
  readonly id: ProviderId
  /** A cheap authenticated call that proves the credentials work. */
  testConnection(): Promise<ProviderResult<string>>
  listGrants(user: DirectoryUser): Promise<ProviderResult<RemoteGrant[]>>
  /** Idempotent: a grant already gone (404 on delete) is 'already_gone', not an error. */
  revokeGrant(grant: RemoteGrant): Promise<ProviderResult<'revoked' | 'already_gone'>>
  /** Lists again: true when the grant is absent. */
  verifyRevoked(grant: RemoteGrant): Promise<ProviderResult<boolean>>
}

export interface ConnectorOptions<Credentials> {
  credentials: Credentials
  /** Base URLs of the provider's endpoints (sovereign clouds, simulators); defaults are public. */
  baseUrls?: Partial<Record<string, string>>
  fetch: typeof fetch
  clock?: () => Date
  /** How the shared sender retries reads (GET) on 5xx and network errors; its default if absent. */
  retry?: ReadRetry
}
