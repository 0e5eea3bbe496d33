// Revocations: every plan with its counts, then every revocation job across leavers and apps,
// filtered by state, provider and plan through the URL, newest first, a page at a time.
import { useEffect, useState } from 'preact/hooks'
import type { RevocationJobRow } from '../api-types.ts'
import { CONNECTION_PROVIDERS, JOB_STATES } from '../api-types.ts'
import { DataTable, type Column } from '../components/DataTable.tsx'
import { EmptyState, ErrorBanner, Loading } from '../components/Feedback.tsx'
import { JOB_STATE_LABELS, JobStateBadge } from '../components/JobStateBadge.tsx'
import { Link } from '../components/Link.tsx'
import { PageHeader } from '../components/PageHeader.tsx'
import { RevocationPlans } from '../components/RevocationPlans.tsx'
import { formatDateTime, formatRelative, plural, providerName } from '../format.ts'
import {
  DEFAULT_REVOCATIONS_FILTER,
  FAILED_STATES,
  hasRevocationFilters,
  parseRevocationsFilter,
  toRevocationsApiQuery,
  toRevocationsSearch,
  type RevocationsFilter,
} from '../revocations-query.ts'
import { navigate, useLocation } from '../router.ts'
import { useApi } from '../state.ts'
import { useResource } from '../use-resource.ts'

const PAGE_SIZE = 50

const COLUMNS: Column<RevocationJobRow>[] = [
  {
    key: 'app',
    header: 'App',
    class: 'cell-fill',
    render: (j) => (
      <div class="cell-main">
        <span class="row-title">{j.appName ?? 'Unknown app'}</span>
        <span class="cell-sub mono" title={j.clientId}>
          {j.clientId}
        </span>
      </div>
    ),
  },
  { key: 'provider', header: 'Provider', render: (j) => providerName(j.provider) },
  { key: 'user', header: 'User', class: 'cell-clip', render: (j) => j.userEmail },
  { key: 'state', header: 'State', render: (j) => <JobStateBadge state={j.state} /> },
  { key: 'attempts', header: 'Attempts', align: 'right', render: (j) => j.attempts },
  {
    key: 'answer',
    header: 'Last answer',
    class: 'cell-wrap',
    render: (j) =>
      j.lastStatus || j.lastError ? (
        <span title={j.lastRequestId ? `Request id ${j.lastRequestId}` : undefined}>
          {j.lastStatus ? <span class="mono">HTTP {j.lastStatus}</span> : null}
          {j.lastError ? <span class="muted"> {j.lastError}</span> : null}
        </span>
      ) : (
        <span class="muted">—</span>
      ),
  },
  {
    key: 'updated',
    header: 'Updated',
    render: (j) => <span title={formatDateTime(j.updatedAt)}>{formatRelative(j.updatedAt)}</span>,
  },
  {
    key: 'open',
    header: <span class="sr-only">Open</span>,
    align: 'right',
    // A leaver's plan opens their case, an app's plan the app, a selection the person.
    render: (j) =>
      j.planScope === 'leaver' && j.personId ? (
        <Link
          class="btn btn-sm btn-ghost"
          href={`/leavers/${j.personId}`}
          aria-label={`Open the case of ${j.userEmail}`}
        >
          Case
        </Link>
      ) : j.planScope === 'app' && j.planSubjectId ? (
        <Link
          class="btn btn-sm btn-ghost"
          href={`/apps/${j.planSubjectId}`}
          aria-label={`Open ${j.appName ?? j.clientId}`}
        >
          App
        </Link>
      ) : j.personId ? (
        <Link
          class="btn btn-sm btn-ghost"
          href={`/people/${j.personId}`}
          aria-label={`Open ${j.userEmail}`}
        >
          Person
        </Link>
      ) : null,
  },
]

export function RevocationsPage() {
  const api = useApi()
  const { search } = useLocation()
  const filter = parseRevocationsFilter(search)
  const plans = useResource(() => api.listRevocationPlans(), [])
  const [jobsTick, setJobsTick] = useState(0)

  function update(next: RevocationsFilter) {
    navigate(`/revocations${toRevocationsSearch(next)}`, { replace: true })
  }

  return (
    <>
      <PageHeader
        title="Revocations"
        description="Every revocation across leavers and apps: what was asked of each provider, what it answered, and what is verified gone."
        actions={
          <button
            type="button"
            class="btn"
            onClick={() => {
              plans.reload()
              setJobsTick((t) => t + 1)
            }}
          >
            Refresh
          </button>
        }
      />
      <div class="stack">
        <RevocationPlans
          plans={plans}
          selectedPlanId={filter.planId}
          onChanged={() => setJobsTick((t) => t + 1)}
        />
        <section class="stack" aria-labelledby="jobs">
          <h2 id="jobs" class="section-title">
            Jobs
          </h2>
          <div class="toolbar" role="search" aria-label="Filter revocation jobs">
            <label class="inline-field">
              <span class="label">State</span>
              <select
                class="select"
                name="state"
                value={filter.state}
                onChange={(e) =>
                  update({ ...filter, state: e.currentTarget.value as RevocationsFilter['state'] })
                }
              >
                <option value="">Any</option>
                <option value={FAILED_STATES}>Failed or given up</option>
                {JOB_STATES.map((s) => (
                  <option key={s} value={s}>
                    {JOB_STATE_LABELS[s].label}
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
                onChange={(e) =>
                  update({
                    ...filter,
                    provider: e.currentTarget.value as RevocationsFilter['provider'],
                  })
                }
              >
                <option value="">Any</option>
                {CONNECTION_PROVIDERS.map((p) => (
                  <option key={p} value={p}>
                    {providerName(p)}
                  </option>
                ))}
              </select>
            </label>
            {filter.planId && (
              <span class="filter-chip">
                Plan <span class="mono">{filter.planId.slice(0, 8)}</span>
                <button
                  type="button"
                  class="btn btn-sm btn-ghost"
                  aria-label="Show jobs of every plan"
                  onClick={() => update({ ...filter, planId: '' })}
                >
                  ×
                </button>
              </span>
            )}
            {hasRevocationFilters(filter) && (
              <button
                type="button"
                class="btn btn-ghost btn-sm"
                onClick={() => update(DEFAULT_REVOCATIONS_FILTER)}
              >
                Clear filters
              </button>
            )}
          </div>
          <JobsList
            key={`${search}|${jobsTick}`}
            filter={filter}
            onClear={() => update(DEFAULT_REVOCATIONS_FILTER)}
          />
        </section>
      </div>
    </>
  )
}

/** The first page of jobs for a filter, and "Load more" pages after it (keyed by the filter). */
function JobsList(props: { filter: RevocationsFilter; onClear(): void }) {
  const api = useApi()
  const query = toRevocationsApiQuery(props.filter)
  const first = useResource(
    () => api.listRevocationJobs({ ...query, limit: PAGE_SIZE }),
    [JSON.stringify(query)]
  )
  const [more, setMore] = useState<{ items: RevocationJobRow[]; nextCursor: string | null }>({
    items: [],
    nextCursor: null,
  })
  const [loadingMore, setLoadingMore] = useState(false)
  const [moreError, setMoreError] = useState<unknown>(null)
  useEffect(() => {
    if (first.data) setMore({ items: [], nextCursor: first.data.nextCursor })
  }, [first.data])

  async function loadMore() {
    if (!more.nextCursor) return
    setLoadingMore(true)
    setMoreError(null)
    try {
      const page = await api.listRevocationJobs({
        ...query,
        limit: PAGE_SIZE,
        cursor: more.nextCursor,
      })
      setMore((m) => ({ items: [...m.items, ...page.items], nextCursor: page.nextCursor }))
    } catch (e) {
      setMoreError(e)
    } finally {
      setLoadingMore(false)
    }
  }

  if (first.error)
    return (
      <ErrorBanner error={first.error} title="Could not load revocations" onRetry={first.reload} />
    )
  if (!first.data) return <Loading label="Loading revocations…" rows={6} />
  const rows = [...first.data.items, ...more.items]
  if (rows.length === 0)
    return (
      <div class="card">
        {hasRevocationFilters(props.filter) ? (
          <EmptyState
            title="No revocation jobs match these filters"
            action={
              <button type="button" class="btn" onClick={props.onClear}>
                Clear filters
              </button>
            }
          >
            Try another state or provider.
          </EmptyState>
        ) : (
          <EmptyState title="No revocations yet">
            Plan a revocation from a leaver's case, or revoke an app for everyone from its page.
            Each grant becomes a job here.
          </EmptyState>
        )}
      </div>
    )
  return (
    <>
      <p class="muted jobs-count" aria-live="polite">
        {plural(rows.length, 'job')} shown{more.nextCursor ? ', more to load' : ''}
      </p>
      <DataTable
        label="Revocation jobs"
        columns={COLUMNS}
        rows={rows}
        rowKey={(j) => j.id}
        busy={first.loading}
      />
      {moreError !== null && (
        <ErrorBanner error={moreError} title="Could not load more" onRetry={loadMore} />
      )}
      {more.nextCursor && (
        <div class="load-more">
          <button type="button" class="btn" disabled={loadingMore} onClick={loadMore}>
            {loadingMore ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </>
  )
}
