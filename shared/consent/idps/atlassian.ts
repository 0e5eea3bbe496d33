// Atlassian: OAuth 2.0 (3LO) apps for Jira and Confluence.
import { buildRequest, type IdpRule } from './rule.ts'

export const atlassian: IdpRule = {
  provider: 'atlassian',
  hosts: ['auth.atlassian.com'],
  parse(url, params) {
    if (url.pathname !== '/authorize' || !params.has('client_id')) return null
    return buildRequest('atlassian', url, params, { audience: params.get('audience') || null })
  },
  examples: [
    'https://auth.atlassian.com/authorize?audience=api.atlassian.com&client_id=YOUR_CLIENT_ID&scope=read%3Ajira-work%20offline_access&redirect_uri=https%3A%2F%2Fexample.com%2Fcallback&state=YOUR_USER_BOUND_VALUE&response_type=code&prompt=consent',
  ],
}
