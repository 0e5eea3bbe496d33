// One headline number with its label and a line of context, optionally linking to the detail.
import type { ComponentChildren } from 'preact'
import { formatCount } from '../format.ts'
import { Link } from './Link.tsx'

export function StatCard(props: {
  label: string
  value: number | undefined
  hint?: ComponentChildren
  href?: string
  tone?: 'warn' | 'bad'
}) {
  const body = (
    <>
      <span class="stat-label">{props.label}</span>
      <span class="stat-value">{formatCount(props.value)}</span>
      {props.hint && <span class="stat-hint">{props.hint}</span>}
    </>
  )
  const cls = `stat${props.tone ? ` stat-${props.tone}` : ''}`
  return props.href ? (
    <Link class={`${cls} stat-link`} href={props.href}>
      {body}
    </Link>
  ) : (
    <div class={cls}>{body}</div>
  )
}
