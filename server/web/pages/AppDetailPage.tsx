// One app: what it can do in plain words, who granted it, its policy, its sanction, and revoking
// it for everyone.
import { useState } from 'preact/hooks'
import type { AppDetail, AppGrantRow, PolicyAction } from '../api-types.ts'
import { AiTag, Badge, GrantStatusBadge, RiskLabel } from '../components/Badge.tsx'
import { DataTable, type Column } from '../components/DataTable.tsx'
import { EmptyState, ErrorBanner, Loaded } from '../components/Feedback.tsx'
import { Link } from '../components/Link.tsx'
import { PageHeader } from '../components/PageHeader.tsx'
import { ACTION_HINTS, ACTION_LABELS, PolicySelect } from '../components/PolicySelect.tsx'
import { SanctionForm } from '../components/SanctionForm.tsx'
import { RevokeForEveryone } from '../components/RevokeForEveryone.tsx'
import { ScopeList } from '../components/ScopeList.tsx'
import { formatDate, formatRelative, plural, providerName } from '../format.ts'
import { navigate } from '../router.ts'
import { useApi, usePermissions } from '../state.ts'
import { useResource } from '../use-resource.ts'

const GRANT_COLUMNS: Column<AppGrantRow>[] = [
  {
    key: 'person',
    header: 'Person',
    class: 'cell-fill',
    render: (g) => (
      <div class="cell-main">
        {g.personId ? (
          <Link href={`/people/${g.personId}`} class="row-title" tabIndex={-1}>
            {g.personEmail ?? 'Unknown person'}
          </Link>
        ) : (
          <span class="muted">Unknown person</span>
        )}
        {g.account && g.account !== g.personEmail && <span class="cell-sub">on {g.account}</span>}
      </div>
    ),
  },
  { key: 'status', header: 'Status', render: (g) => <GrantStatusBadge status={g.status} /> },
  { key: 'risk', header: 'Risk', render: (g) => <RiskLabel risk={g.risk} /> },
  { key: 'first', header: 'Granted', render: (g) => formatDate(g.firstSeenAt) },
  { key: 'last', header: 'Last seen', render: (g) => formatRelative(g.lastSeenAt) },
]

export function AppDetailPage({ id }: { id: string }) {
  const api = useApi()
  const detail = useResource(() => api.getApp(id), [id])
  return (
    <Loaded resource={detail} label="Loading the app…" errorTitle="Could not load this app">
      {(d) => <AppDetailBody detail={d} reload={detail.reload} />}
    </Loaded>
  )
}

function AppDetailBody({ detail, reload }: { detail: AppDetail; reload(): void }) {
  const api = useApi()
  const { canManage, canRevoke } = usePermissions()
  const { app } = detail
  return (
    <>
      <PageHeader
        back={{ href: '/apps', label: 'Apps' }}
        title={
          <span class="title-with-tags">
            {app.name ?? 'Unknown app'}
            {app.isAi && <AiTag />}
          </span>
        }
        description={
          <>
            {app.vendor ?? 'Unknown vendor'} · {providerName(app.provider)} ·{' '}
            <span class="mono">{app.clientId}</span>
          </>
        }
        actions={
          canRevoke && (
            <RevokeForEveryone
              appId={app.id}
              appName={app.name ?? app.clientId}
              grants={detail.grants}
              onChanged={reload}
            />
          )
        }
      />
      <dl class="fact-strip">
        <div>
          <dt>People</dt>
          <dd>{app.people}</dd>
        </div>
        <div>
          <dt>Active grants</dt>
          <dd>{app.activeGrants}</dd>
        </div>
        <div>
          <dt>Highest risk</dt>
          <dd>
            <RiskLabel risk={app.highestRisk} />
          </dd>
        </div>
        <div>
          <dt>First seen</dt>
          <dd>{formatDate(app.firstSeenAt)}</dd>
        </div>
        <div>
          <dt>Last seen</dt>
          <dd>{formatRelative(app.lastSeenAt)}</dd>
        </div>
      </dl>
      <div class="detail-grid">
        <div class="stack">
          <section class="card" aria-labelledby="can-do">
            <div class="card-header">
              <h2 id="can-do">What it can do</h2>
              <span class="muted">
                {plural(detail.scopes.length, 'permission')}, riskiest first
              </span>
            </div>
            <ScopeList scopes={detail.scopes} />
          </section>
          <section class="card" aria-labelledby="granted-by">
            <div class="card-header">
              <h2 id="granted-by">Who granted it</h2>
              <span class="muted">{plural(detail.grants.length, 'grant')}</span>
            </div>
            {detail.grants.length === 0 ? (
              <EmptyState title="No grants recorded">
                The app was seen on a consent screen, but nobody has granted it access.
              </EmptyState>
            ) : (
              <DataTable
                label={`Grants of ${app.name ?? app.clientId}`}
                columns={GRANT_COLUMNS}
                rows={detail.grants}
                rowKey={(g) => g.id}
                rowLabel={(g) => `${g.personEmail ?? 'Unknown person'}, open person`}
                onOpen={(g) => g.personId && navigate(`/people/${g.personId}`)}
              />
            )}
          </section>
        </div>
        <div class="stack">
          <section class="card" aria-labelledby="policy">
            <div class="card-header">
              <h2 id="policy">Policy</h2>
            </div>
            <AppPolicy
              key={`${detail.policy.action ?? ''}`}
              action={detail.policy.action}
              effective={detail.policy.effective}
              editable={canManage}
              onSave={async (action) => {
                await api.setAppPolicy(app.id, action)
                reload()
              }}
            />
          </section>
          <section class="card" aria-labelledby="sanction">
            <div class="card-header">
              <h2 id="sanction">Sanction</h2>
            </div>
            <SanctionForm
              key={`${app.sanctioned}-${app.sanctionExpiresAt ?? ''}`}
              app={app}
              editable={canManage}
              onSave={async (input) => {
                await api.setSanction(app.id, input)
                reload()
              }}
            />
          </section>
        </div>
      </div>
    </>
  )
}

function AppPolicy(props: {
  action: PolicyAction | null
  effective: PolicyAction
  editable: boolean
  onSave(action: PolicyAction | null): Promise<void>
}) {
  const [value, setValue] = useState<PolicyAction | null>(props.action)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const effective = (
    <div class="policy-effective">
      <span class="label">When someone is about to grant this app access</span>
      <span class="policy-now">
        <Badge
          tone={props.effective === 'block' ? 'bad' : props.effective === 'allow' ? 'good' : 'warn'}
        >
          {ACTION_LABELS[props.effective]}
        </Badge>
        <span class="muted">{ACTION_HINTS[props.effective]}</span>
      </span>
      <span class="hint">
        {props.action
          ? "Set by this app's rule."
          : "From the policy default for the app's highest risk."}
      </span>
    </div>
  )
  if (!props.editable) return effective
  return (
    <form
      class="form"
      onSubmit={async (e) => {
        e.preventDefault()
        setBusy(true)
        setError(null)
        try {
          await props.onSave(value)
        } catch (err) {
          setError(err)
          setBusy(false)
        }
      }}
    >
      {effective}
      <label class="field">
        <span class="label">This app's rule</span>
        <div class="input-row">
          <PolicySelect id="app-policy" value={value} allowDefault onChange={setValue} />
          <button type="submit" class="btn btn-primary" disabled={busy || value === props.action}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
        <span class="hint">Applies to every employee's browser at its next policy sync.</span>
      </label>
      {error !== null && <ErrorBanner error={error} title="Could not change the policy" />}
    </form>
  )
}
