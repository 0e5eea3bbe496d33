// HubSpot: app install/authorization page, with required and optional scopes.
import { buildRequest, splitScopes, type IdpRule } from './rule.ts'

const AUTHORIZE = /^\/oauth(?:\/(\d{1,20}))?\/authorize\/?$/

export const hubspot: IdpRule = {
  provider: 'hubspot',
  hosts: ['app.hubspot.com', 'app-eu1.hubspot.com', 'app-na2.hubspot.com', 'app-ap1.hubspot.com'],
  parse(url, params) {
    const match = AUTHORIZE.exec(url.pathname)
    if (!match || !params.has('client_id')) return null
    const req = buildRequest('hubspot', url, params, {
      tenant: match[1] ?? null,
      optionalScopes: splitScopes(params.get('optional_scope')),
      offlineAccess: true,
    })
    return req.scopes.length === 0 ? { ...req, kind: 'consent' } : req
  },
  examples: [
    'https://app.hubspot.com/oauth/authorize?client_id=7fff1e36-2d40-4ae1-bbb1-5266d59564fb&scope=crm.objects.contacts.read%20crm.objects.contacts.write&optional_scope=automation&redirect_uri=https://www.example.com/',
  ],
}
