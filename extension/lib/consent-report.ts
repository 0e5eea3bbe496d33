// What of a parsed consent request leaves the browser: the report fields, no URL, no query string.
import type { ConsentRequestReport } from '../../shared/api/events.ts'
import type { ConsentRequest } from '../../shared/consent/types.ts'

export function toConsentReport(req: ConsentRequest): ConsentRequestReport {
  return {
    provider: req.provider,
    kind: req.kind,
    host: req.host,
    clientId: req.clientId,
    appSlug: req.appSlug,
    redirectHost: req.redirectHost,
    scopes: req.scopes,
    userScopes: req.userScopes,
    optionalScopes: req.optionalScopes,
    tenant: req.tenant,
    audience: req.audience,
    loginHint: req.loginHint,
    offlineAccess: req.offlineAccess,
    prompt: req.prompt,
    pkce: req.pkce,
  }
}

/** The request as the extension keeps it while a flow is open: redirect URI without any query. */
export function withoutQueries(req: ConsentRequest): ConsentRequest {
  if (!req.redirectUri) return req
  try {
    const url = new URL(req.redirectUri)
    url.search = ''
    url.hash = ''
    return { ...req, redirectUri: url.href }
  } catch {
    return { ...req, redirectUri: req.redirectUri.split(/[?#]/, 1)[0] ?? null }
  }
}
