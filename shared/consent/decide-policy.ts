// Which action the organisation's policy takes for a consent: a rule for the app, else its risk.
import { DEFAULT_RISK_POLICY, type Policy } from '../api/policy.ts'
import type { PolicyAction } from '../api/events.ts'
import type { ConsentClassification, ConsentRequest } from './types.ts'

export interface PolicyDecision {
  action: PolicyAction
  /** Why: the app's own rule, the risk level, or the built-in default (never synced). */
  basis: 'app_rule' | 'risk' | 'default'
}

export function decidePolicy(
  policy: Policy | null,
  req: ConsentRequest,
  classification: ConsentClassification
): PolicyDecision {
  // Signing in only is never blocked: it grants no data.
  if (req.kind === 'signin_only' && classification.risk === 'low')
    return { action: 'allow', basis: 'risk' }
  if (!policy) return { action: DEFAULT_RISK_POLICY[classification.risk], basis: 'default' }
  const appKey = req.clientId ?? (req.appSlug ? `app:${req.appSlug}` : null)
  const rule = appKey
    ? policy.apps.find((a) => a.provider === req.provider && a.clientId === appKey)
    : undefined
  if (rule) return { action: rule.action, basis: 'app_rule' }
  return { action: policy.byRisk[classification.risk], basis: 'risk' }
}
