// Every IdP rule recognises its own example URLs, and no other rule claims them.
import { describe, expect, it } from 'vitest'
import { IDP_RULES } from './index.ts'
import { findIdpRule, parseConsentUrl } from '../parse-consent-url.ts'

describe.each(IDP_RULES.map((rule) => [rule.provider, rule] as const))(
  '%s rule',
  (provider, rule) => {
    it('has at least one example URL', () => {
      expect(rule.examples.length).toBeGreaterThan(0)
    })

    it.each(rule.examples)('recognises its example %s', (url) => {
      const req = parseConsentUrl(url)
      expect(req?.provider).toBe(provider)
      expect(findIdpRule(new URL(url).hostname)).toBe(rule)
    })

    const others = IDP_RULES.filter((r) => r !== rule).flatMap((r) => r.examples)
    it.each(others)("does not claim another provider's example %s", (url) => {
      expect(findIdpRule(new URL(url).hostname)).not.toBe(rule)
      expect(parseConsentUrl(url)?.provider).not.toBe(provider)
    })
  }
)

describe('host registry', () => {
  it('gives every host and suffix to exactly one rule', () => {
    const seen = new Map<string, string>()
    for (const rule of IDP_RULES) {
      for (const key of [...rule.hosts, ...(rule.hostSuffixes ?? [])]) {
        expect(seen.get(key), `${key} claimed twice`).toBeUndefined()
        seen.set(key, rule.provider)
      }
    }
  })

  it('finds suffix rules for any subdomain depth', () => {
    expect(findIdpRule('acme.okta.com')?.provider).toBe('okta')
    expect(findIdpRule('a.b.my.salesforce.com')?.provider).toBe('salesforce')
    expect(findIdpRule('okta.com.evil.example')).toBeNull()
    expect(findIdpRule('notokta.com')).toBeNull()
  })
})
