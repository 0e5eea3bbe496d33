// One person: their grants (AI first in mind), their status and their enrolled browsers.
import type { GrantRow, PersonDetail } from '../api-types.ts'
import { AiTag, Badge, GrantStatusBadge, RiskLabel } from '../components/Badge.tsx'
import { DataTable, type Column } from '../components/DataTable.tsx'
import { EmptyState, Loaded } from '../components/Feedback.tsx'
import { Link } from '../components/Link.tsx'
import { OffboardingCaseSummary } from '../components/OffboardingCaseSummary.tsx'
import { PageHeader } from '../components/PageHeader.tsx'
import { capitalize, formatDate, formatRelative, plural, providerName } from '../format.ts'
import { navigate } from '../router.ts'
import { useApi } from '../state.ts'
import { useResource } from '../use-resource.ts'
import { PersonStatus } from './PeoplePage.tsx'

const GRANT_COLUMNS: Column<GrantRow>[] = [
  {
    key: 'app',
    header: 'App',
    render: (g) => (
      <div class="cell-main">
        <span class="title-with-tags">
          <Link href={`/apps/${g.appId}`} class="row-title" tabIndex={-1}>
            {g.appName ?? 'Unknown app'}
          </Link>
          {g.isAi && <AiTag />}
        </span>
        <span class="cell-sub mono">{g.clientId}</span>
      </div>
    ),
  },
  { key: 'provider', header: 'Provider', render: (g) => providerName(g.provider) },
  { key: 'account', header: 'Account', render: (g) => g.account || <span class="muted">—</span> },
  { key: 'risk', header: 'Risk', render: (g) => <RiskLabel risk={g.risk} /> },
  { key: 'status', header: 'Status', render: (g) => <GrantStatusBadge status={g.status} /> },
  {
    key: 'offline',
    header: 'Offline access',
    render: (g) => (g.offlineAccess ? 'Yes' : <span class="muted">No</span>),
  },
  { key: 'first', header: 'Granted', render: (g) => formatDate(g.firstSeenAt) },
  { key: 'last', header: 'Last seen', render: (g) => formatRelative(g.lastSeenAt) },
]

export function PersonPage({ id }: { id: string }) {
  const api = useApi()
  const person = useResource(() => api.getPerson(id), [id])
  return (
    <Loaded resource={person} label="Loading the person…" errorTitle="Could not load this person">
      {(p) => <PersonBody person={p} />}
    </Loaded>
  )
}

function PersonBody({ person: p }: { person: PersonDetail }) {
  const active = p.grants.filter((g) => g.status === 'active')
  return (
    <>
      <PageHeader
        back={{ href: '/people', label: 'People' }}
        title={p.email}
        description={p.name ?? undefined}
      />
      <dl class="fact-strip">
        <div>
          <dt>Status</dt>
          <dd>
            <PersonStatus status={p.status} />
          </dd>
        </div>
        <div>
          <dt>Leaving on</dt>
          <dd>{p.departureDate ? formatDate(p.departureDate) : '—'}</dd>
        </div>
        <div>
          <dt>Active grants</dt>
          <dd>{active.length}</dd>
        </div>
        <div>
          <dt>AI apps</dt>
          <dd>{new Set(active.filter((g) => g.isAi).map((g) => g.appId)).size}</dd>
        </div>
        <div>
          <dt>Browsers</dt>
          <dd>{p.devices.filter((d) => !d.revokedAt).length}</dd>
        </div>
      </dl>
      <div class="stack">
        <OffboardingCaseSummary personId={p.id} />
        <section class="card">
          <div class="card-header">
            <h2>Grants</h2>
            <span class="muted">{plural(p.grants.length, 'grant')}</span>
          </div>
          {p.grants.length === 0 ? (
            <EmptyState title="No grants">
              Nothing this person granted has been seen yet.
            </EmptyState>
          ) : (
            <DataTable
              label={`Grants of ${p.email}`}
              columns={GRANT_COLUMNS}
              rows={p.grants}
              rowKey={(g) => g.id}
              rowLabel={(g) => `${g.appName ?? g.clientId}, open app`}
              onOpen={(g) => navigate(`/apps/${g.appId}`)}
            />
          )}
        </section>
        <section class="card">
          <div class="card-header">
            <h2>Browsers</h2>
          </div>
          {p.devices.length === 0 ? (
            <EmptyState title="No enrolled browser">
              This person has no browser with the extension. Send them an enrollment token.
            </EmptyState>
          ) : (
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">Browser</th>
                  <th scope="col">Enrolled</th>
                  <th scope="col">Last contact</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {p.devices.map((d) => (
                  <tr key={d.id}>
                    <td>{d.browser ? capitalize(d.browser) : 'Unknown'}</td>
                    <td>{formatDate(d.enrolledAt)}</td>
                    <td>{formatRelative(d.lastSeenAt)}</td>
                    <td>
                      {d.revokedAt ? (
                        <Badge tone="neutral">Revoked {formatDate(d.revokedAt)}</Badge>
                      ) : (
                        <Badge tone="good">Active</Badge>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
    </>
  )
}
