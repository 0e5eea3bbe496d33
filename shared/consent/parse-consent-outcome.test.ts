// The navigation after a consent says granted, denied, failed or nothing yet.
import { describe, expect, it } from 'vitest'
import { parseConsentOutcome } from './parse-consent-outcome.ts'
import { parseConsentUrl } from './parse-consent-url.ts'
import type { ConsentRequest } from './types.ts'

function req(url: string): ConsentRequest {
  const parsed = parseConsentUrl(url)
  if (!parsed) throw new Error(`fixture is not a consent: ${url}`)
  return parsed
}

const google = req(
  'https://accounts.google.com/o/oauth2/v2/auth?client_id=1.apps.googleusercontent.com&redirect_uri=https%3A%2F%2Fapp.example.com%2Foauth%2Fcallback&response_type=code&scope=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fdrive.readonly%20openid'
)
const graph = req(
  'https://login.microsoftonline.com/common/oauth2/v2.0/authorize?client_id=00001111-aaaa-2222-bbbb-3333cccc4444&response_type=code&redirect_uri=https%3A%2F%2Fapp.example.com%2Fms&scope=Mail.Read'
)
const adminConsent = req(
  'https://login.microsoftonline.com/common/adminconsent?client_id=6731de76-14a6-49ae-97bc-6eba6914391e&redirect_uri=https://app.example.com/permissions'
)
const slackNoRedirect = req('https://slack.com/oauth/v2/authorize?client_id=1.2&scope=chat:write')
const githubInstall = req('https://github.com/apps/coderabbitai/installations/new')

describe('parseConsentOutcome', () => {
  it.each([
    [
      'a code on the redirect_uri is a grant',
      google,
      'https://app.example.com/oauth/callback?code=4/0Ab&state=x',
      'granted',
    ],
    [
      'a trailing slash on the redirect_uri still matches',
      google,
      'https://app.example.com/oauth/callback/?code=4/0Ab',
      'granted',
    ],
    [
      'an implicit-flow token in the fragment is a grant',
      graph,
      'https://app.example.com/ms#access_token=eyJ&token_type=Bearer',
      'granted',
    ],
    [
      'error=access_denied is a denial',
      graph,
      'https://app.example.com/ms?error=access_denied&error_description=AADSTS65004',
      'denied',
    ],
    [
      'another OAuth error is a failure',
      google,
      'https://app.example.com/oauth/callback?error=invalid_scope',
      'failed',
    ],
    [
      'admin_consent=True is a grant',
      adminConsent,
      'https://app.example.com/permissions?admin_consent=True&tenant=abc',
      'granted',
    ],
    [
      'staying on the provider is no outcome yet',
      google,
      'https://accounts.google.com/signin/oauth/consent?client_id=1',
      'unknown',
    ],
    [
      'another page of the app is no outcome',
      google,
      'https://app.example.com/home?code=1',
      'unknown',
    ],
    [
      'an app without redirect_uri returning a code elsewhere is a grant',
      slackNoRedirect,
      'https://tool.example/slack/cb?code=123.456&state=s',
      'granted',
    ],
    [
      'a GitHub App setup URL with installation_id is a grant',
      githubInstall,
      'https://coderabbit.ai/setup?installation_id=42&setup_action=install',
      'granted',
    ],
    [
      'the installation settings page on GitHub is a grant',
      githubInstall,
      'https://github.com/organizations/acme/settings/installations/42',
      'granted',
    ],
    ['garbage is no outcome', google, 'not a url', 'unknown'],
  ] as const)('%s', (_name, request, url, expected) => {
    expect(parseConsentOutcome(url, request).outcome).toBe(expected)
  })

  it('reports the scopes Google says were granted, not the code', () => {
    const out = parseConsentOutcome(
      'https://app.example.com/oauth/callback?code=SECRETCODE&scope=openid%20https://www.googleapis.com/auth/drive.readonly',
      google
    )
    expect(out.grantedScopes).toEqual(['openid', 'https://www.googleapis.com/auth/drive.readonly'])
    expect(JSON.stringify(out)).not.toContain('SECRETCODE')
  })

  it('keeps only a well-formed error code, never free text', () => {
    const out = parseConsentOutcome(
      'https://app.example.com/ms?error=<script>alert(1)</script>',
      graph
    )
    expect(out).toEqual({ outcome: 'failed', error: 'invalid_error_code', grantedScopes: null })
  })
})
