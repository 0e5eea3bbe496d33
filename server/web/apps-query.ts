// The Apps page's filters and sort, read from and written to the URL so a reload keeps them.
import type { Risk } from './api-types.ts'
import type { Query } from './api.ts'

export const APP_SORTS = ['lastSeen', 'firstSeen', 'people', 'risk', 'name'] as const
export type AppSort = (typeof APP_SORTS)[number]
export type SortOrder = 'asc' | 'desc'

export interface AppsFilter {
  q: string
  risk: Risk | ''
  provider: string
  sanctioned: '' | 'true' | 'false'
  aiOnly: boolean
  sort: AppSort
  order: SortOrder
}

export const DEFAULT_APPS_FILTER: AppsFilter = {
  q: '',
  risk: '',
  provider: '',
  sanctioned: '',
  aiOnly: false,
  sort: 'lastSeen',
  order: 'desc',
}

const RISK_VALUES = new Set(['low', 'medium', 'high', 'critical'])
const PROVIDER_PATTERN = /^[a-z]{2,20}$/

/** The order a column sorts in when first clicked: names A-Z, everything else biggest first. */
export function defaultOrder(sort: AppSort): SortOrder {
  return sort === 'name' ? 'asc' : 'desc'
}

/** Reads the filter from a query string; anything unknown falls back to the default. */
export function parseAppsFilter(search: string | URLSearchParams): AppsFilter {
  const params = typeof search === 'string' ? new URLSearchParams(search) : search
  const sort = (APP_SORTS as readonly string[]).includes(params.get('sort') ?? '')
    ? (params.get('sort') as AppSort)
    : DEFAULT_APPS_FILTER.sort
  const order = params.get('order')
  const risk = params.get('risk') ?? ''
  const provider = params.get('provider') ?? ''
  const sanctioned = params.get('sanctioned') ?? ''
  return {
    q: (params.get('q') ?? '').slice(0, 200),
    risk: RISK_VALUES.has(risk) ? (risk as Risk) : '',
    provider: PROVIDER_PATTERN.test(provider) ? provider : '',
    sanctioned: sanctioned === 'true' || sanctioned === 'false' ? sanctioned : '',
    aiOnly: params.get('ai') === 'true',
    sort,
    order: order === 'asc' || order === 'desc' ? order : defaultOrder(sort),
  }
}

/** The page URL's query string for a filter: only what differs from the default. */
export function toAppsSearch(filter: AppsFilter): string {
  const params = new URLSearchParams()
  if (filter.q.trim()) params.set('q', filter.q.trim())
  if (filter.risk) params.set('risk', filter.risk)
  if (filter.provider) params.set('provider', filter.provider)
  if (filter.sanctioned) params.set('sanctioned', filter.sanctioned)
  if (filter.aiOnly) params.set('ai', 'true')
  if (filter.sort !== DEFAULT_APPS_FILTER.sort || filter.order !== defaultOrder(filter.sort)) {
    params.set('sort', filter.sort)
    params.set('order', filter.order)
  }
  const text = params.toString()
  return text ? `?${text}` : ''
}

/**
 * The GET /api/v1/apps query. The default sort (last seen, newest first) is the server's own, so
 * it is not sent.
 */
export function toAppsApiQuery(filter: AppsFilter): Query {
  const isDefaultSort = filter.sort === 'lastSeen' && filter.order === 'desc'
  return {
    q: filter.q.trim(),
    risk: filter.risk,
    provider: filter.provider,
    sanctioned: filter.sanctioned,
    ai: filter.aiOnly ? 'true' : '',
    sort: isDefaultSort ? '' : filter.sort,
    order: isDefaultSort ? '' : filter.order,
  }
}

/** Clicking a column header: the same column flips the order, another starts at its default. */
export function toggleSort(filter: AppsFilter, sort: AppSort): AppsFilter {
  if (filter.sort === sort) return { ...filter, order: filter.order === 'asc' ? 'desc' : 'asc' }
  return { ...filter, sort, order: defaultOrder(sort) }
}

export function hasFilters(filter: AppsFilter): boolean {
  return Boolean(
    filter.q.trim() || filter.risk || filter.provider || filter.sanctioned || filter.aiOnly
  )
}
