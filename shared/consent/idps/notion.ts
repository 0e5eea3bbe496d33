// Notion: public integrations; capabilities are fixed in the integration, the URL carries no scope.
import { buildRequest, type IdpRule } from './rule.ts'

export const notion: IdpRule = {
  provider: 'notion',
  hosts: ['api.notion.com', 'www.notion.so', 'notion.so'],
  consentPages: [
    'https://api.notion.com/v1/oauth/*',
    'https://www.notion.so/install-integration*',
    'https://notion.so/install-integration*',
  ],
  parse(url, params) {
    const path = url.pathname
    const isAuthorize =
      (url.hostname === 'api.notion.com' && path === '/v1/oauth/authorize') ||
      (url.hostname !== 'api.notion.com' && path === '/install-integration')
    if (!isAuthorize || !params.has('client_id')) return null
    return buildRequest('notion', url, params, { kind: 'consent', tenant: null })
  },
  examples: [
    'https://api.notion.com/v1/oauth/authorize?client_id=463558a3-725e-4f37-b6d3-0889894f68de&response_type=code&owner=user&redirect_uri=https%3A%2F%2Fexample.com%2Fauth%2Fnotion%2Fcallback',
    'https://www.notion.so/install-integration?response_type=code&client_id=463558a3-725e-4f37-b6d3-0889894f68de&redirect_uri=https%3A%2F%2Fexample.com%2Fcb&owner=user&state=',
  ],
}
