// Google: OAuth 2.0 endpoints, the consent screens under /signin/oauth, nested continue= pages, device page.
import { buildRequest, type IdpRule } from './rule.ts'

const AUTH_PATHS = new Set([
  '/o/oauth2/v2/auth',
  '/o/oauth2/auth',
  '/o/oauth2/v2/auth/oauthchooseaccount',
  '/o/oauth2/auth/oauthchooseaccount',
  '/o/oauth2/v2/auth/identifier',
])
const NESTING_PARAMS = ['continue', 'followup', 'next'] as const

export const google: IdpRule = {
  provider: 'google',
  hosts: ['accounts.google.com', 'www.google.com', 'google.com'],
  consentPages: [
    'https://accounts.google.com/*',
    'https://www.google.com/device*',
    'https://google.com/device*',
  ],
  observedHosts: ['accounts.google.com'],
  pagesWithoutClientId: /^\/(device|o\/oauth2\/device\/usercode)\/?$/,
  parse(url, params, ctx) {
    const path = url.pathname
    if (url.hostname !== 'accounts.google.com') {
      return path === '/device'
        ? buildRequest('google', url, params, { kind: 'device_code', clientId: null })
        : null
    }
    const isAuthPage =
      AUTH_PATHS.has(path) ||
      path.startsWith('/signin/oauth') ||
      path.startsWith('/o/oauth2/v2/auth')
    // Login pages (/v3/signin/identifier...) often carry the whole request at the top level too.
    const carriesRequest = params.has('response_type') && params.has('redirect_uri')
    if (params.has('client_id') && (isAuthPage || carriesRequest)) {
      const req = buildRequest('google', url, params, { tenant: params.get('hd') || null })
      return isAuthPage ? req : { ...req, nested: true }
    }
    if (path === '/o/oauth2/device/usercode') {
      return buildRequest('google', url, params, { kind: 'device_code', clientId: null })
    }
    for (const name of NESTING_PARAMS) {
      const inner = params.get(name)
      if (inner) {
        const nested = ctx.parseNested(inner, 'https://accounts.google.com')
        if (nested) return nested
      }
    }
    return null
  },
  examples: [
    'https://accounts.google.com/o/oauth2/v2/auth?scope=https%3A//www.googleapis.com/auth/drive.metadata.readonly&access_type=offline&include_granted_scopes=true&response_type=code&state=state_parameter_passthrough_value&redirect_uri=https%3A//oauth2.example.com/code&client_id=client_id',
    'https://accounts.google.com/o/oauth2/auth?client_id=424911365001.apps.googleusercontent.com&response_type=code&scope=openid%20email&redirect_uri=https://oauth2.example.com/code&state=security_token%3D138r5719ru3e1%26url%3Dhttps%3A%2F%2Foauth2-login-demo.example.com%2FmyHome&login_hint=jsmith@example.com&nonce=0394852-3190485-2490358&hd=example.com',
    'https://accounts.google.com/signin/oauth/consent?authuser=0&part=AJi8hAPx&as=S1234&client_id=407408718192.apps.googleusercontent.com&rapt=AEjHL4M',
    'https://accounts.google.com/v3/signin/identifier?continue=https%3A%2F%2Faccounts.google.com%2Fo%2Foauth2%2Fv2%2Fauth%3Fclient_id%3D407408718192.apps.googleusercontent.com%26redirect_uri%3Dhttps%253A%252F%252Fdevelopers.google.com%252Foauthplayground%26response_type%3Dcode%26scope%3Dhttps%253A%252F%252Fmail.google.com%252F&flowName=GeneralOAuthFlow',
    'https://www.google.com/device',
  ],
}
