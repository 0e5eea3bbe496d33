// What an app can do: each permission in plain words with its risk, the raw scope underneath.
import type { ExplainedScopeRow } from '../api-types.ts'
import { capitalize } from '../format.ts'
import { RiskDot } from './Badge.tsx'

export function ScopeList({ scopes }: { scopes: ExplainedScopeRow[] }) {
  if (scopes.length === 0)
    return <p class="muted">No permissions recorded: the app only signed people in.</p>
  return (
    <ul class="scope-list">
      {scopes.map((s) => (
        <li key={s.scope} class="scope-item">
          <RiskDot risk={s.risk} />
          <div class="scope-text">
            <span class="scope-desc">
              {s.description}
              {!s.known && <span class="muted"> (not in Consentry's catalog)</span>}
            </span>
            <span class="scope-meta">
              <span class={`risk-text-${s.risk}`}>{capitalize(s.risk)} risk</span>
              {s.resource && <span> · {s.resource}</span>}
              {s.access && <span> · {s.access}</span>}
              <code class="scope-raw">{s.scope}</code>
            </span>
          </div>
        </li>
      ))}
    </ul>
  )
}
