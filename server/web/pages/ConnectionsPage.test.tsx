import { afterEach, describe, expect, it } from 'vitest'
import type { FeedSettings, ProviderConnection, ProviderForm, Role } from '../api-types.ts'
import { button, buttonTexts, choose, click, submit, typeInto } from '../interact-in-test.ts'
import {
  apiWith,
  renderInTest,
  SessionForTest,
  type FakeRoutes,
  type Rendered,
} from '../render-in-test.tsx'
import { ConnectionsPage } from './ConnectionsPage.tsx'

const SLACK_TOKEN = 'xoxp-1111-2222-never-shown-again'

const forms: ProviderForm[] = [
  {
    id: 'google',
    name: 'Google Workspace',
    description: 'Tokens users granted to third-party apps, through the Admin SDK.',
    docsUrl: 'https://support.google.com/a/answer/162106',
    fields: [
      { key: 'client_email', label: 'Service account email', type: 'text', required: true },
      { key: 'private_key', label: 'Private key', type: 'secret', required: true },
      { key: 'subject', label: 'Admin to act as', type: 'text', required: true },
    ],
    baseUrlKeys: [
      { key: 'admin', label: 'Admin SDK URL', default: 'https://admin.googleapis.com' },
    ],
  },
  {
    id: 'slack',
    name: 'Slack',
    description: 'Apps installed across an Enterprise Grid organisation.',
    docsUrl: null,
    fields: [
      { key: 'token', label: 'Admin user token', type: 'secret', required: true },
      { key: 'teamId', label: 'Workspace id', type: 'text', required: false },
    ],
    baseUrlKeys: [{ key: 'api', label: 'Web API URL', default: 'https://slack.com/api' }],
  },
  {
    id: 'github',
    name: 'GitHub',
    description: 'OAuth apps, GitHub Apps and SSO credential authorizations of an organization.',
    docsUrl: null,
    fields: [
      { key: 'org', label: 'Organization', type: 'text', required: true },
      { key: 'token', label: 'Token', type: 'secret', required: true },
      { key: 'credentialAuthorizations', label: 'SAML SSO', type: 'boolean', required: false },
    ],
    baseUrlKeys: [],
  },
]

const googleConnection: ProviderConnection = {
  provider: 'google',
  baseUrls: {},
  requestsPerSecond: 10,
  lastTestedAt: '2026-11-23T08:00:00Z',
  lastTestOk: true,
  lastTestMessage: 'Listed 3 users',
  lastDiscoveryAt: '2026-11-23T06:00:00Z',
  updatedAt: '2026-11-20T08:00:00Z',
}

const feeds: FeedSettings = {
  scimUrl: 'https://consentry.acme.example/scim/v2',
  hrWebhookUrl: 'https://consentry.acme.example/api/v1/hr/events',
  ssfPushUrl: 'https://consentry.acme.example/api/v1/ssf/events/o-1',
  hrSecretSet: true,
  ssf: null,
  scimTokens: [
    { id: 's-1', label: 'Okta provisioning', createdAt: '2026-11-01T00:00:00Z', revokedAt: null },
  ],
}

const baseRoutes: FakeRoutes = {
  'GET /api/v1/connections/providers': { items: forms },
  'GET /api/v1/connections': { items: [googleConnection] },
  'GET /api/v1/feeds': feeds,
}

let view: Rendered | null = null
afterEach(() => {
  view?.unmount()
  view = null
  document.body.innerHTML = ''
})

async function renderAs(role: Role, routes: FakeRoutes = {}) {
  const fake = apiWith({ ...baseRoutes, ...routes })
  view = await renderInTest(
    <SessionForTest role={role} api={fake.api}>
      <ConnectionsPage />
    </SessionForTest>
  )
  return { view, calls: fake.calls }
}

function card(name: string): HTMLElement {
  const heading = [...document.querySelectorAll('.provider-card h3')].find(
    (h) => h.textContent === name
  )
  if (!heading) throw new Error(`No provider card ${name}`)
  return heading.closest('article') as HTMLElement
}

const dialog = () => document.querySelector('[role="dialog"]') as HTMLElement

describe('Connections: providers', () => {
  it('shows which providers are connected, their last test and last discovery', async () => {
    const { view } = await renderAs('admin')
    expect(card('Google Workspace').textContent).toContain('Connected')
    expect(card('Google Workspace').textContent).toContain('Listed 3 users')
    expect(card('Google Workspace').textContent).toContain('10 requests per second')
    expect(card('Slack').textContent).toContain('Not connected')
    expect(buttonTexts(card('Slack'))).toEqual(['Connect'])
    expect(buttonTexts(card('Google Workspace'))).toEqual([
      'Replace credentials',
      'Test connection',
    ])
    expect(view.text()).toContain('Last discovery')
  })

  it('sends the credentials once and never shows the secret afterwards', async () => {
    const { calls } = await renderAs('admin', {
      'PUT /api/v1/connections/slack': { ok: true },
    })
    await click(button(card('Slack'), 'Connect'))
    const secret = dialog().querySelector('input[name="credentials.token"]') as HTMLInputElement
    expect(secret.type).toBe('password')
    await typeInto(dialog(), 'input[name="credentials.token"]', SLACK_TOKEN)
    await typeInto(dialog(), 'input[name="baseUrl.api"]', 'https://slack-gov.com/api')
    await typeInto(dialog(), 'input[name="requestsPerSecond"]', '3')
    await submit(dialog().querySelector('form')!)
    const put = calls.find((c) => c.method === 'PUT')!
    expect(put.url).toBe('/api/v1/connections/slack')
    expect(JSON.parse(String(put.init.body))).toEqual({
      credentials: { token: SLACK_TOKEN },
      baseUrls: { api: 'https://slack-gov.com/api' },
      requestsPerSecond: 3,
    })
    expect(dialog()).toBeNull()
    expect(document.body.textContent).toContain('stored encrypted, never shown again')
    expect(document.body.innerHTML).not.toContain(SLACK_TOKEN)
    expect(document.body.innerHTML).not.toContain('xoxp-')
    const values = [...document.querySelectorAll('input, textarea')].map(
      (i) => (i as HTMLInputElement).value
    )
    expect(values.some((v) => v.includes(SLACK_TOKEN))).toBe(false)
    // Opening the form again starts empty: the secret is nowhere to fill it from.
    await click(button(card('Slack'), 'Connect'))
    expect(
      (dialog().querySelector('input[name="credentials.token"]') as HTMLInputElement).value
    ).toBe('')
    // The connections are read again to show the new state.
    expect(calls.filter((c) => c.url === '/api/v1/connections').length).toBe(2)
  })

  it('asks for every required credential again when replacing, and shows the server’s 400', async () => {
    const { calls } = await renderAs('admin', {
      'PUT /api/v1/connections/google': () =>
        Response.json(
          {
            error: {
              code: 'invalid_request',
              message: 'credentials: private_key: private_key must be the PEM private key',
            },
          },
          { status: 400 }
        ),
    })
    await click(button(card('Google Workspace'), 'Replace credentials'))
    expect(dialog().textContent).toContain('enter every field again')
    expect(
      (dialog().querySelector('input[name="requestsPerSecond"]') as HTMLInputElement).value
    ).toBe('10')
    await submit(dialog().querySelector('form')!)
    expect(calls.some((c) => c.method === 'PUT')).toBe(false)
    expect(dialog().textContent).toContain('Enter the private key.')
    await typeInto(dialog(), 'input[name="credentials.client_email"]', 'sa@acme.iam.example')
    await typeInto(dialog(), 'input[name="credentials.private_key"]', 'not a key')
    await typeInto(dialog(), 'input[name="credentials.subject"]', 'admin@acme.example')
    await submit(dialog().querySelector('form')!)
    expect(dialog().textContent).toContain('private_key must be the PEM private key')
    expect(dialog().textContent).toContain('Google Workspace did not accept these settings')
  })

  it('leaves a boolean without a declared default to the provider unless chosen', async () => {
    const { calls } = await renderAs('owner', { 'PUT /api/v1/connections/github': { ok: true } })
    await click(button(card('GitHub'), 'Connect'))
    await typeInto(dialog(), 'input[name="credentials.org"]', 'acme')
    await typeInto(dialog(), 'input[name="credentials.token"]', 'ghp_secret')
    await choose(dialog(), 'select[name="credentials.credentialAuthorizations"]', 'false')
    await submit(dialog().querySelector('form')!)
    const body = JSON.parse(String(calls.find((c) => c.method === 'PUT')!.init.body))
    expect(body.credentials).toEqual({
      org: 'acme',
      token: 'ghp_secret',
      credentialAuthorizations: false,
    })
  })

  it('tests a connection and shows what the provider answered', async () => {
    const { calls } = await renderAs('admin', {
      'POST /api/v1/connections/google/test': {
        ok: false,
        message: 'Google answered 401: invalid_grant',
      },
    })
    await click(button(card('Google Workspace'), 'Test connection'))
    expect(calls.some((c) => c.method === 'POST' && c.url.endsWith('/google/test'))).toBe(true)
    const status = card('Google Workspace').querySelector('[role="status"]')!
    expect(status.textContent).toContain('The connection failed')
    expect(status.textContent).toContain('Google answered 401: invalid_grant')
  })

  it('shows an error with a retry when the provider forms cannot be loaded', async () => {
    const { view } = await renderAs('admin', {
      'GET /api/v1/connections/providers': () =>
        Response.json({ error: { code: 'down', message: 'Server restarting' } }, { status: 503 }),
    })
    expect(view.text()).toContain('Could not load the connections')
    expect(buttonTexts(view.container)).toContain('Try again')
  })
})

describe('Connections: leaver feeds', () => {
  it('shows a new SCIM token once, and never again after Done', async () => {
    const { view, calls } = await renderAs('admin', {
      'POST /api/v1/feeds/scim-tokens': () =>
        Response.json(
          { id: 's-2', token: 'cscim_once_only_token_value', label: 'Entra' },
          { status: 201 }
        ),
    })
    expect(view.text()).toContain('https://consentry.acme.example/scim/v2')
    await typeInto(view.container, 'input[name="scimTokenLabel"]', 'Entra')
    await submit(view.container.querySelector('input[name="scimTokenLabel"]')!.closest('form')!)
    const post = calls.find((c) => c.method === 'POST')!
    expect(JSON.parse(String(post.init.body))).toEqual({ label: 'Entra' })
    const shown = view.container.querySelector('[data-testid="secret-value"]')
    expect(shown?.textContent).toBe('cscim_once_only_token_value')
    await click(button(view.container, 'Done'))
    expect(view.container.innerHTML).not.toContain('cscim_once_only_token_value')
  })

  it('rotates the HR webhook secret after a confirmation and shows it once', async () => {
    const { view } = await renderAs('owner', {
      'POST /api/v1/feeds/hr-secret': () =>
        Response.json({ secret: 'hrsec_new_secret' }, { status: 201 }),
    })
    await click(button(view.container, 'Rotate secret'))
    expect(dialog().textContent).toContain('The current secret stops working at once')
    await click(button(dialog(), 'Rotate secret'))
    expect(view.container.querySelector('[data-testid="secret-value"]')?.textContent).toBe(
      'hrsec_new_secret'
    )
  })

  it('checks and saves the Shared Signals transmitter settings', async () => {
    const { view, calls } = await renderAs('admin', { 'PUT /api/v1/feeds/ssf': { ok: true } })
    await typeInto(view.container, 'input[name="issuer"]', 'https://sso.acme.example')
    await typeInto(view.container, 'input[name="audience"]', 'https://consentry.acme.example')
    const json = view.container.querySelector(
      'input[name="ssfKeys"][value="json"]'
    ) as HTMLInputElement
    await click(json)
    await typeInto(view.container, 'textarea[name="jwks"]', '{"keys": []}')
    const form = view.container.querySelector('textarea[name="jwks"]')!.closest('form')!
    await submit(form)
    expect(view.text()).toContain('non-empty "keys" array')
    expect(calls.some((c) => c.method === 'PUT')).toBe(false)
    await typeInto(
      view.container,
      'textarea[name="jwks"]',
      '{"keys": [{"kty": "EC", "kid": "k1"}]}'
    )
    await submit(form)
    const put = calls.find((c) => c.method === 'PUT')!
    expect(put.url).toBe('/api/v1/feeds/ssf')
    expect(JSON.parse(String(put.init.body))).toEqual({
      issuer: 'https://sso.acme.example',
      audience: 'https://consentry.acme.example',
      jwksUrl: null,
      jwks: { keys: [{ kty: 'EC', kid: 'k1' }] },
    })
    expect(view.text()).toContain('Transmitter settings saved.')
    expect(view.text()).toContain('https://consentry.acme.example/api/v1/ssf/events/o-1')
  })

  it.each<Role>(['auditor', 'offboarding'])(
    'shows the %s everything read-only: only Copy buttons, no form',
    async (role) => {
      const { view } = await renderAs(role)
      expect(view.text()).toContain('Okta provisioning')
      expect(view.text()).toContain('Listed 3 users')
      expect(view.container.querySelector('input, select, textarea, form')).toBeNull()
      expect(new Set(buttonTexts(view.container))).toEqual(new Set(['Copy']))
    }
  )
})
