// The default action for each risk level, used when an app has no rule of its own.
import { useState } from 'preact/hooks'
import type { OrgPolicy, PolicyAction, Risk } from '../api-types.ts'
import { RISKS } from '../api-types.ts'
import { capitalize, formatDateTime } from '../format.ts'
import { useApi, usePermissions } from '../state.ts'
import { useResource } from '../use-resource.ts'
import { Badge, RiskDot } from './Badge.tsx'
import { ErrorBanner, Loaded } from './Feedback.tsx'
import { ACTION_HINTS, ACTION_LABELS, PolicySelect } from './PolicySelect.tsx'

export function RiskPolicyForm() {
  const api = useApi()
  const policy = useResource(() => api.getPolicy(), [])
  return (
    <section class="card" aria-labelledby="policy-defaults">
      <div class="card-header">
        <h2 id="policy-defaults">Policy defaults by risk</h2>
        {policy.data?.updatedAt && (
          <span class="muted">Changed {formatDateTime(policy.data.updatedAt)}</span>
        )}
      </div>
      <p class="muted card-intro">
        What the extension does when someone is about to grant access, by the consent's risk. An
        app's own rule (on its page) comes first.
      </p>
      <Loaded resource={policy} label="Loading the policy…" errorTitle="Could not load the policy">
        {(p) => <RiskPolicyEditor key={p.updatedAt ?? ''} policy={p} onSaved={policy.reload} />}
      </Loaded>
    </section>
  )
}

function RiskPolicyEditor({ policy, onSaved }: { policy: OrgPolicy; onSaved(): void }) {
  const api = useApi()
  const { canManage } = usePermissions()
  const [byRisk, setByRisk] = useState<Record<Risk, PolicyAction>>(policy.byRisk)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const changed = RISKS.some((r) => byRisk[r] !== policy.byRisk[r])
  async function save(event: Event) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await api.setRiskPolicy(byRisk)
      onSaved()
    } catch (e) {
      setError(e)
      setBusy(false)
    }
  }
  return (
    <form class="form" onSubmit={save}>
      <table class="table table-form">
        <thead>
          <tr>
            <th scope="col">Risk</th>
            <th scope="col">Action</th>
            <th scope="col">What the employee sees</th>
          </tr>
        </thead>
        <tbody>
          {[...RISKS].reverse().map((risk) => (
            <tr key={risk}>
              <td>
                <label for={`risk-${risk}`} class="risk">
                  <RiskDot risk={risk} />
                  {capitalize(risk)}
                </label>
              </td>
              <td>
                {canManage ? (
                  <PolicySelect
                    id={`risk-${risk}`}
                    value={byRisk[risk]}
                    onChange={(v) => v && setByRisk({ ...byRisk, [risk]: v })}
                  />
                ) : (
                  <Badge>{ACTION_LABELS[byRisk[risk]]}</Badge>
                )}
              </td>
              <td class="muted">{ACTION_HINTS[byRisk[risk]]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {error !== null && <ErrorBanner error={error} title="Could not save the policy" />}
      {canManage && (
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy || !changed}>
            {busy ? 'Saving…' : 'Save defaults'}
          </button>
          {changed && (
            <button type="button" class="btn btn-ghost" onClick={() => setByRisk(policy.byRisk)}>
              Undo changes
            </button>
          )}
        </div>
      )}
    </form>
  )
}
