// Apps: every app seen, filtered and sorted through the URL (reload keeps the view).
import { useEffect, useState } from 'preact/hooks'
import type { AppRow } from '../api-types.ts'
import { RISKS } from '../api-types.ts'
import {
  DEFAULT_APPS_FILTER,
  hasFilters,
  parseAppsFilter,
  toAppsApiQuery,
  toAppsSearch,
  toggleSort,
  type AppSort,
  type AppsFilter,
} from '../apps-query.ts'
import { AiTag, RiskLabel, SanctionBadge } from '../components/Badge.tsx'
import { DataTable, type Column } from '../components/DataTable.tsx'
import { EmptyState, ErrorBanner, Loading } from '../components/Feedback.tsx'
import { Icon } from '../components/Icon.tsx'
import { Link } from '../components/Link.tsx'
import { PageHeader } from '../components/PageHeader.tsx'
import { isSanctionExpired } from '../components/SanctionForm.tsx'
import { capitalize, formatDate, formatRelative, plural, providerName } from '../format.ts'
import { navigate, useLocation } from '../router.ts'
import { useApi } from '../state.ts'
import { useResource } from '../use-resource.ts'
import { PROVIDERS } from '../../../shared/consent/types.ts'

const COLUMNS: Column<AppRow>[] = [
  {
    key: 'name',
    header: 'App',
    sort: 'name',
    class: 'cell-fill',
    render: (a) => (
      <div class="cell-main">
        <span class="title-with-tags">
          <Link href={`/apps/${a.id}`} class="row-title" tabIndex={-1}>
            {a.name ?? 'Unknown app'}
          </Link>
          {a.isAi && <AiTag />}
        </span>
        <span class="cell-sub mono" title={a.clientId}>
          {a.clientId}
        </span>
      </div>
    ),
  },
  {
    key: 'vendor',
    header: 'Vendor',
    class: 'cell-clip',
    render: (a) => a.vendor ?? <span class="muted">Unknown</span>,
  },
  { key: 'provider', header: 'Provider', render: (a) => providerName(a.provider) },
  { key: 'people', header: 'People', sort: 'people', align: 'right', render: (a) => a.people },
  {
    key: 'risk',
    header: 'Highest risk',
    sort: 'risk',
    render: (a) => <RiskLabel risk={a.highestRisk} />,
  },
  {
    key: 'sanctioned',
    header: 'Sanction',
    render: (a) => <SanctionBadge sanctioned={a.sanctioned} expired={isSanctionExpired(a)} />,
  },
  {
    key: 'firstSeen',
    header: 'First seen',
    sort: 'firstSeen',
    render: (a) => <span title={a.firstSeenAt}>{formatDate(a.firstSeenAt)}</span>,
  },
  {
    key: 'lastSeen',
    header: 'Last seen',
    sort: 'lastSeen',
    render: (a) => <span title={a.lastSeenAt}>{formatRelative(a.lastSeenAt)}</span>,
  },
]

export function AppsPage() {
  const api = useApi()
  const { search } = useLocation()
  const filter = parseAppsFilter(search)
  const apiQuery = toAppsApiQuery(filter)
  const apps = useResource(() => api.listApps(apiQuery), [JSON.stringify(apiQuery)])
  // The search box updates the URL shortly after typing stops.
  const [q, setQ] = useState(filter.q)
  useEffect(() => setQ(filter.q), [filter.q])
  useEffect(() => {
    if (q === filter.q) return
    const timer = setTimeout(() => update({ ...filter, q }), 250)
    return () => clearTimeout(timer)
  }, [q])

  function update(next: AppsFilter) {
    navigate(`/apps${toAppsSearch(next)}`, { replace: true })
  }

  const items = apps.data?.items
  return (
    <>
      <PageHeader
        title="Apps"
        description="Every app people have granted access to company accounts, AI tools first in mind."
      />
      <div class="toolbar" role="search">
        <label class="search">
          <Icon name="search" size={14} />
          <span class="sr-only">Search apps</span>
          <input
            class="input"
            type="search"
            name="q"
            placeholder="Search name, vendor or client id"
            value={q}
            onInput={(e) => setQ(e.currentTarget.value)}
          />
        </label>
        <label class="inline-field">
          <span class="label">Risk</span>
          <select
            class="select"
            name="risk"
            value={filter.risk}
            onChange={(e) =>
              update({ ...filter, risk: e.currentTarget.value as AppsFilter['risk'] })
            }
          >
            <option value="">Any</option>
            {[...RISKS].reverse().map((r) => (
              <option key={r} value={r}>
                {capitalize(r)}
              </option>
            ))}
          </select>
        </label>
        <label class="inline-field">
          <span class="label">Provider</span>
          <select
            class="select"
            name="provider"
            value={filter.provider}
            onChange={(e) => update({ ...filter, provider: e.currentTarget.value })}
          >
            <option value="">Any</option>
            {PROVIDERS.map((p) => (
              <option key={p} value={p}>
                {providerName(p)}
              </option>
            ))}
          </select>
        </label>
        <label class="inline-field">
          <span class="label">Status</span>
          <select
            class="select"
            name="sanctioned"
            value={filter.sanctioned}
            onChange={(e) =>
              update({ ...filter, sanctioned: e.currentTarget.value as AppsFilter['sanctioned'] })
            }
          >
            <option value="">Any</option>
            <option value="true">Sanctioned</option>
            <option value="false">Unsanctioned</option>
          </select>
        </label>
        <label class="checkbox">
          <input
            type="checkbox"
            name="ai"
            checked={filter.aiOnly}
            onChange={(e) => update({ ...filter, aiOnly: e.currentTarget.checked })}
          />
          AI only
        </label>
        {hasFilters(filter) && (
          <button
            type="button"
            class="btn btn-ghost btn-sm"
            onClick={() => {
              setQ('')
              update({ ...DEFAULT_APPS_FILTER, sort: filter.sort, order: filter.order })
            }}
          >
            Clear filters
          </button>
        )}
        <span class="toolbar-count muted" aria-live="polite">
          {items ? plural(items.length, 'app') : ''}
        </span>
      </div>
      {apps.error ? (
        <ErrorBanner error={apps.error} title="Could not load apps" onRetry={apps.reload} />
      ) : !items ? (
        <Loading label="Loading apps…" rows={8} />
      ) : items.length === 0 ? (
        <div class="card">
          {hasFilters(filter) ? (
            <EmptyState
              title="No apps match these filters"
              action={
                <button type="button" class="btn" onClick={() => update(DEFAULT_APPS_FILTER)}>
                  Clear filters
                </button>
              }
            >
              Try a broader search, or another risk level or provider.
            </EmptyState>
          ) : (
            <EmptyState
              title="No apps yet"
              action={
                <Link class="btn btn-primary" href="/devices">
                  Enroll browsers
                </Link>
              }
            >
              Apps appear when an enrolled browser sees someone grant access. Create an enrollment
              token and install the extension.
            </EmptyState>
          )}
        </div>
      ) : (
        <DataTable
          label="Apps"
          columns={COLUMNS}
          rows={items}
          rowKey={(a) => a.id}
          rowLabel={(a) => `${a.name ?? a.clientId}, open details`}
          onOpen={(a) => navigate(`/apps/${a.id}`)}
          sort={{ key: filter.sort, order: filter.order }}
          onSort={(key) => update(toggleSort(filter, key as AppSort))}
          busy={apps.loading}
        />
      )}
    </>
  )
}
