// Leavers: who leaves today, who is overdue or upcoming, with their live grants and riskiest one;
// offboarding staff mark people as leaving by hand or import a CSV.
import { useState } from 'preact/hooks'
import type { LeaverRow, LeaverWhen } from '../api-types.ts'
import { LEAVER_WHENS } from '../api-types.ts'
import { RiskLabel } from '../components/Badge.tsx'
import { CaseStateBadge } from '../components/CaseStateBadge.tsx'
import { DataTable, type Column } from '../components/DataTable.tsx'
import { EmptyState, ErrorBanner, Loading } from '../components/Feedback.tsx'
import { ImportLeaversDialog } from '../components/ImportLeaversDialog.tsx'
import { Link } from '../components/Link.tsx'
import { MarkLeavingDialog } from '../components/MarkLeavingDialog.tsx'
import { PageHeader } from '../components/PageHeader.tsx'
import { Tabs } from '../components/Tabs.tsx'
import { formatDate } from '../format.ts'
import { formatLeavingDay, parseLeaverWhen, sourceLabel, WHEN_LABELS } from '../leavers-format.ts'
import { navigate, useLocation } from '../router.ts'
import { useApi, usePermissions } from '../state.ts'
import { useResource } from '../use-resource.ts'

const COLUMNS: Column<LeaverRow>[] = [
  {
    key: 'person',
    header: 'Person',
    class: 'cell-fill',
    render: (l) => (
      <div class="cell-main">
        <Link href={`/leavers/${l.personId}`} class="row-title" tabIndex={-1}>
          {l.name ?? l.email}
        </Link>
        {l.name && <span class="cell-sub">{l.email}</span>}
      </div>
    ),
  },
  {
    key: 'leaving',
    header: 'Leaving',
    render: (l) => (
      <span title={l.departureDate ? formatDate(`${l.departureDate}T12:00:00`) : undefined}>
        {formatLeavingDay(l.departureDate ?? l.dueDate)}
      </span>
    ),
  },
  { key: 'source', header: 'Source', render: (l) => sourceLabel(l.source) },
  {
    key: 'state',
    header: 'Case',
    render: (l) => <CaseStateBadge state={l.state} dueDate={l.dueDate} />,
  },
  {
    key: 'live',
    header: 'Live grants',
    align: 'right',
    render: (l) => (l.liveGrants > 0 ? <strong>{l.liveGrants}</strong> : 0),
  },
  { key: 'risk', header: 'Highest risk', render: (l) => <RiskLabel risk={l.highestRisk} /> },
  {
    key: 'orphaned',
    header: 'Orphaned apps',
    align: 'right',
    render: (l) => l.orphanedApps,
  },
]

const EMPTY: Record<LeaverWhen, { title: string; body: string }> = {
  all: {
    title: 'No leavers yet',
    body: 'Leavers arrive from SCIM, the HR webhook or Shared Signals, or you mark them here by hand or with a CSV file.',
  },
  due: { title: 'Nobody leaves today', body: 'Cases due today appear here on the leaving day.' },
  overdue: {
    title: 'Nothing overdue',
    body: 'Every leaver whose day has passed has a closed case.',
  },
  upcoming: { title: 'No upcoming leavers', body: 'Nobody is scheduled to leave.' },
  done: { title: 'No closed cases yet', body: 'Closed cases are kept here as evidence.' },
}

export function LeaversPage() {
  const api = useApi()
  const { canRevoke } = usePermissions()
  const { search } = useLocation()
  const when = parseLeaverWhen(search)
  const leavers = useResource(() => api.listLeavers(when), [when])
  const [dialog, setDialog] = useState<'mark' | 'import' | null>(null)
  const [marked, setMarked] = useState<{ personId: string; email: string } | null>(null)

  const items = leavers.data?.items
  return (
    <>
      <PageHeader
        title="Leavers"
        description="People leaving or gone, and the AI tools still connected to their accounts."
        actions={
          canRevoke && (
            <>
              <button type="button" class="btn" onClick={() => setDialog('import')}>
                Import CSV
              </button>
              <button type="button" class="btn btn-primary" onClick={() => setDialog('mark')}>
                Mark someone as leaving
              </button>
            </>
          )
        }
      />
      {marked && (
        <div class="alert alert-ok" role="status">
          <div class="alert-body">
            <span>
              {marked.email} is marked as leaving.{' '}
              <Link href={`/leavers/${marked.personId}`}>Open the case</Link>
            </span>
          </div>
          <button type="button" class="btn btn-ghost btn-sm" onClick={() => setMarked(null)}>
            Dismiss
          </button>
        </div>
      )}
      <Tabs<LeaverWhen>
        label="Which leavers"
        tabs={LEAVER_WHENS.map((id) => ({
          id,
          label: WHEN_LABELS[id],
          count: id === when && items ? items.length : undefined,
        }))}
        selected={when}
        onSelect={(id) =>
          navigate(id === 'all' ? '/leavers' : `/leavers?when=${id}`, { replace: true })
        }
      />
      {leavers.error ? (
        <ErrorBanner
          error={leavers.error}
          title="Could not load leavers"
          onRetry={leavers.reload}
        />
      ) : !items ? (
        <Loading label="Loading leavers…" rows={6} />
      ) : items.length === 0 ? (
        <div class="card">
          <EmptyState title={EMPTY[when].title}>{EMPTY[when].body}</EmptyState>
        </div>
      ) : (
        <DataTable
          label={`Leavers: ${WHEN_LABELS[when]}`}
          columns={COLUMNS}
          rows={items}
          rowKey={(l) => l.personId}
          rowLabel={(l) => `${l.name ?? l.email}, open the offboarding case`}
          onOpen={(l) => navigate(`/leavers/${l.personId}`)}
          busy={leavers.loading}
        />
      )}
      {dialog === 'mark' && (
        <MarkLeavingDialog
          onClose={() => setDialog(null)}
          onSave={async (input) => {
            const done = await api.markLeaving(input)
            setMarked({ personId: done.personId, email: input.email })
            leavers.reload()
          }}
        />
      )}
      {dialog === 'import' && (
        <ImportLeaversDialog
          onClose={() => setDialog(null)}
          onImport={(csv) => api.importLeavers(csv)}
          onImported={leavers.reload}
        />
      )}
    </>
  )
}
