// GitHub: OAuth app and GitHub App authorization, the login page that nests it, app installs, device flow.
import { buildRequest, splitScopes, type IdpRule } from './rule.ts'

const INSTALL_PATH =
  /^\/apps\/([A-Za-z0-9-]{1,100})\/installations\/(new|select_target)(\/permissions)?\/?$/

/** GitHub App client ids start with "Iv": its permissions are fixed in the app, not in a scope. */
function isGithubAppClient(clientId: string | null): boolean {
  return clientId !== null && clientId.startsWith('Iv')
}

export const github: IdpRule = {
  provider: 'github',
  hosts: ['github.com', 'www.github.com'],
  consentPages: [
    'https://github.com/login*',
    'https://github.com/apps/*/installations/*',
    'https://github.com/session*',
  ],
  observedHosts: ['github.com'],
  pagesWithoutClientId:
    /^\/(login\/device(\/select_account)?|apps\/[^/]+\/installations\/(new|select_target)(\/permissions)?)\/?$/,
  parse(url, params, ctx) {
    const path = url.pathname
    if (path === '/login/oauth/authorize' || path === '/login/oauth/select_account') {
      const clientId = params.get('client_id')
      if (!clientId) return null
      const scopes = splitScopes(params.get('scope'), true)
      const req = buildRequest('github', url, params, { scopes })
      if (isGithubAppClient(clientId)) return { ...req, kind: 'consent' }
      return scopes.length === 0 ? { ...req, kind: 'signin_only' } : req
    }
    if (path === '/login' || path === '/session') {
      const returnTo = params.get('return_to')
      return returnTo ? ctx.parseNested(returnTo, 'https://github.com') : null
    }
    if (path === '/login/device' || path === '/login/device/select_account') {
      return buildRequest('github', url, params, { kind: 'device_code', clientId: null })
    }
    const install = INSTALL_PATH.exec(path)
    if (install) {
      return buildRequest('github', url, params, {
        kind: 'app_install',
        clientId: null,
        appSlug: install[1] ?? null,
        tenant: params.get('target_id') || params.get('suggested_target_id') || null,
      })
    }
    return null
  },
  examples: [
    'https://github.com/login/oauth/authorize?client_id=Ov23liAbCdEf12345678&redirect_uri=https%3A%2F%2Fexample.com%2Fauth%2Fcallback&scope=repo%20read%3Aorg&state=abc123',
    'https://github.com/login/oauth/authorize?client_id=Iv1.8a61f9b3a7aba766&redirect_uri=https://app.example.com/github/callback&state=xyz',
    'https://github.com/login?client_id=Ov23liAbCdEf12345678&return_to=%2Flogin%2Foauth%2Fauthorize%3Fclient_id%3DOv23liAbCdEf12345678%26redirect_uri%3Dhttps%253A%252F%252Fexample.com%252Fcb%26scope%3Duser%253Aemail',
    'https://github.com/apps/coderabbitai/installations/new',
    'https://github.com/login/device',
  ],
}
