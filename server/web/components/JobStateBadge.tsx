// Revocation job and plan states as labels: verified good, failed and dead bad, in flight info.
import type { JobState, PlanState } from '../api-types.ts'
import { Badge, type Tone } from './Badge.tsx'

export const JOB_STATE_LABELS: Record<JobState, { label: string; tone: Tone }> = {
  planned: { label: 'Planned', tone: 'neutral' },
  approved: { label: 'Approved', tone: 'info' },
  running: { label: 'Running', tone: 'info' },
  revoked: { label: 'Revoked, verifying', tone: 'info' },
  verified: { label: 'Verified gone', tone: 'good' },
  failed: { label: 'Failed, will retry', tone: 'bad' },
  dead: { label: 'Gave up', tone: 'bad' },
  needs_decision: { label: 'Needs a decision', tone: 'warn' },
  cancelled: { label: 'Cancelled', tone: 'neutral' },
}

const PLAN_STATE_LABELS: Record<PlanState, { label: string; tone: Tone }> = {
  planned: { label: 'Waiting for approval', tone: 'warn' },
  approved: { label: 'Approved', tone: 'info' },
  running: { label: 'Running', tone: 'info' },
  done: { label: 'Done', tone: 'good' },
  cancelled: { label: 'Cancelled', tone: 'neutral' },
}

export function JobStateBadge({ state }: { state: JobState }) {
  const s = JOB_STATE_LABELS[state] ?? { label: state, tone: 'neutral' as Tone }
  return <Badge tone={s.tone}>{s.label}</Badge>
}

export function PlanStateBadge({ state }: { state: PlanState }) {
  const s = PLAN_STATE_LABELS[state] ?? { label: state, tone: 'neutral' as Tone }
  return <Badge tone={s.tone}>{s.label}</Badge>
}
