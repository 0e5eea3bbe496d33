// An offboarding case's state as a label; open cases past their day also say "Overdue".
import type { CaseState } from '../api-types.ts'
import { CASE_STATE_LABELS, daysFromToday, isCaseOpen } from '../leavers-format.ts'
import { Badge, type Tone } from './Badge.tsx'

const TONES: Record<CaseState, Tone> = {
  open: 'info',
  in_progress: 'warn',
  done: 'good',
  cancelled: 'neutral',
}

export function CaseStateBadge(props: { state: CaseState; dueDate?: string | null; now?: Date }) {
  const overdue =
    isCaseOpen(props.state) && props.dueDate && (daysFromToday(props.dueDate, props.now) ?? 0) < 0
  return (
    <span class="badge-row">
      <Badge tone={TONES[props.state] ?? 'neutral'}>
        {CASE_STATE_LABELS[props.state] ?? props.state}
      </Badge>
      {overdue && <Badge tone="bad">Overdue</Badge>}
    </span>
  )
}
