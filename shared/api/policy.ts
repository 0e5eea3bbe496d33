// The consent policy an organisation sets and the extension enforces (GET /api/v1/policy).
import { z } from 'zod'
import { POLICY_ACTIONS } from './events.ts'

const action = z.enum(POLICY_ACTIONS)

export const RiskPolicy = z
  .object({ low: action, medium: action, high: action, critical: action })
  .strict()
export type RiskPolicy = z.infer<typeof RiskPolicy>

export const AppPolicyRule = z.object({
  provider: z.string(),
  clientId: z.string(),
  action,
})

export const Policy = z.object({
  /** Action by the consent's risk level, when no app rule applies. */
  byRisk: RiskPolicy,
  /** Per-app overrides, matched on provider + client id. */
  apps: z.array(AppPolicyRule),
  updatedAt: z.string().nullable(),
})
export type Policy = z.infer<typeof Policy>

/** What an organisation that never changed anything gets, and what a never-synced extension uses. */
export const DEFAULT_RISK_POLICY: RiskPolicy = {
  low: 'allow',
  medium: 'allow',
  high: 'warn',
  critical: 'justify',
}

export const SetAppPolicy = z.object({ action: action.nullable() }).strict()
