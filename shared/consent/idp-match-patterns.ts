// Match patterns of every identity-provider host in the registry: the extension's host permissions
// and content-script matches are generated from this, so they never drift from the parser.
import { IDP_RULES } from './idps/index.ts'

export function idpMatchPatterns(): string[] {
  const patterns = new Set<string>()
  for (const rule of IDP_RULES) {
    for (const host of rule.hosts) patterns.add(`https://${host}/*`)
    for (const suffix of rule.hostSuffixes ?? []) patterns.add(`https://*${suffix}/*`)
  }
  return [...patterns].sort()
}
