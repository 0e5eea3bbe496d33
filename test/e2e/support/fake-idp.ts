// Local pages standing in for identity providers' consent screens and for the apps' callbacks,
// served over HTTPS for every host Chromium maps to 127.0.0.1.
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { createTestCertificate } from './tls.ts'

export const IDP_HOSTS = ['accounts.google.com', 'login.microsoftonline.com']
export const APP_HOSTS = ['app.fireflies.ai', 'otter.ai', 'notes.example']

const CONSENT_PATHS = new Set(['/o/oauth2/v2/auth', '/common/oauth2/v2.0/authorize'])

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function consentPage(params: URLSearchParams): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Sign in - consent</title>
<style>body{font:16px system-ui;margin:3rem auto;max-width:30rem} button{font-size:16px;padding:.5rem 1rem;margin-right:1rem}</style></head>
<body><h1>Allow access?</h1><p>An app asks for: ${escape(params.get('scope') ?? '')}</p>
<form method="post" action="/consent/decide">
<input type="hidden" name="redirect_uri" value="${escape(params.get('redirect_uri') ?? '')}">
<input type="hidden" name="state" value="${escape(params.get('state') ?? '')}">
<button id="allow" name="decision" value="allow">Allow</button><button id="deny" name="decision" value="deny">Cancel</button>
</form></body></html>`
}

export interface FakeIdp {
  port: number
  url(host: string, pathAndQuery: string): string
  close(): Promise<void>
}

export async function startFakeIdp(): Promise<FakeIdp> {
  const server: Server = createServer(createTestCertificate(), (req, res) => {
    const url = new URL(req.url ?? '/', `https://${req.headers.host}`)
    if (req.method === 'GET' && CONSENT_PATHS.has(url.pathname)) {
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(consentPage(url.searchParams))
      return
    }
    if (req.method === 'POST' && url.pathname === '/consent/decide') {
      let body = ''
      req.on('data', (d) => (body += d))
      req.on('end', () => {
        const form = new URLSearchParams(body)
        const target = new URL(form.get('redirect_uri') ?? 'https://notes.example/')
        if (form.get('decision') === 'allow')
          target.searchParams.set('code', `4/0AUTHCODE-${Date.now()}`)
        else target.searchParams.set('error', 'access_denied')
        target.searchParams.set('state', form.get('state') ?? '')
        res.writeHead(302, { location: target.href }).end()
      })
      return
    }
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(
        `<!doctype html><title>App</title><h1 id="app-page">${escape(url.hostname)}: signed in</h1>`
      )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    port,
    url: (host, pathAndQuery) => `https://${host}:${port}${pathAndQuery}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
