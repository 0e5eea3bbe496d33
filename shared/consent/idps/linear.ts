// Linear: OAuth 2.0 apps, including agent apps that act as themselves (actor=app).
import { buildRequest, splitScopes, type IdpRule } from './rule.ts'

export const linear: IdpRule = {
  provider: 'linear',
  hosts: ['linear.app'],
  parse(url, params) {
    if (url.pathname !== '/oauth/authorize' || !params.has('client_id')) return null
    const scopes = splitScopes(params.get('scope'), true)
    const actor = params.get('actor')
    // actor=app installs the app into the workspace, acting under its own name.
    const kind = actor === 'app' || actor === 'application' ? 'app_install' : undefined
    return buildRequest('linear', url, params, { scopes, ...(kind ? { kind } : {}) })
  },
  examples: [
    'https://linear.app/oauth/authorize?response_type=code&client_id=5f3b2c1a9d8e7f6a5b4c3d2e1f0a9b8c&redirect_uri=https%3A%2F%2Fexample.com%2Foauth%2Fcallback&state=SECURE_RANDOM&scope=read,write',
  ],
}
