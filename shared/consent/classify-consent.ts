// Says which app is asking, what each requested scope lets it do, and how risky the consent is.
import { findAiTool } from '../catalog/find-ai-tool.ts'
import { explainScope } from './explain-scope.ts'
import {
  RISK_LEVELS,
  type ConsentClassification,
  type ConsentRequest,
  type ExplainedScope,
  type RiskLevel,
} from './types.ts'

const rank = (r: RiskLevel) => RISK_LEVELS.indexOf(r)
const atLeast = (r: RiskLevel, floor: RiskLevel) => (rank(r) >= rank(floor) ? r : floor)
const bump = (r: RiskLevel): RiskLevel => RISK_LEVELS[Math.min(rank(r) + 1, 3)] ?? 'critical'

/** Providers whose authorization URLs never list permissions: they are fixed in the app. */
const FIXED_PERMISSION_PROVIDERS = new Set(['notion', 'box', 'zoom'])

function explainAll(req: ConsentRequest): ExplainedScope[] {
  return [
    ...req.scopes.map((s) => explainScope(req.provider, s, 'scope')),
    ...req.userScopes.map((s) => explainScope(req.provider, s, 'user_scope')),
    ...req.optionalScopes.map((s) => explainScope(req.provider, s, 'optional_scope')),
  ]
}

export function classifyConsent(req: ConsentRequest): ConsentClassification {
  const app = findAiTool(req)
  const scopes = explainAll(req)
  const reasons: string[] = []
  let risk: RiskLevel = 'low'

  const worst = scopes.reduce<ExplainedScope | null>(
    (w, s) => (w === null || rank(s.risk) > rank(w.risk) ? s : w),
    null
  )
  if (worst && worst.risk !== 'low') {
    risk = worst.risk
    reasons.push(`${worst.description} (${worst.scope})`)
  }
  const dataAccess = scopes.filter((s) => s.access === 'write' || s.access === 'admin')
  const broadResources = new Set(
    scopes.filter((s) => rank(s.risk) >= rank('high')).map((s) => s.resource)
  )

  if (req.kind === 'device_code') {
    risk = atLeast(risk, 'medium')
    reasons.unshift(
      'Device code sign-in: a common phishing technique; only continue if you started it'
    )
  }
  if (scopes.length === 0 && req.kind !== 'signin_only' && req.kind !== 'device_code') {
    const floor = req.kind === 'app_install' ? 'high' : 'medium'
    risk = atLeast(risk, floor)
    reasons.push(
      FIXED_PERMISSION_PROVIDERS.has(req.provider) || req.kind === 'app_install'
        ? "Permissions are set in the app's registration and are not listed in the request"
        : 'The request lists no scopes: the app gets the permissions configured for it'
    )
  }
  if (req.kind === 'admin_consent') {
    risk = bump(atLeast(risk, 'medium'))
    reasons.unshift('Admin consent: grants these permissions for everyone in the organisation')
  }
  if (req.kind === 'app_install' && dataAccess.length > 0) {
    risk = bump(risk)
    reasons.unshift('Installs the app for the whole workspace or organisation')
  }
  if (req.offlineAccess && rank(risk) >= rank('medium') && req.kind !== 'signin_only') {
    if (dataAccess.length > 0 || rank(risk) >= rank('high')) risk = bump(risk)
    reasons.push('Keeps access after you close it (offline access / refresh token)')
  }
  if (broadResources.size >= 3) {
    reasons.push(
      `Broad access across ${broadResources.size} services: ${[...broadResources].join(', ')}`
    )
  }
  const unknown = scopes.filter((s) => !s.known)
  if (unknown.length > 0) {
    risk = atLeast(risk, 'medium')
    reasons.push(`${unknown.length} permission(s) not in Consentry's catalog`)
  }
  if (app.isAi && rank(risk) >= rank('high')) {
    reasons.push(`${app.name} is an AI tool: the data it can reach may be sent to its models`)
  }
  if (app.matchedBy === 'unknown') reasons.push('Unknown app: not in the AI-tool catalog')
  if (reasons.length === 0) reasons.push('Sign-in only: the app learns who you are, nothing more')
  return { app, scopes, risk, reasons }
}
