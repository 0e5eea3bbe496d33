// Match patterns generated from the IdP registry: the extension's host permissions, the pages its
// warning may appear on, and the requests it observes. They never drift from the parser.
import { IDP_RULES, type IdpRule } from './idps/index.ts'

function defaultPatterns(rule: IdpRule): string[] {
  return [
    ...rule.hosts.map((h) => `https://${h}/*`),
    ...(rule.hostSuffixes ?? []).map((s) => `https://*${s}/*`),
  ]
}

/** Pages where a consent can be shown: the content script's matches. */
export function consentPagePatterns(): string[] {
  return [...new Set(IDP_RULES.flatMap((r) => r.consentPages ?? defaultPatterns(r)))].sort()
}

/** Hosts whose redirects carry consent outcomes: the extension's host permissions. */
export function observedHostPatterns(): string[] {
  return [
    ...new Set(
      IDP_RULES.flatMap((r) =>
        r.observedHosts ? r.observedHosts.map((h) => `https://${h}/*`) : defaultPatterns(r)
      )
    ),
  ].sort()
}
