// Microsoft identity platform: v2.0 and v1 authorize, admin consent, MSA, B2C and device code pages.
import { buildRequest, subdomainOf, type IdpRule } from './rule.ts'

const DEVICE_HOSTS = new Set(['microsoft.com', 'www.microsoft.com'])

export const microsoft: IdpRule = {
  provider: 'microsoft',
  hosts: [
    'login.microsoftonline.com',
    'login.microsoft.com',
    'login.windows.net',
    'login.microsoftonline.us',
    'login.chinacloudapi.cn',
    'login.partner.microsoftonline.cn',
    'login.live.com',
    'microsoft.com',
    'www.microsoft.com',
  ],
  consentPages: [
    'https://login.microsoftonline.com/*',
    'https://login.microsoft.com/*',
    'https://login.windows.net/*',
    'https://login.microsoftonline.us/*',
    'https://login.chinacloudapi.cn/*',
    'https://login.partner.microsoftonline.cn/*',
    'https://login.live.com/*',
    'https://microsoft.com/devicelogin*',
    'https://www.microsoft.com/devicelogin*',
    'https://*.b2clogin.com/*',
    'https://*.ciamlogin.com/*',
  ],
  observedHosts: [
    'login.microsoftonline.com',
    'login.microsoft.com',
    'login.windows.net',
    'login.microsoftonline.us',
    'login.chinacloudapi.cn',
    'login.partner.microsoftonline.cn',
    'login.live.com',
    '*.b2clogin.com',
    '*.ciamlogin.com',
  ],
  hostSuffixes: ['.b2clogin.com', '.ciamlogin.com'],
  pagesWithoutClientId: /^\/(devicelogin|device|[^/]+\/oauth2\/deviceauth)\/?$/i,
  parse(url, params) {
    const host = url.hostname
    const path = url.pathname.toLowerCase()
    if (DEVICE_HOSTS.has(host)) {
      return path === '/devicelogin' || path.startsWith('/devicelogin/')
        ? buildRequest('microsoft', url, params, { kind: 'device_code', clientId: null })
        : null
    }
    if (path === '/device' || path.endsWith('/oauth2/deviceauth') || path === '/devicelogin') {
      return buildRequest('microsoft', url, params, { kind: 'device_code', clientId: null })
    }
    if (!params.has('client_id')) return null
    if (host === 'login.live.com') {
      return path === '/oauth20_authorize.srf' ? buildRequest('microsoft', url, params) : null
    }
    const segments = url.pathname.split('/').filter(Boolean)
    const b2c = host.endsWith('.b2clogin.com') || host.endsWith('.ciamlogin.com')
    const tenant = b2c
      ? ((segments[0] === 'tfp' ? segments[1] : segments[0]) ?? subdomainOf(host, '.b2clogin.com'))
      : segments[0]
    const prompt = params.get('prompt')
    if (path.endsWith('/adminconsent')) {
      return buildRequest('microsoft', url, params, {
        kind: 'admin_consent',
        tenant: tenant ?? null,
      })
    }
    if (path.endsWith('/oauth2/v2.0/authorize')) {
      const base = buildRequest('microsoft', url, params, { tenant: tenant ?? null })
      return prompt === 'admin_consent' ? { ...base, kind: 'admin_consent' } : base
    }
    if (path.endsWith('/oauth2/authorize')) {
      const resource = params.get('resource')
      const base = buildRequest('microsoft', url, params, {
        tenant: tenant ?? null,
        audience: resource || null,
      })
      // v1 permissions are fixed in the app registration: a resource means data access.
      if (prompt === 'admin_consent') return { ...base, kind: 'admin_consent' }
      return resource && base.kind === 'signin_only' ? { ...base, kind: 'consent' } : base
    }
    return null
  },
  examples: [
    'https://login.microsoftonline.com/common/oauth2/v2.0/authorize?client_id=00001111-aaaa-2222-bbbb-3333cccc4444&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%2Fmyapp%2F&response_mode=query&scope=https%3A%2F%2Fgraph.microsoft.com%2Fmail.read&state=12345&code_challenge=YTFjNjI1OWYzMzA3MTI4ZDY2Njg5M2RkNmVjNDE5YmEyZGRhOGYyM2IzNjdmZWFhMTQ1ODg3NDcxY2Nl&code_challenge_method=S256',
    'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/authorize?client_id=6731de76-14a6-49ae-97bc-6eba6914391e&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A12345&response_mode=query&resource=https%3A%2F%2Fservice.contoso.com%2F&state=12345',
    'https://login.microsoftonline.com/common/adminconsent?client_id=6731de76-14a6-49ae-97bc-6eba6914391e&state=12345&redirect_uri=http://localhost/myapp/permissions',
    'https://login.microsoftonline.com/organizations/v2.0/adminconsent?client_id=00001111-aaaa-2222-bbbb-3333cccc4444&scope=https://graph.microsoft.com/Calendars.Read%20https://graph.microsoft.com/Mail.Send&redirect_uri=http://localhost/myapp/permissions&state=12345',
    'https://microsoft.com/devicelogin',
    'https://login.live.com/oauth20_authorize.srf?client_id=000000004C12345A&scope=wl.signin%20wl.offline_access&response_type=code&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb',
    'https://contosob2c.b2clogin.com/contosob2c.onmicrosoft.com/B2C_1_sign_in/oauth2/v2.0/authorize?client_id=90c0fe63-bcf2-44d5-8fb7-b8bbc0b29dc6&response_type=code&redirect_uri=https%3A%2F%2Fjwt.ms&response_mode=query&scope=openid%20offline_access&state=arbitrary_data_you_can_receive_in_the_response',
  ],
}
