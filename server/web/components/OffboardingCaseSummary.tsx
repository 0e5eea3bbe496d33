// A person's offboarding case in brief (state, leaving day, what is still live, the latest
// revocation) with a link to the full case; nothing when the person has no case.
import { ApiError } from '../api.ts'
import type { OffboardingCase } from '../api-types.ts'
import { plural } from '../format.ts'
import { useApi } from '../state.ts'
import { useResource } from '../use-resource.ts'
import { CaseFacts } from './OffboardingCaseView.tsx'
import { ErrorBanner } from './Feedback.tsx'
import { PlanStateBadge } from './JobStateBadge.tsx'
import { Link } from './Link.tsx'

export function OffboardingCaseSummary({ personId }: { personId: string }) {
  const api = useApi()
  const kase = useResource(() => api.getLeaverCase(personId), [personId])
  if (kase.error) {
    if (kase.error instanceof ApiError && kase.error.status === 404) return null
    return (
      <ErrorBanner
        error={kase.error}
        title="Could not load the offboarding case"
        onRetry={kase.reload}
      />
    )
  }
  if (!kase.data?.case) return null
  return <CaseSummaryCard kase={kase.data} />
}

function CaseSummaryCard({ kase }: { kase: OffboardingCase }) {
  const latest = kase.plans?.[0]
  const total = latest ? Object.values(latest.counts).reduce((a, b) => a + (b ?? 0), 0) : 0
  return (
    <section class="card" aria-labelledby="offboarding-case">
      <div class="card-header">
        <h2 id="offboarding-case">Offboarding case</h2>
        <Link class="btn btn-primary btn-sm" href={`/leavers/${kase.person.id}`}>
          Open the case
        </Link>
      </div>
      <CaseFacts kase={kase} />
      <p class="muted">
        {plural(kase.toRevoke.length, 'grant')} to revoke,{' '}
        {plural(kase.followUps.length, 'manual follow-up')},{' '}
        {plural(kase.orphanedApps.length, 'orphaned app')}.
      </p>
      {latest && (
        <p class="plan-line">
          Latest revocation: <PlanStateBadge state={latest.state} /> {latest.counts.verified ?? 0}{' '}
          of {total} verified
          {(latest.counts.failed ?? 0) + (latest.counts.dead ?? 0) > 0 &&
            `, ${(latest.counts.failed ?? 0) + (latest.counts.dead ?? 0)} failed`}
        </p>
      )}
    </section>
  )
}
