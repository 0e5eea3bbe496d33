// A breakdown as labelled horizontal bars (SVG widths, no inline styles), biggest share visible.
import type { ComponentChildren } from 'preact'
import { formatCount } from '../format.ts'

export interface BarItem {
  key: string
  label: ComponentChildren
  value: number
  tone?: string
}

export function BarList({ items, label }: { items: BarItem[]; label: string }) {
  const max = Math.max(1, ...items.map((i) => i.value))
  const total = items.reduce((sum, i) => sum + i.value, 0)
  return (
    <ul class="bar-list" aria-label={label}>
      {items.map((item) => {
        const share = total ? Math.round((item.value / total) * 100) : 0
        return (
          <li key={item.key} class="bar-item">
            <span class="bar-label">{item.label}</span>
            <svg
              class="bar-track"
              viewBox="0 0 100 8"
              preserveAspectRatio="none"
              aria-hidden="true"
            >
              <rect class="bar-bg" x="0" y="0" width="100" height="8" rx="2" />
              <rect
                class={`bar-fill ${item.tone ?? ''}`}
                x="0"
                y="0"
                width={(item.value / max) * 100}
                height="8"
                rx="2"
              />
            </svg>
            <span class="bar-value">
              {formatCount(item.value)}
              <span class="muted"> · {share}%</span>
            </span>
          </li>
        )
      })}
    </ul>
  )
}
