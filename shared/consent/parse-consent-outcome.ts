// Reads the navigation that follows a consent: granted, denied, failed, or not (yet) an outcome.
import type { ConsentRequest } from './types.ts'
import { splitScopes } from './idps/rule.ts'

export type ConsentOutcomeKind = 'granted' | 'denied' | 'failed' | 'unknown'

export interface ConsentOutcome {
  outcome: ConsentOutcomeKind
  /** The OAuth error code (access_denied, invalid_scope...), never its free-text description. */
  error: string | null
  /** Scopes the provider says were granted, where it says so (Google's granular consent). */
  grantedScopes: string[] | null
}

const UNKNOWN: ConsentOutcome = { outcome: 'unknown', error: null, grantedScopes: null }
const DENIAL_ERRORS = new Set([
  'access_denied',
  'user_cancelled',
  'user_canceled',
  'consent_denied',
])
const GRANT_PARAMS = ['code', 'access_token', 'id_token', 'installation_id'] as const

function sameEndpoint(url: URL, redirectUri: string): boolean {
  let target: URL
  try {
    target = new URL(redirectUri)
  } catch {
    return false
  }
  const trim = (p: string) => p.replace(/\/+$/, '')
  return (
    url.protocol === target.protocol &&
    url.host === target.host &&
    trim(url.pathname) === trim(target.pathname)
  )
}

function isReturnToApp(url: URL, req: ConsentRequest): boolean {
  if (req.redirectUri && sameEndpoint(url, req.redirectUri)) return true
  // No redirect_uri in the request: the app's registered callback, which is any other site.
  if (!req.redirectUri) return url.hostname !== req.host
  return false
}

function errorCode(value: string | null): string | null {
  if (!value) return null
  return /^[A-Za-z0-9_.-]{1,64}$/.test(value) ? value.toLowerCase() : 'invalid_error_code'
}

/** Given a URL navigated to after `req`, say what became of the consent. */
export function parseConsentOutcome(url: string, req: ConsentRequest): ConsentOutcome {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return UNKNOWN
  }
  // GitHub shows an installation's settings when an app has no setup URL.
  if (
    req.kind === 'app_install' &&
    req.provider === 'github' &&
    parsed.hostname === req.host &&
    /^\/(organizations\/[^/]+\/)?settings\/installations\/\d+/.test(parsed.pathname)
  ) {
    return { outcome: 'granted', error: null, grantedScopes: null }
  }
  if (!isReturnToApp(parsed, req)) return UNKNOWN
  const params = new URLSearchParams(parsed.search)
  if (parsed.hash.length > 1) {
    for (const [k, v] of new URLSearchParams(parsed.hash.slice(1))) params.append(k, v)
  }
  const error = errorCode(params.get('error'))
  if (error) {
    return { outcome: DENIAL_ERRORS.has(error) ? 'denied' : 'failed', error, grantedScopes: null }
  }
  const adminConsent = params.get('admin_consent')
  if (adminConsent !== null) {
    const granted = adminConsent.toLowerCase() === 'true'
    return { outcome: granted ? 'granted' : 'denied', error: null, grantedScopes: null }
  }
  if (GRANT_PARAMS.some((p) => params.has(p))) {
    const scope = params.get('scope')
    return {
      outcome: 'granted',
      error: null,
      grantedScopes: scope === null ? null : splitScopes(scope, req.provider === 'github'),
    }
  }
  return UNKNOWN
}
