// Asana: OAuth authorize page.
import { buildRequest, type IdpRule } from './rule.ts'

export const asana: IdpRule = {
  provider: 'asana',
  hosts: ['app.asana.com'],
  parse(url, params) {
    if (url.pathname !== '/-/oauth_authorize' || !params.has('client_id')) return null
    // Asana apps always receive a refresh token; no scope means the "default" full access.
    const req = buildRequest('asana', url, params, { offlineAccess: true })
    return req.scopes.length === 0 ? { ...req, kind: 'consent' } : req
  },
  examples: [
    'https://app.asana.com/-/oauth_authorize?client_id=753482910&redirect_uri=https%3A%2F%2Fmy.app.com&response_type=code&state=thisIsARandomString&code_challenge_method=S256&code_challenge=671608a33392cee13585063953a86d396dffd15222d83ef958f43a2804ac7fb2&scope=default',
  ],
}
