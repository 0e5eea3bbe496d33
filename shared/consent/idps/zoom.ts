// Zoom: OAuth apps (user-managed and admin-managed) on zoom.us and ZoomGov.
import { buildRequest, type IdpRule } from './rule.ts'

export const zoom: IdpRule = {
  provider: 'zoom',
  hosts: ['zoom.us', 'www.zoom.us', 'zoomgov.com', 'www.zoomgov.com'],
  hostSuffixes: ['.zoom.us'],
  consentPages: [
    'https://zoom.us/oauth/*',
    'https://*.zoom.us/oauth/*',
    'https://zoomgov.com/oauth/*',
    'https://www.zoomgov.com/oauth/*',
  ],
  parse(url, params) {
    if (url.pathname !== '/oauth/authorize' || !params.has('client_id')) return null
    const req = buildRequest('zoom', url, params)
    return req.scopes.length === 0 ? { ...req, kind: 'consent' } : req
  },
  examples: [
    'https://zoom.us/oauth/authorize?response_type=code&client_id=7lstjK9NTyett_oeXtFiEQ&redirect_uri=https%3A%2F%2Fyourapp.com',
  ],
}
