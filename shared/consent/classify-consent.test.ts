// classifyConsent names the app without guessing, explains every scope and rates the risk.
import { describe, expect, it } from 'vitest'
import { classifyConsent } from './classify-consent.ts'
import { parseConsentUrl } from './parse-consent-url.ts'

function classify(url: string) {
  const req = parseConsentUrl(url)
  if (!req) throw new Error(`not a consent: ${url}`)
  return classifyConsent(req)
}

const googleAuth = (params: string) =>
  `https://accounts.google.com/o/oauth2/v2/auth?response_type=code&client_id=1-x.apps.googleusercontent.com&${params}`

describe('classifyConsent: the app', () => {
  it('recognises an AI tool by its published client id', () => {
    const c = classify(
      'https://github.com/login/oauth/authorize?client_id=Iv1.b507a08c87ecfe98&scope=read:user'
    )
    expect(c.app).toMatchObject({ matchedBy: 'client_id', toolId: 'github-copilot', isAi: true })
  })

  it('recognises an AI tool by its redirect host', () => {
    const c = classify(
      googleAuth('redirect_uri=https%3A%2F%2Fapp.fireflies.ai%2Foauth&scope=openid')
    )
    expect(c.app).toMatchObject({
      matchedBy: 'redirect_host',
      toolId: 'fireflies-ai',
      category: 'meeting_assistant',
    })
  })

  it('recognises an AI tool by a subdomain of its vendor domain', () => {
    const c = classify(
      googleAuth('redirect_uri=https%3A%2F%2Fapi.otter.ai%2Fgoogle%2Fcb&scope=openid')
    )
    expect(c.app).toMatchObject({ matchedBy: 'vendor_domain', toolId: 'otter-ai' })
  })

  it('reports an app it does not know as unknown and does not guess', () => {
    const c = classify(googleAuth('redirect_uri=https%3A%2F%2Fnotes-ai.example%2Fcb&scope=openid'))
    expect(c.app).toEqual({
      matchedBy: 'unknown',
      toolId: null,
      name: null,
      vendor: null,
      isAi: false,
      category: null,
    })
    expect(c.reasons).toContain('Unknown app: not in the AI-tool catalog')
  })

  it('does not match a look-alike domain', () => {
    const c = classify(
      googleAuth('redirect_uri=https%3A%2F%2Fotter.ai.evil.example%2Fcb&scope=openid')
    )
    expect(c.app.matchedBy).toBe('unknown')
  })
})

describe('classifyConsent: scopes and risk', () => {
  it('explains each scope in plain words', () => {
    const c = classify(
      googleAuth(
        'scope=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fdrive.readonly&redirect_uri=https://x.example/cb'
      )
    )
    expect(c.scopes).toEqual([
      expect.objectContaining({
        known: true,
        resource: 'Google Drive',
        access: 'read',
        description: 'Read all your Google Drive files',
      }),
    ])
    expect(c.risk).toBe('high')
  })

  it('rates sign-in only as low', () => {
    const c = classify(
      googleAuth('scope=openid%20email%20profile&redirect_uri=https://x.example/cb')
    )
    expect(c.risk).toBe('low')
    expect(c.reasons[0]).toMatch(/Unknown app|Sign-in only/)
  })

  it('rates offline access plus a broad write scope above the same scope online', () => {
    const online = classify(
      googleAuth(
        'scope=https://www.googleapis.com/auth/drive.file&redirect_uri=https://x.example/cb'
      )
    )
    const offline = classify(
      googleAuth(
        'scope=https://www.googleapis.com/auth/drive.file&access_type=offline&redirect_uri=https://x.example/cb'
      )
    )
    expect(['low', 'medium', 'high', 'critical'].indexOf(offline.risk)).toBeGreaterThan(
      ['low', 'medium', 'high', 'critical'].indexOf(online.risk)
    )
    expect(offline.reasons.join(' ')).toMatch(/offline access/)
  })

  it('rates full Gmail with offline access as critical', () => {
    const c = classify(
      googleAuth(
        'scope=https://mail.google.com/&access_type=offline&redirect_uri=https://x.example/cb'
      )
    )
    expect(c.risk).toBe('critical')
  })

  it('finds Microsoft Graph permissions written with their resource prefix', () => {
    const c = classify(
      'https://login.microsoftonline.com/common/oauth2/v2.0/authorize?client_id=0000&response_type=code&redirect_uri=https://x.example/cb&scope=https%3A%2F%2Fgraph.microsoft.com%2FMail.Read%20offline_access'
    )
    expect(c.scopes[0]).toMatchObject({ known: true, resource: 'Mail' })
    expect(c.scopes[1]).toMatchObject({ known: true, access: 'identity' })
  })

  it('raises admin consent because it grants for the whole organisation', () => {
    const user = classify(
      'https://login.microsoftonline.com/common/oauth2/v2.0/authorize?client_id=0000&response_type=code&redirect_uri=https://x.example/cb&scope=Calendars.Read'
    )
    const admin = classify(
      'https://login.microsoftonline.com/common/v2.0/adminconsent?client_id=0000&redirect_uri=https://x.example/cb&scope=Calendars.Read'
    )
    expect(admin.reasons[0]).toMatch(/Admin consent/)
    expect(['low', 'medium', 'high', 'critical'].indexOf(admin.risk)).toBeGreaterThan(
      ['low', 'medium', 'high', 'critical'].indexOf(user.risk)
    )
  })

  it('marks a scope missing from the catalog as unknown and at least medium', () => {
    const c = classify(
      googleAuth(
        'scope=https://www.googleapis.com/auth/not.a.real.scope&redirect_uri=https://x.example/cb'
      )
    )
    expect(c.scopes[0]).toMatchObject({ known: false, resource: 'Unknown' })
    expect(c.risk).toBe('medium')
  })

  it('warns about device code sign-ins', () => {
    const c = classify('https://microsoft.com/devicelogin')
    expect(c.risk).toBe('medium')
    expect(c.reasons[0]).toMatch(/phishing/)
  })

  it('explains Slack user scopes separately from bot scopes', () => {
    const c = classify(
      'https://slack.com/oauth/v2/authorize?client_id=1.2&scope=channels:history&user_scope=search:read'
    )
    expect(c.scopes.map((s) => [s.scope, s.audience, s.known])).toEqual([
      ['channels:history', 'scope', true],
      ['search:read', 'user_scope', true],
    ])
  })

  it('rates a GitHub App install, whose permissions are not in the URL, as at least high', () => {
    const c = classify('https://github.com/apps/some-agent/installations/new')
    expect(['high', 'critical']).toContain(c.risk)
  })
})
