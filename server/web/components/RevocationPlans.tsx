// Revocation plans: what each covers, its jobs counted by state, Approve and "Retry failed".
import { useState } from 'preact/hooks'
import type { JobState, RevocationPlanRow } from '../api-types.ts'
import { JOB_STATES } from '../api-types.ts'
import { ApiError } from '../api.ts'
import { formatDateTime, formatRelative, plural } from '../format.ts'
import { useApi, usePermissions } from '../state.ts'
import type { Resource } from '../use-resource.ts'
import { Badge } from './Badge.tsx'
import { EmptyState, ErrorBanner, Loaded } from './Feedback.tsx'
import { JOB_STATE_LABELS, PlanStateBadge } from './JobStateBadge.tsx'
import { Link } from './Link.tsx'

const COUNT_WORDS: Record<JobState, string> = {
  planned: 'planned',
  approved: 'approved',
  running: 'running',
  revoked: 'revoked',
  verified: 'verified',
  failed: 'failed',
  dead: 'dead',
  needs_decision: 'need a decision',
  cancelled: 'cancelled',
}

export function retryableJobs(plan: RevocationPlanRow): number {
  return (plan.counts.failed ?? 0) + (plan.counts.dead ?? 0)
}

function PlanSubject({ plan }: { plan: RevocationPlanRow }) {
  if (plan.scope === 'leaver' && plan.subjectId)
    return <Link href={`/leavers/${plan.subjectId}`}>A leaver's grants</Link>
  if (plan.scope === 'app' && plan.subjectId)
    return <Link href={`/apps/${plan.subjectId}`}>Every grant of an app</Link>
  return <span>Selected grants</span>
}

export function RevocationPlans(props: {
  plans: Resource<{ items: RevocationPlanRow[] }>
  selectedPlanId: string
  /** Jobs changed (approved, retried): reload what shows them. */
  onChanged(): void
}) {
  const api = useApi()
  const { canRevoke } = usePermissions()
  const [busy, setBusy] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [error, setError] = useState<{ title: string; error: unknown } | null>(null)

  async function act(plan: RevocationPlanRow, action: 'approve' | 'retry') {
    setBusy(plan.id)
    setNotice(null)
    setError(null)
    try {
      if (action === 'approve') {
        await api.approveRevocationPlan(plan.id)
        setNotice('Plan approved: its revocations are queued and start within seconds.')
      } else {
        const { retried } = await api.retryRevocationPlan(plan.id)
        setNotice(`${plural(retried, 'revocation')} back in the queue.`)
      }
      props.plans.reload()
      props.onChanged()
    } catch (e) {
      if (e instanceof ApiError && e.code === 'second_approver_required')
        setError({
          title: 'A second person must approve this plan',
          error: new Error(
            'You made this plan, and your organisation requires another owner, admin or offboarding admin to approve it. Ask a colleague to open this page and approve it.'
          ),
        })
      else
        setError({
          title: action === 'approve' ? 'Could not approve the plan' : 'Could not retry',
          error: e,
        })
    } finally {
      setBusy(null)
    }
  }

  return (
    <section class="card" aria-labelledby="plans">
      <div class="card-header">
        <h2 id="plans">Plans</h2>
        <span class="muted">newest first</span>
      </div>
      {notice && (
        <div class="alert alert-ok" role="status">
          {notice}
        </div>
      )}
      {error && <ErrorBanner error={error.error} title={error.title} />}
      <Loaded resource={props.plans} label="Loading plans…" errorTitle="Could not load plans">
        {(data) =>
          data.items.length === 0 ? (
            <EmptyState title="No revocation plans yet">
              Plan a revocation from a leaver's case, or revoke an app for everyone from its page.
            </EmptyState>
          ) : (
            <div class="table-wrap">
              <table class="table" aria-label="Revocation plans">
                <thead>
                  <tr>
                    <th scope="col">Plan</th>
                    <th scope="col">State</th>
                    <th scope="col">Jobs</th>
                    <th scope="col">Created</th>
                    <th scope="col">
                      <span class="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((plan) => (
                    <tr
                      key={plan.id}
                      class={plan.id === props.selectedPlanId ? 'row-selected' : undefined}
                      aria-current={plan.id === props.selectedPlanId ? 'true' : undefined}
                    >
                      <td class="cell-fill">
                        <div class="cell-main">
                          <PlanSubject plan={plan} />
                          <span class="cell-sub mono">{plan.id}</span>
                        </div>
                      </td>
                      <td>
                        <PlanStateBadge state={plan.state} />
                      </td>
                      <td class="cell-wrap">
                        <span class="badge-row">
                          {JOB_STATES.filter((s) => (plan.counts[s] ?? 0) > 0).map((s) => (
                            <Badge key={s} tone={JOB_STATE_LABELS[s].tone}>
                              {plan.counts[s]} {COUNT_WORDS[s]}
                            </Badge>
                          ))}
                        </span>
                      </td>
                      <td title={formatDateTime(plan.createdAt)}>
                        {formatRelative(plan.createdAt)}
                      </td>
                      <td class="num">
                        <div class="row-actions">
                          <Link
                            class="btn btn-sm btn-ghost"
                            href={`/revocations?planId=${plan.id}`}
                            aria-label={`Show the jobs of plan ${plan.id}`}
                          >
                            Jobs
                          </Link>
                          {canRevoke && plan.state === 'planned' && (
                            <button
                              type="button"
                              class="btn btn-sm btn-primary"
                              disabled={busy === plan.id}
                              onClick={() => act(plan, 'approve')}
                            >
                              Approve
                            </button>
                          )}
                          {canRevoke && retryableJobs(plan) > 0 && (
                            <button
                              type="button"
                              class="btn btn-sm"
                              disabled={busy === plan.id}
                              onClick={() => act(plan, 'retry')}
                            >
                              Retry failed
                            </button>
                          )}
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loaded>
    </section>
  )
}
