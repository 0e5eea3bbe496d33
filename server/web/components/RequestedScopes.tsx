// The scopes an employee asked for, explained in plain words with the shared scope catalog.
import { explainScope } from '../../../shared/consent/explain-scope.ts'
import type { Provider } from '../../../shared/consent/types.ts'
import type { ExplainedScopeRow, Risk } from '../api-types.ts'
import { ScopeList } from './ScopeList.tsx'

const RANK: Record<Risk, number> = { critical: 0, high: 1, medium: 2, low: 3 }

export function explainScopes(provider: string, scopes: string[]): ExplainedScopeRow[] {
  return scopes
    .map((scope) => {
      const e = explainScope(provider as Provider, scope)
      return {
        scope,
        known: e.known,
        resource: e.resource,
        access: e.access,
        description: e.description,
        risk: e.risk,
      }
    })
    .sort((a, b) => RANK[a.risk] - RANK[b.risk])
}

export function RequestedScopes({ provider, scopes }: { provider: string; scopes: string[] }) {
  return <ScopeList scopes={explainScopes(provider, scopes)} />
}
