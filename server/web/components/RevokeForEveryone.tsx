// "Revoke for everyone" on an app: plan the revocation of every live grant (a dry run), show what
// it covers and leaves out, then approve it, by a second person when the organisation requires it.
import { useState } from 'preact/hooks'
import type { AppGrantRow, PlannedRevocation } from '../api-types.ts'
import { ApiError } from '../api.ts'
import { plural } from '../format.ts'
import { Dialog } from './Dialog.tsx'
import { ErrorBanner, Loading } from './Feedback.tsx'
import { Link } from './Link.tsx'
import { useApi } from '../state.ts'

type Step =
  | { kind: 'planning' }
  | { kind: 'planned'; plan: PlannedRevocation }
  | { kind: 'approving'; plan: PlannedRevocation }
  | { kind: 'approved'; plan: PlannedRevocation }
  | { kind: 'needs_second'; plan: PlannedRevocation }
  | { kind: 'failed'; plan: PlannedRevocation | null; error: unknown }

export function RevokeForEveryone(props: {
  appId: string
  appName: string
  grants: AppGrantRow[]
  onChanged(): void
}) {
  const api = useApi()
  const [step, setStep] = useState<Step | null>(null)

  async function plan() {
    setStep({ kind: 'planning' })
    try {
      setStep({
        kind: 'planned',
        plan: await api.planRevocation({ scope: 'app', appId: props.appId }),
      })
    } catch (error) {
      setStep({ kind: 'failed', plan: null, error })
    }
  }

  async function approve(planned: PlannedRevocation) {
    setStep({ kind: 'approving', plan: planned })
    try {
      await api.approveRevocationPlan(planned.planId)
      setStep({ kind: 'approved', plan: planned })
      props.onChanged()
    } catch (error) {
      if (error instanceof ApiError && error.code === 'second_approver_required')
        setStep({ kind: 'needs_second', plan: planned })
      else setStep({ kind: 'failed', plan: planned, error })
    }
  }

  const planned = step && 'plan' in step ? step.plan : null
  const close = () => setStep(null)
  return (
    <>
      <button type="button" class="btn btn-danger" onClick={plan}>
        Revoke for everyone
      </button>
      {step && (
        <Dialog
          title={`Revoke ${props.appName} for everyone`}
          onClose={close}
          wide
          footer={
            <>
              <button type="button" class="btn" onClick={close}>
                Close
              </button>
              {(step.kind === 'planned' || step.kind === 'approving') && (
                <button
                  type="button"
                  class="btn btn-danger"
                  disabled={step.kind === 'approving'}
                  onClick={() => approve(step.plan)}
                >
                  {step.kind === 'approving' ? 'Approving…' : 'Approve'}
                </button>
              )}
            </>
          }
        >
          {step.kind === 'planning' && <Loading label="Planning the revocation…" rows={3} />}
          {planned && <DryRun plan={planned} grants={props.grants} />}
          {step.kind === 'planned' && (
            <p class="muted">
              Nothing is revoked until the plan is approved. If you close this, the plan waits on
              the Revocations page.
            </p>
          )}
          {step.kind === 'approved' && (
            <div class="alert alert-ok" role="status">
              <div class="alert-body">
                <strong>Approved: the revocations are running</strong>
                <span>
                  Each grant is revoked at its provider, then checked until verified gone.
                </span>
              </div>
            </div>
          )}
          {step.kind === 'needs_second' && (
            <div class="alert alert-warn" role="alert">
              <div class="alert-body">
                <strong>A second admin must approve this plan</strong>
                <span>
                  Your organisation requires two people for a revocation: you planned this one, so
                  another owner, admin or offboarding admin approves it from the Revocations page.
                  The plan is saved and waits there.
                </span>
              </div>
            </div>
          )}
          {step.kind === 'failed' && (
            <ErrorBanner
              error={step.error}
              title={step.plan ? 'Could not approve the plan' : 'Could not plan the revocation'}
            />
          )}
          {planned && step.kind !== 'planned' && step.kind !== 'approving' && (
            <p>
              <Link href={`/revocations?planId=${planned.planId}`} class="plain-link">
                Follow this plan on the Revocations page →
              </Link>
            </p>
          )}
        </Dialog>
      )}
    </>
  )
}

function DryRun({ plan, grants }: { plan: PlannedRevocation; grants: AppGrantRow[] }) {
  const who = new Map(grants.map((g) => [g.id, g.personEmail ?? g.account]))
  return (
    <div class="stack">
      <p>
        <strong>{plural(plan.jobs, 'grant')}</strong> will be revoked at the provider and then
        verified gone.
      </p>
      {plan.skipped.length > 0 && (
        <div>
          <p>
            <strong>{plural(plan.skipped.length, 'grant')} left out</strong>, to follow up by hand:
          </p>
          <ul class="plain-list">
            {plan.skipped.map((s) => (
              <li key={s.grantId}>
                <span class="strong">{who.get(s.grantId) ?? 'A grant'}</span>
                <span class="muted">: {s.reason}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  )
}
