// Audit log: filter, read an entry, verify the hash chain, export as JSON lines or CSV.
import { useState } from 'preact/hooks'
import type { AuditEntry, AuditVerification } from '../api-types.ts'
import { auditExportUrl, type Query } from '../api.ts'
import { Badge } from '../components/Badge.tsx'
import { DataTable, type Column } from '../components/DataTable.tsx'
import { Dialog } from '../components/Dialog.tsx'
import { EmptyState, ErrorBanner, Loaded } from '../components/Feedback.tsx'
import { Icon } from '../components/Icon.tsx'
import { PageHeader } from '../components/PageHeader.tsx'
import { endOfDayIso, formatDateTime, plural } from '../format.ts'
import { navigate, useLocation } from '../router.ts'
import { useApi } from '../state.ts'
import { useResource } from '../use-resource.ts'

const LIMIT = 500
const FILTERS = ['actor', 'action', 'subject', 'from', 'to'] as const
type Filters = Record<(typeof FILTERS)[number], string>

function startOfDayIso(day: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null
  const date = new Date(`${day}T00:00:00`)
  return Number.isNaN(date.getTime()) ? null : date.toISOString()
}

/** The API query for the page's filters (dates as whole local days). */
export function toAuditQuery(f: Filters): Query {
  return {
    actor: f.actor.trim(),
    action: f.action.trim(),
    subject: f.subject.trim(),
    from: f.from ? startOfDayIso(f.from) : '',
    to: f.to ? endOfDayIso(f.to) : '',
  }
}

function short(id: string | null): string {
  if (!id) return ''
  return id.length > 14 ? `${id.slice(0, 8)}…` : id
}

function summarize(data: unknown): string {
  if (data === null || data === undefined) return ''
  if (typeof data !== 'object') return String(data)
  return Object.entries(data as Record<string, unknown>)
    .slice(0, 4)
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' · ')
}

const COLUMNS: Column<AuditEntry>[] = [
  { key: 'seq', header: '#', align: 'right', render: (e) => <span class="mono">{e.seq}</span> },
  { key: 'at', header: 'Time', render: (e) => formatDateTime(e.at) },
  {
    key: 'actor',
    header: 'Actor',
    render: (e) => (
      <span title={e.actorId ?? ''}>
        {e.actorType} <span class="mono muted">{short(e.actorId)}</span>
      </span>
    ),
  },
  { key: 'action', header: 'Action', render: (e) => <span class="mono">{e.action}</span> },
  {
    key: 'subject',
    header: 'Subject',
    render: (e) =>
      e.subjectType ? (
        <span title={e.subjectId ?? ''}>
          {e.subjectType} <span class="mono muted">{short(e.subjectId)}</span>
        </span>
      ) : (
        <span class="muted">—</span>
      ),
  },
  {
    key: 'data',
    header: 'Details',
    class: 'cell-fill',
    render: (e) => <span class="muted">{summarize(e.data)}</span>,
  },
]

export function AuditPage() {
  const api = useApi()
  const { query } = useLocation()
  const filters = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) ?? ''])) as Filters
  const apiQuery = toAuditQuery(filters)
  const entries = useResource(
    () => api.listAudit({ ...apiQuery, limit: LIMIT }),
    [JSON.stringify(apiQuery)]
  )
  const [draft, setDraft] = useState<Filters>(filters)
  const [open, setOpen] = useState<AuditEntry | null>(null)

  function apply(next: Filters) {
    const params = new URLSearchParams()
    for (const k of FILTERS) if (next[k].trim()) params.set(k, next[k].trim())
    const text = params.toString()
    navigate(text ? `/audit?${text}` : '/audit', { replace: true })
  }

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change and every reported consent, in one hash-chained log per organisation."
        actions={
          <>
            <a
              class="btn"
              href={auditExportUrl(apiQuery, 'jsonl')}
              download="consentry-audit.jsonl"
            >
              Export JSONL
            </a>
            <a class="btn" href={auditExportUrl(apiQuery, 'csv')} download="consentry-audit.csv">
              Export CSV
            </a>
          </>
        }
      />
      <div class="stack">
        <VerifyChain />
        <form
          class="filters"
          role="search"
          aria-label="Filter the audit log"
          onSubmit={(e) => {
            e.preventDefault()
            apply(draft)
          }}
        >
          {(['actor', 'action', 'subject'] as const).map((k) => (
            <label class="field" key={k}>
              <span class="label">{k[0]!.toUpperCase() + k.slice(1)}</span>
              <input
                class="input input-sm"
                name={k}
                value={draft[k]}
                placeholder={k === 'action' ? 'e.g. policy.app_changed' : 'id'}
                onInput={(e) => setDraft({ ...draft, [k]: e.currentTarget.value })}
              />
            </label>
          ))}
          <label class="field">
            <span class="label">From</span>
            <input
              class="input input-sm"
              type="date"
              name="from"
              value={draft.from}
              onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })}
            />
          </label>
          <label class="field">
            <span class="label">To</span>
            <input
              class="input input-sm"
              type="date"
              name="to"
              value={draft.to}
              onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })}
            />
          </label>
          <div class="filters-actions">
            <button type="submit" class="btn btn-sm btn-primary">
              Apply
            </button>
            {FILTERS.some((k) => filters[k]) && (
              <button
                type="button"
                class="btn btn-sm btn-ghost"
                onClick={() => {
                  const empty = { actor: '', action: '', subject: '', from: '', to: '' }
                  setDraft(empty)
                  apply(empty)
                }}
              >
                Clear
              </button>
            )}
          </div>
        </form>
        {entries.data && (
          <p class="muted list-note">
            {entries.data.items.length >= LIMIT
              ? `Showing the first ${LIMIT} entries, oldest first: narrow the dates or filters, or export to see everything.`
              : `${plural(entries.data.items.length, 'entry', 'entries')}, oldest first.`}
          </p>
        )}
        <Loaded
          resource={entries}
          label="Loading the audit log…"
          errorTitle="Could not load the audit log"
        >
          {(data) =>
            data.items.length === 0 ? (
              <div class="card">
                <EmptyState title="No entries match">
                  Widen the dates or clear a filter. Every admin change and reported consent is
                  logged here.
                </EmptyState>
              </div>
            ) : (
              <DataTable
                label="Audit log"
                columns={COLUMNS}
                rows={data.items}
                rowKey={(e) => String(e.seq)}
                rowLabel={(e) => `Entry ${e.seq}, ${e.action}, open details`}
                onOpen={(e) => setOpen(e)}
                busy={entries.loading}
              />
            )
          }
        </Loaded>
      </div>
      {open && (
        <Dialog
          title={`Entry #${open.seq}: ${open.action}`}
          onClose={() => setOpen(null)}
          wide
          footer={
            <button type="button" class="btn" onClick={() => setOpen(null)}>
              Close
            </button>
          }
        >
          <dl class="facts">
            <dt>Time</dt>
            <dd>{formatDateTime(open.at)}</dd>
            <dt>Actor</dt>
            <dd>
              {open.actorType} <span class="mono">{open.actorId ?? ''}</span>
            </dd>
            <dt>Subject</dt>
            <dd>
              {open.subjectType ?? '—'} <span class="mono">{open.subjectId ?? ''}</span>
            </dd>
            <dt>Hash</dt>
            <dd class="mono break">{open.hash}</dd>
            <dt>Previous hash</dt>
            <dd class="mono break">{open.prevHash}</dd>
          </dl>
          <pre class="code-block">{JSON.stringify(open.data, null, 2)}</pre>
        </Dialog>
      )}
    </>
  )
}

function VerifyChain() {
  const api = useApi()
  const [state, setState] = useState<
    | { kind: 'idle' }
    | { kind: 'busy' }
    | { kind: 'done'; result: AuditVerification }
    | { kind: 'error'; error: unknown }
  >({ kind: 'idle' })
  async function verify() {
    setState({ kind: 'busy' })
    try {
      setState({ kind: 'done', result: await api.verifyAudit() })
    } catch (error) {
      setState({ kind: 'error', error })
    }
  }
  return (
    <section class="card verify">
      <div class="verify-row">
        <div>
          <h2>Chain integrity</h2>
          <p class="muted">
            Each entry's hash covers the previous one: an edited or deleted entry breaks the chain.
          </p>
        </div>
        <button type="button" class="btn" onClick={verify} disabled={state.kind === 'busy'}>
          <Icon name="shield" size={14} />
          {state.kind === 'busy' ? 'Verifying…' : 'Verify chain'}
        </button>
      </div>
      {state.kind === 'done' &&
        (state.result.ok ? (
          <div class="alert alert-ok" role="status" data-testid="verify-result">
            <Icon name="check" />
            <div class="alert-body">
              <strong>Chain OK</strong>
              <span>
                All {plural(state.result.entries, 'entry', 'entries')} verified
                {state.result.lastHash ? (
                  <>
                    ; last hash <span class="mono">{state.result.lastHash.slice(0, 16)}…</span>
                  </>
                ) : null}
                .
              </span>
            </div>
            <Badge tone="good">OK</Badge>
          </div>
        ) : (
          <div class="alert alert-error" role="alert" data-testid="verify-result">
            <Icon name="alert" />
            <div class="alert-body">
              <strong>Chain broken at entry #{state.result.firstBroken.seq}</strong>
              <span>
                {state.result.firstBroken.reason}.{' '}
                {plural(state.result.entries, 'entry', 'entries')} checked. Restore from a backup
                and investigate who had database access.
              </span>
            </div>
          </div>
        ))}
      {state.kind === 'error' && (
        <ErrorBanner error={state.error} title="Could not verify the chain" />
      )}
    </section>
  )
}
