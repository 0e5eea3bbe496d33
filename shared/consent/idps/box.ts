// Box: OAuth 2.0 authorize page on account.box.com (and app.box.com).
import { buildRequest, type IdpRule } from './rule.ts'

export const box: IdpRule = {
  provider: 'box',
  hosts: ['account.box.com', 'app.box.com'],
  parse(url, params) {
    if (url.pathname !== '/api/oauth2/authorize' || !params.has('client_id')) return null
    const req = buildRequest('box', url, params)
    // Box apps always receive a refresh token, and their scopes are set in the app's config.
    return { ...req, offlineAccess: true, kind: req.scopes.length === 0 ? 'consent' : req.kind }
  },
  examples: [
    'https://account.box.com/api/oauth2/authorize?response_type=code&client_id=ly1nj6n11vionaie65emwzk575hnnmrk&redirect_uri=http://example.com/auth/callback',
  ],
}
