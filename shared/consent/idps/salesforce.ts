// Salesforce: web server and user-agent flows on login, test and My Domain hosts.
import { buildRequest, subdomainOf, type IdpRule } from './rule.ts'

const OFFLINE = new Set(['refresh_token', 'offline_access', 'full'])

export const salesforce: IdpRule = {
  provider: 'salesforce',
  hosts: ['login.salesforce.com', 'test.salesforce.com'],
  hostSuffixes: ['.my.salesforce.com'],
  parse(url, params) {
    if (url.pathname !== '/services/oauth2/authorize' || !params.has('client_id')) {
      return null
    }
    const req = buildRequest('salesforce', url, params, {
      tenant: subdomainOf(url.hostname, '.my.salesforce.com'),
    })
    // With no scope parameter Salesforce grants the scopes configured on the connected app.
    const offline = req.offlineAccess || req.scopes.some((s) => OFFLINE.has(s))
    return { ...req, offlineAccess: offline, kind: req.scopes.length === 0 ? 'consent' : req.kind }
  },
  examples: [
    'https://login.salesforce.com/services/oauth2/authorize?client_id=3MVG9lKcPoNINVBIPJjdw1J9LLM82HnFVVX19KY1uA5mu0QqEWhqKpoW3svG3X&redirect_uri=https://www.mycustomerorderstatus.com/oauth2/callback&response_type=code',
    'https://mycompany.my.salesforce.com/services/oauth2/authorize?response_type=code&client_id=3MVG9IHf89I1t8hrvswazsWedXWY0i1qK20PSFaInvUgLFB6vrcb9bbWFTSIHpO8G2jxBLJA6uZGyPFC5Aejq&redirect_uri=https://www.mycustomerorderstatus.com/oauth2/callback&scope=api%20refresh_token',
  ],
}
