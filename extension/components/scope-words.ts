// Plain words for a grant's scopes, shared by the popup and the warning.
import { explainScope } from '../../shared/consent/explain-scope.ts'
import type { Provider } from '../../shared/consent/types.ts'

export function scopeWords(provider: string, scopes: string[]): string[] {
  const words = scopes
    .map((s) => explainScope(provider as Provider, s))
    .filter((s) => s.access !== 'identity')
    .map((s) => s.description)
  return words.length ? [...new Set(words)] : ['Sign-in only']
}

export const PROVIDER_NAMES: Record<string, string> = {
  google: 'Google',
  microsoft: 'Microsoft',
  github: 'GitHub',
  slack: 'Slack',
  atlassian: 'Atlassian',
  salesforce: 'Salesforce',
  okta: 'Okta',
  notion: 'Notion',
  zoom: 'Zoom',
  dropbox: 'Dropbox',
  box: 'Box',
  hubspot: 'HubSpot',
  asana: 'Asana',
  linear: 'Linear',
  other: 'other',
}
