// parseConsentUrl against 200+ real URLs from providers' documentation and public code, and decoys.
import { describe, expect, it } from 'vitest'
import { CONSENT_URL_FIXTURES } from '../../test/fixtures/consent-urls.ts'
import { parseConsentUrl } from './parse-consent-url.ts'

const consents = CONSENT_URL_FIXTURES.filter((f) => f.expect !== null)
const decoys = CONSENT_URL_FIXTURES.filter((f) => f.expect === null)

describe('parseConsentUrl on real consent URLs', () => {
  it.each(consents.map((f) => [`${f.expect?.provider} ${f.expect?.kind}`, f.url, f] as const))(
    '%s: %s',
    (_label, url, fixture) => {
      expect(parseConsentUrl(url)).toMatchObject(fixture.expect ?? {})
    }
  )
})

describe('parseConsentUrl on decoys', () => {
  it.each(decoys.map((f) => [f.url, f] as const))('returns null for %s', (url) => {
    expect(parseConsentUrl(url)).toBeNull()
  })
})

describe('the fixture table', () => {
  it('covers every provider and every kind', () => {
    const providers = new Set(consents.map((f) => f.expect?.provider))
    const kinds = new Set(consents.map((f) => f.expect?.kind))
    expect(providers.size).toBe(15)
    expect(kinds).toEqual(
      new Set(['consent', 'admin_consent', 'signin_only', 'app_install', 'device_code'])
    )
    expect(CONSENT_URL_FIXTURES.length).toBeGreaterThanOrEqual(150)
  })
})
