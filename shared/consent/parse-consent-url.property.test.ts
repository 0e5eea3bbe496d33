// Property tests: parseConsentUrl never throws and never hands back a secret, whatever it is given.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { IDP_RULES } from './idps/index.ts'
import { parseConsentUrl } from './parse-consent-url.ts'
import { SECRET_PARAMS } from './strip-secrets.ts'

const secret = fc.stringMatching(/^[A-Za-z0-9_-]{12,40}$/).map((s) => `S3CR3T${s}`)

const secretParam = fc.constantFrom(...SECRET_PARAMS)

/** A real example URL with secrets added to its query, its fragment and its redirect_uri. */
const urlWithSecrets = fc
  .record({
    base: fc.constantFrom(...IDP_RULES.flatMap((r) => r.examples)),
    name: secretParam,
    value: secret,
    inRedirect: fc.boolean(),
    inFragment: fc.boolean(),
  })
  .map(({ base, name, value, inRedirect, inFragment }) => {
    const url = new URL(base)
    if (inRedirect && url.searchParams.has('redirect_uri')) {
      const redirect = url.searchParams.get('redirect_uri') ?? ''
      const sep = redirect.includes('?') ? '&' : '?'
      url.searchParams.set('redirect_uri', `${redirect}${sep}${name}=${value}#${name}=${value}`)
    } else {
      url.searchParams.append(name, value)
    }
    if (inFragment) url.hash = `${name}=${value}`
    return { url: url.href, value }
  })

function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(allStrings)
  if (value && typeof value === 'object') return Object.values(value).flatMap(allStrings)
  return []
}

describe('parseConsentUrl on arbitrary input', () => {
  it('never throws on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => {
        parseConsentUrl(s)
      }),
      { numRuns: 3000 }
    )
  })

  it('never throws on web URLs with arbitrary query strings and malformed escapes', () => {
    const query = fc.array(
      fc.tuple(
        fc.constantFrom(
          'client_id',
          'scope',
          'redirect_uri',
          'response_type',
          'continue',
          'return_to',
          'x'
        ),
        fc.oneof(fc.string(), fc.constantFrom('%', '%E0%A4%A', '%zz', '%%%', '\u0000', 'https://%'))
      ),
      { maxLength: 6 }
    )
    fc.assert(
      fc.property(
        fc.constantFrom(
          'https://accounts.google.com/o/oauth2/v2/auth',
          'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
          'https://github.com/login',
          'https://acme.slack.com/oauth',
          'https://unknown.example/authorize',
          'ftp://x/',
          'javascript:alert(1)//',
          'data:text/html,',
          'HTTPS://ACCOUNTS.GOOGLE.COM/o/oauth2/auth'
        ),
        query,
        (base, pairs) => {
          const url = `${base}?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`
          parseConsentUrl(url)
        }
      ),
      { numRuns: 3000 }
    )
  })

  it('never throws on huge inputs and returns null beyond the size cap', () => {
    const huge = `https://accounts.google.com/o/oauth2/v2/auth?client_id=x&scope=${'a%20'.repeat(30_000)}`
    expect(() => parseConsentUrl(huge)).not.toThrow()
    expect(parseConsentUrl(huge)).toBeNull()
    const deep = `https://accounts.google.com/ServiceLogin?continue=${encodeURIComponent(
      'https://accounts.google.com/ServiceLogin?continue='.repeat(50)
    )}`
    expect(parseConsentUrl(deep)).toBeNull()
  })

  it.each([
    'mailto:a@b.c',
    'javascript:void(0)',
    'data:text/plain,client_id=1',
    'ftp://accounts.google.com/o/oauth2/auth?client_id=1',
    'chrome://settings',
    'about:blank',
    '',
  ])('returns null for the non-http input %s', (url) => {
    expect(parseConsentUrl(url)).toBeNull()
  })

  it('never returns a secret in any field', () => {
    fc.assert(
      fc.property(urlWithSecrets, ({ url, value }) => {
        const req = parseConsentUrl(url)
        expect(req).not.toBeNull()
        for (const s of allStrings(req)) expect(s).not.toContain(value)
      }),
      { numRuns: 2000 }
    )
  })
})
