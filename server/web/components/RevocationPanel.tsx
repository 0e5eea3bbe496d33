// A leaver's revocation: plan it (a dry run), approve it (by a second admin when the organisation
// requires it), then follow every grant's job live until verified gone, and retry the failed ones.
import { useState } from 'preact/hooks'
import { ApiError } from '../api.ts'
import type {
  CaseGrant,
  OffboardingCase,
  PlanJob,
  PlannedRevocation,
  RevocationPlanDetail,
} from '../api-types.ts'
import { JOB_STATES } from '../api-types.ts'
import { formatDateTime, plural, providerName } from '../format.ts'
import { isCaseOpen } from '../leavers-format.ts'
import { useApi, usePermissions } from '../state.ts'
import type { AdminName } from '../use-admin-names.ts'
import {
  isPlanMoving,
  usePlanProgress,
  type EventSourceFactory,
  type ProgressMode,
} from '../use-plan-progress.ts'
import { DataTable, type Column } from './DataTable.tsx'
import { EmptyState, ErrorBanner, Loading } from './Feedback.tsx'
import { JobStateBadge, PlanStateBadge } from './JobStateBadge.tsx'

const FAILED = new Set(['failed', 'dead', 'needs_decision'])

export interface RevocationPanelProps {
  kase: OffboardingCase
  /** The case changed (a plan was made, approved, retried or finished): reload it. */
  onChanged(): void
  /** Admin ids in words, for who planned and approved. */
  names: AdminName
  eventSource?: EventSourceFactory | null
  pollMs?: number
}

export function RevocationPanel(props: RevocationPanelProps) {
  const { kase } = props
  const api = useApi()
  const { canRevoke } = usePermissions()
  const { names } = props
  const plans = kase.plans ?? []
  const [selectedId, setSelectedId] = useState<string | null>(null)
  const [dryRun, setDryRun] = useState<PlannedRevocation | null>(null)
  const [generation, setGeneration] = useState(0)
  const [busy, setBusy] = useState<'plan' | 'approve' | 'retry' | null>(null)
  const [planError, setPlanError] = useState<unknown>(null)
  const [approveError, setApproveError] = useState<unknown>(null)
  const [retryError, setRetryError] = useState<unknown>(null)
  const [retried, setRetried] = useState<number | null>(null)
  const planId = selectedId ?? plans[0]?.id ?? null
  const progress = usePlanProgress(api, planId, {
    eventSource: props.eventSource,
    pollMs: props.pollMs,
    generation,
    onSettled: props.onChanged,
  })
  const detail = progress.detail?.plan.id === planId ? progress.detail : undefined

  const open = kase.case !== null && isCaseOpen(kase.case.state)
  const revocable = kase.toRevoke.filter((g) => g.status !== 'revocation_pending')
  const unfinished =
    plans.some((p) => p.state === 'planned' || isPlanMoving(p.state)) ||
    (detail !== undefined && (detail.plan.state === 'planned' || isPlanMoving(detail.plan.state)))
  const canPlan = canRevoke && open && revocable.length > 0 && !unfinished

  function show(id: string) {
    setSelectedId(id)
    setApproveError(null)
    setRetryError(null)
    setRetried(null)
  }

  async function plan() {
    setBusy('plan')
    setPlanError(null)
    try {
      const made = await api.planRevocation({ scope: 'leaver', personId: kase.person.id })
      setDryRun(made)
      show(made.planId)
      props.onChanged()
    } catch (e) {
      setPlanError(e)
    } finally {
      setBusy(null)
    }
  }

  async function approve(id: string) {
    setBusy('approve')
    setApproveError(null)
    try {
      await api.approveRevocationPlan(id)
      setGeneration((g) => g + 1)
      props.onChanged()
    } catch (e) {
      setApproveError(e)
      if (e instanceof ApiError && e.code === 'not_planned') progress.reload()
    } finally {
      setBusy(null)
    }
  }

  async function retry(id: string) {
    setBusy('retry')
    setRetryError(null)
    setRetried(null)
    try {
      const done = await api.retryRevocationPlan(id)
      setRetried(done.retried)
      setGeneration((g) => g + 1)
      props.onChanged()
    } catch (e) {
      setRetryError(e)
    } finally {
      setBusy(null)
    }
  }

  let body
  if (!planId) {
    body =
      kase.toRevoke.length === 0 ? (
        <EmptyState title="Nothing to revoke through provider APIs">
          {kase.followUps.length > 0
            ? 'The grants below need a manual follow-up.'
            : 'No live grant was found for this person.'}
        </EmptyState>
      ) : (
        <EmptyState title="No revocation planned yet">
          {canRevoke
            ? `Plan revocation makes a dry run of the ${plural(revocable.length, 'grant')} to revoke: nothing is revoked until the plan is approved.`
            : 'An owner, admin or offboarding admin plans the revocation.'}
        </EmptyState>
      )
  } else if (progress.error && !detail) {
    body = (
      <ErrorBanner
        error={progress.error}
        title="Could not load the revocation plan"
        onRetry={progress.reload}
      />
    )
  } else if (!detail) {
    body = <Loading label="Loading the revocation plan…" rows={3} />
  } else if (detail.plan.state === 'planned') {
    body = (
      <DryRun
        detail={detail}
        skipped={skippedOf(detail, kase, dryRun)}
        names={names}
        canApprove={canRevoke && open}
        approving={busy === 'approve'}
        approveError={approveError}
        onApprove={() => approve(detail.plan.id)}
      />
    )
  } else {
    body = (
      <Progress
        detail={detail}
        mode={progress.mode}
        names={names}
        canRetry={canRevoke}
        retrying={busy === 'retry'}
        retried={retried}
        retryError={retryError}
        onRetry={() => retry(detail.plan.id)}
      />
    )
  }

  return (
    <section class="card" aria-labelledby="revocation">
      <div class="card-header">
        <h2 id="revocation">Revocation</h2>
        {canPlan && (
          <button type="button" class="btn btn-primary" disabled={busy !== null} onClick={plan}>
            {busy === 'plan' ? 'Planning…' : 'Plan revocation'}
          </button>
        )}
      </div>
      {planError !== null &&
        (planError instanceof ApiError && planError.code === 'nothing_to_revoke' ? (
          <div class="alert alert-info" role="status">
            <div class="alert-body">
              <strong>Nothing to revoke</strong>
              <span>{planError.message}</span>
            </div>
          </div>
        ) : (
          <ErrorBanner error={planError} title="Could not plan the revocation" />
        ))}
      {body}
      {plans.length > 1 && (
        <PlanHistory plans={plans} selected={planId} names={names} onShow={show} />
      )}
    </section>
  )
}

interface Skipped {
  grantId: string
  reason: string
  grant: CaseGrant | undefined
}

/** Grants the plan leaves out: from the dry run just made, or worked out from the case. */
function skippedOf(
  detail: RevocationPlanDetail,
  kase: OffboardingCase,
  dryRun: PlannedRevocation | null
): Skipped[] {
  const all = [...kase.toRevoke, ...kase.followUps]
  const byId = new Map(all.map((g) => [g.id, g]))
  if (dryRun && dryRun.planId === detail.plan.id)
    return dryRun.skipped.map((s) => ({ ...s, grant: byId.get(s.grantId) }))
  const inPlan = new Set(detail.jobs.map((j) => j.grantId))
  return all
    .filter((g) => !inPlan.has(g.id))
    .map((g) => ({
      grantId: g.id,
      grant: g,
      reason:
        g.followUp ?? 'Not in this plan: found after it was made, or its provider is not connected',
    }))
}

const PLANNED_COLUMNS: Column<PlanJob>[] = [
  { key: 'app', header: 'App', render: (j) => j.appName ?? <span class="mono">{j.clientId}</span> },
  { key: 'provider', header: 'Provider', render: (j) => providerName(j.provider) },
  { key: 'account', header: 'Account', class: 'cell-clip', render: (j) => j.userEmail },
]

/** The account column only says something when the plan touches more than one account. */
function forJobs(columns: Column<PlanJob>[], jobs: PlanJob[]): Column<PlanJob>[] {
  return new Set(jobs.map((j) => j.userEmail)).size > 1
    ? columns
    : columns.filter((c) => c.key !== 'account')
}

function plannedBy(detail: RevocationPlanDetail, names: AdminName): string {
  const who = names(detail.plan.createdBy) ?? 'the offboarding schedule'
  return `Planned by ${who} on ${formatDateTime(detail.plan.createdAt)}`
}

function DryRun(props: {
  detail: RevocationPlanDetail
  skipped: Skipped[]
  names: AdminName
  canApprove: boolean
  approving: boolean
  approveError: unknown
  onApprove(): void
}) {
  const { detail, skipped } = props
  const secondApprover =
    props.approveError instanceof ApiError && props.approveError.code === 'second_approver_required'
  return (
    <div class="stack plan-body">
      <div class="alert alert-info">
        <div class="alert-body">
          <strong>
            Dry run: {plural(detail.jobs.length, 'grant')} will be revoked, nothing is revoked yet
          </strong>
          <span>
            {plannedBy(detail, props.names)}. Approving sends the revocations to the providers.
          </span>
        </div>
      </div>
      {detail.jobs.length > 0 && (
        <DataTable
          label="Grants this plan revokes"
          columns={forJobs(PLANNED_COLUMNS, detail.jobs)}
          rows={detail.jobs}
          rowKey={(j) => j.id}
        />
      )}
      {skipped.length > 0 && (
        <div>
          <h3 class="subheading">Left out of the plan ({skipped.length})</h3>
          <ul class="skipped-list">
            {skipped.map((s) => (
              <li key={s.grantId}>
                <strong>{s.grant?.appName ?? 'Unknown app'}</strong>
                {s.grant && (
                  <span class="muted">
                    {' '}
                    · {providerName(s.grant.provider)} · {s.grant.account}
                  </span>
                )}
                <span class="skipped-reason">{s.reason}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {secondApprover ? (
        <div class="alert alert-warn" role="alert">
          <div class="alert-body">
            <strong>Another admin must approve this plan</strong>
            <span>
              Your organisation requires a second person to approve revocations, and this plan was
              planned by {props.names(detail.plan.createdBy) ?? 'the offboarding schedule'} on{' '}
              {formatDateTime(detail.plan.createdAt)}. Ask another owner, admin or offboarding admin
              to open this case and approve it.
            </span>
          </div>
        </div>
      ) : (
        props.approveError !== null && (
          <ErrorBanner error={props.approveError} title="Could not approve the plan" />
        )
      )}
      {props.canApprove && detail.jobs.length > 0 && (
        <div class="form-actions">
          <button
            type="button"
            class="btn btn-primary"
            disabled={props.approving}
            onClick={props.onApprove}
          >
            {props.approving
              ? 'Approving…'
              : `Approve and revoke ${plural(detail.jobs.length, 'grant')}`}
          </button>
        </div>
      )}
    </div>
  )
}

const JOB_COLUMNS: Column<PlanJob>[] = [
  ...PLANNED_COLUMNS,
  { key: 'state', header: 'Status', render: (j) => <JobStateBadge state={j.state} /> },
  { key: 'attempts', header: 'Attempts', align: 'right', render: (j) => j.attempts },
  {
    key: 'detail',
    header: 'Provider answer',
    class: 'cell-wrap',
    render: (j) =>
      FAILED.has(j.state) ? (
        <span class="job-error">
          {j.lastError ?? 'No reason given'}
          {j.lastStatus !== null && <span class="muted"> (HTTP {j.lastStatus})</span>}
        </span>
      ) : j.lastStatus !== null ? (
        <span class="muted">HTTP {j.lastStatus}</span>
      ) : (
        <span class="muted">—</span>
      ),
  },
]

const MODE_TEXT: Record<ProgressMode, string> = {
  live: 'Updating live',
  polling: 'Updating every few seconds',
  idle: '',
}

function Progress(props: {
  detail: RevocationPlanDetail
  mode: ProgressMode
  names: AdminName
  canRetry: boolean
  retrying: boolean
  retried: number | null
  retryError: unknown
  onRetry(): void
}) {
  const { detail } = props
  const total = detail.jobs.length
  const count = (state: string) => detail.jobs.filter((j) => j.state === state).length
  const verified = count('verified')
  const failed = count('failed') + count('dead')
  const moving = isPlanMoving(detail.plan.state)
  const approved = detail.plan.approvedAt
    ? ` · approved by ${props.names(detail.plan.approvedBy) ?? 'the offboarding schedule'} on ${formatDateTime(detail.plan.approvedAt)}`
    : ''
  return (
    <div class="stack plan-body">
      <div class="progress-head">
        <PlanStateBadge state={detail.plan.state} />
        <span class="muted">
          {plannedBy(detail, props.names)}
          {approved}
        </span>
        {moving && props.mode !== 'idle' && (
          <span class="live-note muted">{MODE_TEXT[props.mode]}</span>
        )}
      </div>
      <div class="progress-summary">
        <progress
          class="progress"
          max={Math.max(total, 1)}
          value={verified}
          aria-label="Grants verified revoked"
        />
        <p aria-live="polite" class="progress-text">
          <strong>
            {verified} of {total} verified
          </strong>
          {failed > 0 && <span class="risk-text-critical"> · {failed} failed</span>}
          {!moving && detail.plan.state === 'done' && verified === total && (
            <span> · every grant is revoked and verified gone</span>
          )}
        </p>
      </div>
      <ul class="count-list" aria-label="Jobs by state">
        {JOB_STATES.filter((s) => count(s) > 0).map((s) => (
          <li key={s}>
            <JobStateBadge state={s} />
            <strong>{count(s)}</strong>
          </li>
        ))}
      </ul>
      <DataTable
        label="Revocation of each grant"
        columns={forJobs(JOB_COLUMNS, detail.jobs)}
        rows={detail.jobs}
        rowKey={(j) => j.id}
      />
      {props.retryError !== null && (
        <ErrorBanner error={props.retryError} title="Could not retry the failed revocations" />
      )}
      {props.retried !== null && (
        <p class="muted" role="status">
          {props.retried === 0
            ? 'Nothing was waiting to be retried.'
            : `${plural(props.retried, 'revocation')} put back in the queue.`}
        </p>
      )}
      {props.canRetry && failed > 0 && (
        <div class="form-actions">
          <button type="button" class="btn" disabled={props.retrying} onClick={props.onRetry}>
            {props.retrying ? 'Retrying…' : `Retry failed (${failed})`}
          </button>
          <span class="hint">Failed and given-up revocations go back in the queue.</span>
        </div>
      )}
    </div>
  )
}

function PlanHistory(props: {
  plans: NonNullable<OffboardingCase['plans']>
  selected: string | null
  names: AdminName
  onShow(id: string): void
}) {
  return (
    <div class="plan-history">
      <h3 class="subheading">All plans of this case</h3>
      <ul>
        {props.plans.map((p) => {
          const jobs = Object.values(p.counts).reduce((a, b) => a + (b ?? 0), 0)
          return (
            <li key={p.id}>
              <PlanStateBadge state={p.state} />
              <span>
                {formatDateTime(p.createdAt)} by {props.names(p.createdBy) ?? 'the schedule'}
              </span>
              <span class="muted">
                {plural(jobs, 'grant')}, {p.counts.verified ?? 0} verified
              </span>
              <button
                type="button"
                class="btn btn-ghost btn-sm"
                aria-pressed={p.id === props.selected}
                disabled={p.id === props.selected}
                onClick={() => props.onShow(p.id)}
              >
                {p.id === props.selected ? 'Shown' : 'Show'}
              </button>
            </li>
          )
        })}
      </ul>
    </div>
  )
}
