// Small labels: risk with its coloured dot, grant and sanction status, AI tag.
import type { ComponentChildren } from 'preact'
import type { GrantStatus, Risk } from '../api-types.ts'
import { capitalize } from '../format.ts'

export type Tone = 'neutral' | 'good' | 'warn' | 'bad' | 'info' | 'accent'

export function Badge({
  tone = 'neutral',
  children,
}: {
  tone?: Tone
  children: ComponentChildren
}) {
  return <span class={`badge tone-${tone}`}>{children}</span>
}

export function RiskDot({ risk }: { risk: Risk | null }) {
  return <span class={`risk-dot risk-${risk ?? 'none'}`} aria-hidden="true" />
}

export function RiskLabel({ risk }: { risk: Risk | null }) {
  if (!risk) return <span class="muted">—</span>
  return (
    <span class={`risk risk-text-${risk}`}>
      <RiskDot risk={risk} />
      {capitalize(risk)}
    </span>
  )
}

const STATUS: Record<GrantStatus, { label: string; tone: Tone }> = {
  active: { label: 'Active', tone: 'info' },
  denied: { label: 'Denied', tone: 'neutral' },
  revocation_pending: { label: 'Revoking', tone: 'warn' },
  revoked: { label: 'Revoked', tone: 'neutral' },
  revoke_failed: { label: 'Revoke failed', tone: 'bad' },
}

export function GrantStatusBadge({ status }: { status: GrantStatus }) {
  const s = STATUS[status] ?? { label: status, tone: 'neutral' as Tone }
  return <Badge tone={s.tone}>{s.label}</Badge>
}

export function AiTag() {
  return <Badge tone="accent">AI</Badge>
}

export function SanctionBadge(props: {
  sanctioned: boolean
  expired: boolean
  expiresAt?: string | null
}) {
  if (props.sanctioned && props.expired) return <Badge tone="bad">Expired</Badge>
  if (props.sanctioned) return <Badge tone="good">Sanctioned</Badge>
  return <Badge tone="warn">Unsanctioned</Badge>
}
