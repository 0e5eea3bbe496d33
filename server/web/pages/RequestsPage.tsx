// Requests: employees asking to use an app the policy blocks; owners and admins approve or deny.
import { useState } from 'preact/hooks'
import type { ApprovalRequest, Risk } from '../api-types.ts'
import { ApproveDialog } from '../components/ApproveDialog.tsx'
import { Badge, RiskLabel } from '../components/Badge.tsx'
import { DataTable, type Column } from '../components/DataTable.tsx'
import { DenyDialog } from '../components/DenyDialog.tsx'
import { EmptyState, Loaded } from '../components/Feedback.tsx'
import { PageHeader } from '../components/PageHeader.tsx'
import { explainScopes } from '../components/RequestedScopes.tsx'
import { Tabs } from '../components/Tabs.tsx'
import { formatDateTime, formatRelative, providerName } from '../format.ts'
import { navigate, useLocation } from '../router.ts'
import { useApi, usePermissions } from '../state.ts'
import { useResource } from '../use-resource.ts'

type Tab = 'open' | 'decided'

function highestRisk(r: ApprovalRequest): Risk | null {
  return explainScopes(r.provider, r.scopes)[0]?.risk ?? null
}

function AppCell({ r }: { r: ApprovalRequest }) {
  return (
    <div class="cell-main">
      <span class="row-title">{r.appName ?? 'Unknown app'}</span>
      <span class="cell-sub">
        {providerName(r.provider)} · <span class="mono">{r.clientId}</span>
      </span>
    </div>
  )
}

export function RequestsPage() {
  const { query } = useLocation()
  const tab: Tab = query.get('tab') === 'decided' ? 'decided' : 'open'
  return (
    <>
      <PageHeader
        title="Requests"
        description="When the policy blocks an app, employees can ask for it. Approving sanctions it for them or for everyone."
      />
      <Tabs<Tab>
        label="Requests"
        tabs={[
          { id: 'open', label: 'Open' },
          { id: 'decided', label: 'Decided' },
        ]}
        selected={tab}
        onSelect={(id) =>
          navigate(id === 'open' ? '/requests' : '/requests?tab=decided', { replace: true })
        }
      />
      {tab === 'open' ? <OpenRequests /> : <DecidedRequests />}
    </>
  )
}

function OpenRequests() {
  const api = useApi()
  const { canManage } = usePermissions()
  const requests = useResource(() => api.listRequests('open'), [])
  const [approving, setApproving] = useState<ApprovalRequest | null>(null)
  const [denying, setDenying] = useState<ApprovalRequest | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const columns: Column<ApprovalRequest>[] = [
    { key: 'app', header: 'App', render: (r) => <AppCell r={r} /> },
    {
      key: 'who',
      header: 'Requested by',
      render: (r) => r.personEmail ?? <span class="muted">Unknown</span>,
    },
    {
      key: 'reason',
      header: 'Reason',
      class: 'cell-fill cell-wrap',
      render: (r) => r.reason || <span class="muted">—</span>,
    },
    { key: 'risk', header: 'Risk', render: (r) => <RiskLabel risk={highestRisk(r)} /> },
    {
      key: 'asked',
      header: 'Asked',
      render: (r) => <span title={formatDateTime(r.createdAt)}>{formatRelative(r.createdAt)}</span>,
    },
  ]
  if (canManage)
    columns.push({
      key: 'actions',
      header: <span class="sr-only">Actions</span>,
      align: 'right',
      render: (r) => (
        <div class="row-actions">
          <button type="button" class="btn btn-sm btn-primary" onClick={() => setApproving(r)}>
            Approve
          </button>
          <button type="button" class="btn btn-sm" onClick={() => setDenying(r)}>
            Deny
          </button>
        </div>
      ),
    })
  return (
    <section class="card">
      {done && (
        <div class="alert alert-ok" role="status">
          {done}
        </div>
      )}
      <Loaded resource={requests} label="Loading requests…" errorTitle="Could not load requests">
        {(data) =>
          data.items.length === 0 ? (
            <EmptyState title="No open requests">
              When someone asks to use an app the policy blocks, the request appears here.
            </EmptyState>
          ) : (
            <DataTable
              label="Open requests"
              columns={columns}
              rows={data.items}
              rowKey={(r) => r.id}
              rowLabel={(r) =>
                `${r.appName ?? r.clientId} requested by ${r.personEmail ?? 'unknown'}`
              }
              onOpen={(r) =>
                canManage ? setApproving(r) : r.appId && navigate(`/apps/${r.appId}`)
              }
            />
          )
        }
      </Loaded>
      {approving && (
        <ApproveDialog
          request={approving}
          onClose={() => setApproving(null)}
          onApprove={async (input) => {
            await api.approveRequest(approving.id, input)
            setDone(`Approved ${approving.appName ?? approving.clientId}.`)
            requests.reload()
          }}
        />
      )}
      {denying && (
        <DenyDialog
          request={denying}
          onClose={() => setDenying(null)}
          onDeny={async (reason) => {
            await api.denyRequest(denying.id, reason)
            setDone(`Denied ${denying.appName ?? denying.clientId}.`)
            requests.reload()
          }}
        />
      )}
    </section>
  )
}

function DecidedRequests() {
  const api = useApi()
  const decided = useResource(async () => {
    const [approved, denied] = await Promise.all([
      api.listRequests('approved'),
      api.listRequests('denied'),
    ])
    return [...approved.items, ...denied.items].sort((a, b) =>
      (b.decidedAt ?? '').localeCompare(a.decidedAt ?? '')
    )
  }, [])
  const columns: Column<ApprovalRequest>[] = [
    { key: 'app', header: 'App', render: (r) => <AppCell r={r} /> },
    {
      key: 'who',
      header: 'Requested by',
      render: (r) => r.personEmail ?? <span class="muted">Unknown</span>,
    },
    {
      key: 'decision',
      header: 'Decision',
      render: (r) =>
        r.status === 'approved' ? (
          <Badge tone="good">Approved</Badge>
        ) : (
          <Badge tone="bad">Denied</Badge>
        ),
    },
    {
      key: 'note',
      header: 'Note',
      class: 'cell-fill cell-wrap',
      render: (r) => r.decisionNote ?? <span class="muted">—</span>,
    },
    {
      key: 'at',
      header: 'Decided',
      render: (r) => (
        <div class="cell-main">
          <span>{formatDateTime(r.decidedAt)}</span>
          {r.decidedBy && (
            <span class="cell-sub" title={r.decidedBy}>
              by {r.decidedBy}
            </span>
          )}
        </div>
      ),
    },
  ]
  return (
    <section class="card">
      <Loaded
        resource={decided}
        label="Loading decisions…"
        errorTitle="Could not load decided requests"
      >
        {(items) =>
          items.length === 0 ? (
            <EmptyState title="No decisions yet">
              Approved and denied requests are listed here.
            </EmptyState>
          ) : (
            <DataTable
              label="Decided requests"
              columns={columns}
              rows={items}
              rowKey={(r) => r.id}
              rowLabel={(r) => `${r.appName ?? r.clientId}, open app`}
              onOpen={(r) => r.appId && navigate(`/apps/${r.appId}`)}
            />
          )
        }
      </Loaded>
    </section>
  )
}
