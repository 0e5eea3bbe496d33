// A leaver's live grants: the app, where and as whom, its risk, what it can do in plain words, and
// its status (or, for a manual follow-up, why an admin cannot revoke it).
import type { CaseGrant } from '../api-types.ts'
import { providerName } from '../format.ts'
import { AiTag, GrantStatusBadge, RiskDot, RiskLabel } from './Badge.tsx'
import { DataTable, type Column } from './DataTable.tsx'
import { Link } from './Link.tsx'
import { explainScopes } from './RequestedScopes.tsx'

const SHOWN_SCOPES = 3

/** The grant's permissions in words, riskiest first; the rest behind "more". */
export function ScopeWords({ provider, scopes }: { provider: string; scopes: string[] }) {
  const explained = explainScopes(provider, scopes)
  if (explained.length === 0) return <span class="muted">Sign-in only</span>
  const item = (s: (typeof explained)[number]) => (
    <li key={s.scope} title={s.scope}>
      <RiskDot risk={s.risk} />
      {s.description}
    </li>
  )
  const rest = explained.slice(SHOWN_SCOPES)
  return (
    <div class="scope-words">
      <ul>{explained.slice(0, SHOWN_SCOPES).map(item)}</ul>
      {rest.length > 0 && (
        <details>
          <summary>{rest.length} more</summary>
          <ul>{rest.map(item)}</ul>
        </details>
      )}
    </div>
  )
}

const APP: Column<CaseGrant> = {
  key: 'app',
  header: 'App',
  render: (g) => (
    <div class="cell-main">
      <span class="title-with-tags">
        <Link href={`/apps/${g.appId}`} class="row-title">
          {g.appName ?? 'Unknown app'}
        </Link>
        {g.isAi && <AiTag />}
      </span>
      <span class="cell-sub mono" title={g.clientId}>
        {g.clientId}
      </span>
    </div>
  ),
}

const COMMON: Column<CaseGrant>[] = [
  { key: 'provider', header: 'Provider', render: (g) => providerName(g.provider) },
  {
    key: 'account',
    header: 'Account',
    class: 'cell-clip',
    render: (g) => g.account || <span class="muted">—</span>,
  },
  { key: 'risk', header: 'Risk', render: (g) => <RiskLabel risk={g.risk} /> },
  {
    key: 'scopes',
    header: 'What it can do',
    class: 'cell-wrap',
    render: (g) => <ScopeWords provider={g.provider} scopes={g.scopes} />,
  },
]

const STATUS: Column<CaseGrant> = {
  key: 'status',
  header: 'Status',
  render: (g) => <GrantStatusBadge status={g.status} />,
}

const REASON: Column<CaseGrant> = {
  key: 'reason',
  header: 'Why by hand',
  class: 'cell-wrap',
  render: (g) => g.followUp,
}

export function CaseGrantTable(props: {
  label: string
  grants: CaseGrant[]
  kind: 'revoke' | 'follow-up'
}) {
  const columns =
    props.kind === 'revoke' ? [APP, ...COMMON, STATUS] : [APP, ...COMMON, REASON, STATUS]
  return (
    <DataTable label={props.label} columns={columns} rows={props.grants} rowKey={(g) => g.id} />
  )
}
