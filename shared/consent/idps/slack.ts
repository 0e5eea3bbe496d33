// Slack: OAuth v2 app installs, workspace-hosted consent pages, legacy OAuth and Sign in with Slack.
import { buildRequest, isIdentityOnly, splitScopes, subdomainOf, type IdpRule } from './rule.ts'
import type { ConsentKind } from '../types.ts'

const AUTHORIZE_PATHS = new Set([
  '/oauth/v2/authorize',
  '/oauth/v2_user/authorize',
  '/oauth/authorize',
  '/oauth',
  '/oauth/v2',
])
const NOT_WORKSPACES = new Set(['app', 'www', 'api', 'edgeapi'])

export const slack: IdpRule = {
  provider: 'slack',
  hosts: ['slack.com', 'app.slack.com'],
  hostSuffixes: ['.slack.com'],
  parse(url, params) {
    const path = url.pathname.replace(/\/+$/, '') || '/'
    const clientId = params.get('client_id')
    if (!clientId) return null
    const sub = subdomainOf(url.hostname, '.slack.com')
    const tenant = params.get('team') || (sub && !NOT_WORKSPACES.has(sub) ? sub : null)
    if (path === '/openid/connect/authorize') {
      return buildRequest('slack', url, params, { tenant, kind: 'signin_only' })
    }
    if (!AUTHORIZE_PATHS.has(path)) return null
    const scopes = splitScopes(params.get('scope'), true)
    const userScopes = splitScopes(params.get('user_scope'), true)
    const all = [...scopes, ...userScopes]
    let kind: ConsentKind
    if (isIdentityOnly(all)) kind = 'signin_only'
    else if (path === '/oauth/authorize') kind = scopes.includes('bot') ? 'app_install' : 'consent'
    else kind = scopes.length > 0 ? 'app_install' : 'consent'
    return buildRequest('slack', url, params, { scopes, userScopes, tenant, kind })
  },
  examples: [
    'https://slack.com/oauth/v2/authorize?scope=incoming-webhook,commands&client_id=3336676.569200954261&redirect_uri=https%3A%2F%2Fexample.com%2Fslack%2Foauth',
    'https://slack.com/oauth/v2/authorize?client_id=3336676.569200954261&scope=chat:write,channels:history&user_scope=search:read&team=T0123ABC',
    'https://acme.slack.com/oauth?client_id=3336676.569200954261&scope=channels%3Ahistory%2Cchat%3Awrite&user_scope=&redirect_uri=https%3A%2F%2Fapp.example.com%2Fslack&state=abc&granular_bot_scope=1&single_channel=0',
    'https://slack.com/oauth/authorize?scope=identity.basic&client_id=3336676.569200954261',
    'https://slack.com/openid/connect/authorize?response_type=code&scope=openid%20profile%20email&client_id=3336676.569200954261&state=af0ifjsldkj&nonce=abcd&redirect_uri=https%3A%2F%2Fexample.com',
  ],
}
