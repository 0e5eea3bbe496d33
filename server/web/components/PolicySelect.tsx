// A select of policy actions, with an optional "use the risk default" choice.
import type { PolicyAction } from '../api-types.ts'
import { POLICY_ACTIONS } from '../api-types.ts'

export const ACTION_LABELS: Record<PolicyAction, string> = {
  allow: 'Allow',
  warn: 'Warn',
  justify: 'Ask for a reason',
  block: 'Block',
}

export const ACTION_HINTS: Record<PolicyAction, string> = {
  allow: 'a small notice, no interruption',
  warn: 'Continue or Cancel',
  justify: 'continue only after giving a reason',
  block: 'no way on; the employee may request approval',
}

export function PolicySelect(props: {
  id?: string
  value: PolicyAction | null
  allowDefault?: boolean
  defaultLabel?: string
  disabled?: boolean
  onChange(value: PolicyAction | null): void
}) {
  return (
    <select
      id={props.id}
      class="select"
      value={props.value ?? ''}
      disabled={props.disabled}
      onChange={(e) => {
        const v = (e.currentTarget as HTMLSelectElement).value
        props.onChange(v ? (v as PolicyAction) : null)
      }}
    >
      {props.allowDefault && <option value="">{props.defaultLabel ?? 'Use risk default'}</option>}
      {POLICY_ACTIONS.map((a) => (
        <option key={a} value={a}>
          {ACTION_LABELS[a]}
        </option>
      ))}
    </select>
  )
}
