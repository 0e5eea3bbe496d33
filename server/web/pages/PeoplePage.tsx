// People: employees seen through enrolled browsers or the directory, searchable by email.
import { useEffect, useState } from 'preact/hooks'
import type { PersonRow } from '../api-types.ts'
import { Badge } from '../components/Badge.tsx'
import { DataTable, type Column } from '../components/DataTable.tsx'
import { EmptyState, ErrorBanner, Loading } from '../components/Feedback.tsx'
import { Icon } from '../components/Icon.tsx'
import { Link } from '../components/Link.tsx'
import { PageHeader } from '../components/PageHeader.tsx'
import { capitalize, formatDate, plural } from '../format.ts'
import { navigate, useLocation } from '../router.ts'
import { useApi } from '../state.ts'
import { useResource } from '../use-resource.ts'

export function PersonStatus({ status }: { status: string }) {
  const tone = status === 'active' ? 'good' : status === 'leaving' ? 'warn' : 'neutral'
  return <Badge tone={tone}>{capitalize(status)}</Badge>
}

const COLUMNS: Column<PersonRow>[] = [
  {
    key: 'email',
    header: 'Person',
    render: (p) => (
      <div class="cell-main">
        <Link href={`/people/${p.id}`} class="row-title" tabIndex={-1}>
          {p.email}
        </Link>
        {p.name && <span class="cell-sub">{p.name}</span>}
      </div>
    ),
  },
  { key: 'status', header: 'Status', render: (p) => <PersonStatus status={p.status} /> },
  {
    key: 'departure',
    header: 'Leaving on',
    render: (p) => (p.departureDate ? formatDate(p.departureDate) : <span class="muted">—</span>),
  },
  { key: 'grants', header: 'Active grants', align: 'right', render: (p) => p.activeGrants },
]

export function PeoplePage() {
  const api = useApi()
  const { query } = useLocation()
  const urlQ = query.get('q') ?? ''
  const [q, setQ] = useState(urlQ)
  useEffect(() => setQ(urlQ), [urlQ])
  useEffect(() => {
    if (q === urlQ) return
    const timer = setTimeout(
      () =>
        navigate(q.trim() ? `/people?q=${encodeURIComponent(q.trim())}` : '/people', {
          replace: true,
        }),
      250
    )
    return () => clearTimeout(timer)
  }, [q])
  const people = useResource(() => api.listPeople({ q: urlQ, limit: 500 }), [urlQ])
  const items = people.data?.items
  return (
    <>
      <PageHeader
        title="People"
        description="Employees with enrolled browsers or grants, and what they have connected."
      />
      <div class="toolbar" role="search">
        <label class="search">
          <Icon name="search" size={14} />
          <span class="sr-only">Search people</span>
          <input
            class="input"
            type="search"
            name="q"
            placeholder="Search by email"
            value={q}
            onInput={(e) => setQ(e.currentTarget.value)}
          />
        </label>
        <span class="toolbar-count muted">
          {items ? plural(items.length, 'person', 'people') : ''}
        </span>
      </div>
      {people.error ? (
        <ErrorBanner error={people.error} title="Could not load people" onRetry={people.reload} />
      ) : !items ? (
        <Loading label="Loading people…" rows={8} />
      ) : items.length === 0 ? (
        <div class="card">
          {urlQ ? (
            <EmptyState title={`Nobody matches "${urlQ}"`}>
              Try part of the email address.
            </EmptyState>
          ) : (
            <EmptyState
              title="No people yet"
              action={
                <Link class="btn btn-primary" href="/devices">
                  Create an enrollment token
                </Link>
              }
            >
              People appear when an enrolled browser reports its employee. Create an enrollment
              token and install the extension.
            </EmptyState>
          )}
        </div>
      ) : (
        <DataTable
          label="People"
          columns={COLUMNS}
          rows={items}
          rowKey={(p) => p.id}
          rowLabel={(p) => `${p.email}, open details`}
          onOpen={(p) => navigate(`/people/${p.id}`)}
          busy={people.loading}
        />
      )}
    </>
  )
}
