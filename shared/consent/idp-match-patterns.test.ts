// The generated match patterns cover every example consent URL and nothing as broad as a product.
import { describe, expect, it } from 'vitest'
import { IDP_RULES } from './idps/index.ts'
import { consentPagePatterns, observedHostPatterns } from './idp-match-patterns.ts'

/** Chrome's match-pattern semantics, enough for https patterns with * in host and path. */
function matches(pattern: string, url: string): boolean {
  const m = /^https:\/\/(\*\.)?([^/]+)(\/.*)$/.exec(pattern)
  if (!m) throw new Error(`bad pattern ${pattern}`)
  const u = new URL(url)
  const hostOk = m[1] ? u.hostname === m[2] || u.hostname.endsWith(`.${m[2]}`) : u.hostname === m[2]
  const path = new RegExp(
    `^${(m[3] ?? '').replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`
  )
  return u.protocol === 'https:' && hostOk && path.test(u.pathname + u.search)
}

describe('consent page patterns', () => {
  const patterns = consentPagePatterns()
  it.each(IDP_RULES.flatMap((r) => r.examples))('cover the example %s', (url) => {
    expect(patterns.some((p) => matches(p, url))).toBe(true)
  })

  it.each([
    'https://www.google.com/search?q=x',
    'https://github.com/acme/repo',
    'https://www.microsoft.com/en-us/',
    'https://www.dropbox.com/home',
    'https://www.notion.so/acme/Page-123',
  ])('leave the ordinary page %s alone', (url) => {
    expect(patterns.some((p) => matches(p, url))).toBe(false)
  })
})

describe('observed host patterns', () => {
  it('include every host whose consent redirects carry an outcome, and no search or marketing host', () => {
    const hosts = observedHostPatterns()
    expect(hosts).toContain('https://accounts.google.com/*')
    expect(hosts).toContain('https://login.microsoftonline.com/*')
    expect(hosts).toContain('https://*.okta.com/*')
    expect(hosts).not.toContain('https://www.google.com/*')
    expect(hosts).not.toContain('https://www.microsoft.com/*')
  })
})
