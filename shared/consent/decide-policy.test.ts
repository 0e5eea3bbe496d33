// decidePolicy: app rules first, then the risk level, and a safe default before any sync.
import { describe, expect, it } from 'vitest'
import { classifyConsent } from './classify-consent.ts'
import { decidePolicy } from './decide-policy.ts'
import { parseConsentUrl } from './parse-consent-url.ts'
import type { Policy } from '../api/policy.ts'

const drive = parseConsentUrl(
  'https://accounts.google.com/o/oauth2/v2/auth?client_id=abc.apps.googleusercontent.com&response_type=code&redirect_uri=https://x.example/cb&scope=https://www.googleapis.com/auth/drive&access_type=offline'
)!
const signin = parseConsentUrl(
  'https://accounts.google.com/o/oauth2/v2/auth?client_id=abc.apps.googleusercontent.com&response_type=code&redirect_uri=https://x.example/cb&scope=openid%20email'
)!
const policy: Policy = {
  byRisk: { low: 'allow', medium: 'warn', high: 'justify', critical: 'block' },
  apps: [{ provider: 'google', clientId: 'abc.apps.googleusercontent.com', action: 'warn' }],
  updatedAt: '2026-11-23T00:00:00Z',
}

describe('decidePolicy', () => {
  it('uses the built-in default when the policy was never synced', () => {
    expect(decidePolicy(null, drive, classifyConsent(drive))).toEqual({
      action: 'justify',
      basis: 'default',
    })
  })

  it("prefers the app's own rule to its risk", () => {
    expect(decidePolicy(policy, drive, classifyConsent(drive))).toEqual({
      action: 'warn',
      basis: 'app_rule',
    })
  })

  it('falls back to the action for the risk level', () => {
    const other = { ...drive, clientId: 'other-app' }
    expect(decidePolicy(policy, other, classifyConsent(other))).toEqual({
      action: 'block',
      basis: 'risk',
    })
  })

  it('never stands in the way of a plain sign-in', () => {
    const strict: Policy = {
      ...policy,
      byRisk: { low: 'block', medium: 'block', high: 'block', critical: 'block' },
      apps: [],
    }
    expect(decidePolicy(strict, signin, classifyConsent(signin)).action).toBe('allow')
  })
})
