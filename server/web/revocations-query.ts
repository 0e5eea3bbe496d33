// The Revocations page's filters (job state, provider, plan), read from and written to the URL.
import type { Query } from './api.ts'
import type { ConnectionProvider, JobState } from './api-types.ts'
import { CONNECTION_PROVIDERS, JOB_STATES } from './api-types.ts'

/** Every revocation that did not go through: failed (will retry) or dead (gave up). */
export const FAILED_STATES = 'failed,dead'

export interface RevocationsFilter {
  state: JobState | typeof FAILED_STATES | ''
  provider: ConnectionProvider | ''
  planId: string
}

export const DEFAULT_REVOCATIONS_FILTER: RevocationsFilter = { state: '', provider: '', planId: '' }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Reads the filter from a query string; anything unknown is dropped. */
export function parseRevocationsFilter(search: string | URLSearchParams): RevocationsFilter {
  const params = typeof search === 'string' ? new URLSearchParams(search) : search
  const state = params.get('state') ?? ''
  const provider = params.get('provider') ?? ''
  const planId = params.get('planId') ?? ''
  return {
    state:
      state === FAILED_STATES
        ? FAILED_STATES
        : (JOB_STATES as readonly string[]).includes(state)
          ? (state as JobState)
          : '',
    provider: (CONNECTION_PROVIDERS as readonly string[]).includes(provider)
      ? (provider as ConnectionProvider)
      : '',
    planId: UUID.test(planId) ? planId.toLowerCase() : '',
  }
}

/** The page URL's query string for a filter: only what is set. */
export function toRevocationsSearch(filter: RevocationsFilter): string {
  const params = new URLSearchParams()
  if (filter.state) params.set('state', filter.state)
  if (filter.provider) params.set('provider', filter.provider)
  if (filter.planId) params.set('planId', filter.planId)
  const text = params.toString()
  return text ? `?${text}` : ''
}

/** The GET /api/v1/revocations/jobs query (the cursor is added per page). */
export function toRevocationsApiQuery(filter: RevocationsFilter): Query {
  return { state: filter.state, provider: filter.provider, planId: filter.planId }
}

export function hasRevocationFilters(filter: RevocationsFilter): boolean {
  return Boolean(filter.state || filter.provider || filter.planId)
}
