// Dropbox: OAuth 2 authorize page, with scoped apps and offline (refresh token) access.
import { buildRequest, type IdpRule } from './rule.ts'

export const dropbox: IdpRule = {
  provider: 'dropbox',
  hosts: ['www.dropbox.com', 'dropbox.com'],
  consentPages: ['https://www.dropbox.com/oauth2/*', 'https://dropbox.com/oauth2/*'],
  parse(url, params) {
    if (url.pathname !== '/oauth2/authorize' || !params.has('client_id')) return null
    const req = buildRequest('dropbox', url, params, {
      offlineAccess: params.get('token_access_type') === 'offline',
    })
    return req.scopes.length === 0 ? { ...req, kind: 'consent' } : req
  },
  examples: [
    'https://www.dropbox.com/oauth2/authorize?client_id=MY_CLIENT_ID&redirect_uri=MY_REDIRECT_URI&response_type=code&token_access_type=offline',
    'https://www.dropbox.com/oauth2/authorize?client_id=abc123&response_type=code&token_access_type=offline&scope=files.content.read%20account_info.read&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb',
  ],
}
