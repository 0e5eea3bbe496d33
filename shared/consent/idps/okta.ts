// Okta: org and custom authorization servers on any Okta cell, device activation, fromURI login pages.
import { buildRequest, subdomainOf, type IdpRule } from './rule.ts'

const SUFFIXES = ['.okta.com', '.oktapreview.com', '.okta-emea.com', '.okta-gov.com', '.okta.mil']
const AUTHORIZE = /^\/oauth2\/(?:([A-Za-z0-9_-]{1,64})\/)?v1\/authorize\/?$/

function orgOf(host: string): string | null {
  for (const suffix of SUFFIXES) {
    const sub = subdomainOf(host, suffix)
    if (sub) return sub
  }
  return null
}

export const okta: IdpRule = {
  provider: 'okta',
  hosts: [],
  hostSuffixes: SUFFIXES,
  pagesWithoutClientId: /^\/activate\/?$/,
  parse(url, params, ctx) {
    const path = url.pathname
    const tenant = orgOf(url.hostname)
    if (path === '/activate' || path === '/activate/') {
      return buildRequest('okta', url, params, { kind: 'device_code', clientId: null, tenant })
    }
    const match = AUTHORIZE.exec(path)
    if (match) {
      if (!params.has('client_id')) return null
      return buildRequest('okta', url, params, { tenant, audience: match[1] ?? null })
    }
    const from = params.get('fromURI')
    return from ? ctx.parseNested(from, url.origin) : null
  },
  examples: [
    'https://dev-133337.okta.com/oauth2/v1/authorize?client_id=0oabucvyc38HLL1ef0h7&response_type=code&scope=openid%20okta.users.read&redirect_uri=https%3A%2F%2Fexample.com&state=state-296bc9a0&code_challenge_method=S256&code_challenge=qjrzSW9gMiUgpUvqgEPE4_-8swvyCtfOVvg55o5S_es',
    'https://dev-133337.okta.com/oauth2/default/v1/authorize?client_id=0oabucvyc38HLL1ef0h7&response_type=code&scope=openid%20profile%20email&redirect_uri=https%3A%2F%2Fexample.com%2Flogin%2Fcallback&state=state-8600b31f',
    'https://acme.oktapreview.com/oauth2/aus9s7jb1s4AIkPzS1d7/v1/authorize?client_id=0oa8f9o1z7mSvEjYy1d7&response_type=code&scope=offline_access%20api%3Aread&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb&state=x',
    'https://acme.okta.com/activate',
  ],
}
