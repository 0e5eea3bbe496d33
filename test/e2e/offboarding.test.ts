// End to end in Debian's Chromium: the offboarding workspace against the real server (background
// workers running) and the five provider simulators served on local ports. A leaver arrives by
// SCIM, the overview shows them, offboarding staff plan the revocation, a second admin approves,
// the workers revoke across Google, Microsoft, GitHub, Slack and Okta while the page follows live;
// Okta's token has expired, so its revocations fail until the connection is fixed and "Retry
// failed" runs them again; the case closes and its evidence checks out against the audit chain.
import { randomUUID } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Locator, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  startDemoSimulators,
  type DemoGrant,
  type RunningDemoSimulators,
} from '../../server/demo/provider-simulators.ts'
import { AI_TOOLS } from '../../shared/catalog/ai-tools.ts'
import { PROVIDER_IDS, type ProviderId } from '../../server/providers/types.ts'
import { PASSWORD, type AdminClient, type OrgFixture } from '../support/test-server.ts'
import {
  buildWebApp,
  ROOT,
  startAdminServer,
  type AdminServer,
} from './admin-support/start-admin-server.ts'
import { CHROMIUM } from './support/browser.ts'

const shots = join(ROOT, 'test-results', 'offboarding')
const LEAVER = 'dana.reyes@acme.example'
const GITHUB_LOGIN = 'dana-reyes'
const HOSTS: Record<ProviderId, string> = {
  google: 'accounts.google.com',
  microsoft: 'login.microsoftonline.com',
  github: 'github.com',
  slack: 'slack.com',
  okta: 'acme.okta.com',
}
/** Two grants at each provider, as the extension saw them (GitHub: the org's view, a token). */
const GRANTS: Array<Omit<DemoGrant, 'email' | 'githubLogin'>> = [
  {
    provider: 'google',
    clientId: '740001-otter.apps.googleusercontent.com',
    appName: 'Otter.ai',
    scopes: ['https://www.googleapis.com/auth/calendar.readonly'],
  },
  {
    provider: 'google',
    clientId: '740002-fireflies.apps.googleusercontent.com',
    appName: 'Fireflies.ai',
    scopes: ['https://www.googleapis.com/auth/drive.readonly'],
  },
  {
    provider: 'microsoft',
    clientId: '0dea1e00-0000-4000-8000-000000000001',
    appName: 'Fyxer AI',
    scopes: ['Mail.Read', 'offline_access'],
  },
  {
    provider: 'microsoft',
    clientId: '0dea1e00-0000-4000-8000-000000000002',
    appName: 'Avoma',
    scopes: ['Calendars.Read'],
  },
  {
    provider: 'github',
    clientId: 'credential:personal access token',
    appName: 'Cursor',
    scopes: ['repo'],
  },
  { provider: 'slack', clientId: 'A0E2E00001', appName: 'Claude', scopes: ['channels:history'] },
  {
    provider: 'okta',
    clientId: '0oae2e00001x7',
    appName: 'Reclaim.ai',
    scopes: ['openid', 'profile'],
  },
  { provider: 'okta', clientId: '0oae2e00002x7', appName: 'Motion', scopes: ['openid', 'email'] },
]

/** Where the AI tool's consent sends the browser back, from the catalog: it names the app. */
function redirectHostOf(appName: string): string {
  const tool = AI_TOOLS.find((t) => t.name === appName)
  const host = tool?.redirectHosts[0]
  if (!host) throw new Error(`no redirect host for ${appName} in the AI-tool catalog`)
  return host
}

const COLLEAGUES = ['ines.costa@acme.example', 'omar.haddad@acme.example']
const DROPPED = {
  provider: 'google' as const,
  clientId: '740099-perplexity.apps.googleusercontent.com',
  appName: 'Perplexity',
  scopes: ['https://www.googleapis.com/auth/gmail.readonly'],
}

let admin: AdminServer
let sims: RunningDemoSimulators
let org: OrgFixture
let approver: AdminClient
let browser: Browser
let page: Page
let personId = ''
const cspErrors: string[] = []

async function shot(name: string, target: Page = page) {
  await target.screenshot({ path: join(shots, `${name}.png`), fullPage: true })
}

async function expectText(locator: Locator, text: string | RegExp, timeout = 30_000) {
  await expect
    .poll(async () => (await locator.textContent()) ?? '', { timeout, interval: 200 })
    .toMatch(
      typeof text === 'string' ? new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : text
    )
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const p = await context.newPage()
  p.setDefaultTimeout(15_000)
  p.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) cspErrors.push(m.text())
  })
  return p
}

async function login(p: Page, email: string) {
  await p.goto(`${admin.baseUrl}/`)
  await p.getByLabel('Email').fill(email)
  await p.getByLabel('Password').fill(PASSWORD)
  await p.getByRole('button', { name: 'Sign in' }).click()
  await p.getByRole('navigation', { name: 'Main' }).waitFor()
}

function connect(provider: ProviderId, credentials: Record<string, unknown>) {
  return org.owner.request('PUT', `/api/v1/connections/${provider}`, {
    credentials,
    baseUrls: sims.baseUrls[provider],
    requestsPerSecond: 50,
  })
}

/** SCIM as Okta sends it: create the user, later deactivate them. */
async function scim(token: string, method: string, path: string, body: unknown) {
  const res = await fetch(`${admin.baseUrl}/scim/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as { id?: string } }
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true })
  buildWebApp()
  sims = await startDemoSimulators({ port: 0 })
  admin = await startAdminServer({ jobsEveryMs: 250 })
  org = await admin.server.createOrg('Acme Corp')
  approver = await org.addAdmin('admin')
  expect(
    (
      await org.owner.request('PUT', '/api/v1/revocations/settings', {
        requireSecondApprover: true,
      })
    ).status
  ).toBe(200)
  // Four providers connected through the API; Okta through the page below.
  for (const provider of PROVIDER_IDS.filter((p) => p !== 'okta')) {
    const res = await connect(provider, sims.credentials[provider])
    expect(res.status, await res.clone().text()).toBe(200)
  }
  // The employee's browser reported their consents; the providers hold the same grants.
  const device = await org.enrollDevice(LEAVER)
  const sent = await device.send(
    GRANTS.map((g) => ({
      id: randomUUID(),
      type: 'consent',
      occurredAt: new Date(Date.now() - 30 * 86_400_000).toISOString(),
      flowId: randomUUID(),
      outcome: 'granted',
      request: {
        provider: g.provider,
        kind: g.provider === 'slack' ? 'app_install' : 'consent',
        host: HOSTS[g.provider],
        clientId: g.clientId,
        redirectHost: redirectHostOf(g.appName),
        scopes: g.scopes,
        loginHint: LEAVER,
        offlineAccess: true,
      },
    }))
  )
  expect(sent.status).toBe(200)
  expect(((await sent.json()) as { accepted: unknown[] }).accepted).toHaveLength(GRANTS.length)
  for (const g of GRANTS) sims.addGrant({ ...g, email: LEAVER, githubLogin: GITHUB_LOGIN })
  // Two colleagues who stay use an app the organisation decides to drop for everyone.
  for (const email of COLLEAGUES) {
    const colleague = await org.enrollDevice(email)
    const reported = await colleague.send([
      {
        id: randomUUID(),
        type: 'consent',
        occurredAt: new Date(Date.now() - 7 * 86_400_000).toISOString(),
        flowId: randomUUID(),
        outcome: 'granted',
        request: {
          provider: DROPPED.provider,
          kind: 'consent',
          host: HOSTS.google,
          clientId: DROPPED.clientId,
          redirectHost: redirectHostOf(DROPPED.appName),
          scopes: DROPPED.scopes,
          loginHint: email,
          offlineAccess: true,
        },
      },
    ])
    expect(((await reported.json()) as { accepted: unknown[] }).accepted).toHaveLength(1)
    sims.addGrant({ ...DROPPED, email, githubLogin: null })
  }

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  })
  page = await newPage()
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await admin?.close()
  await sims?.close()
})

describe('offboarding workspace end to end', { timeout: 180_000 }, () => {
  it('connects Okta from the Connections page and tests it against the simulator', async () => {
    await login(page, org.owner.email)
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Connections' })
      .click()
    const okta = page.locator('article', {
      has: page.getByRole('heading', { name: 'Okta', exact: true }),
    })
    await okta.getByRole('button', { name: 'Connect' }).click()
    const dialog = page.getByRole('dialog')
    // The token as it was: it expires before the leaver's day (fixed further down).
    await dialog.getByLabel('Org URL', { exact: true }).fill('https://acme.okta.test')
    await dialog.getByLabel('API token').fill(String(sims.credentials.okta.apiToken))
    await dialog.getByText('Advanced: base URLs and pace').click()
    await dialog.getByLabel('Org URL override').fill(sims.baseUrls.okta.org!)
    await dialog.getByRole('button', { name: 'Connect' }).click()
    await dialog.waitFor({ state: 'detached' })
    await expectText(page.locator('main'), 'never shown again')
    expect(await page.content()).not.toContain(String(sims.credentials.okta.apiToken))
    await okta.getByRole('button', { name: 'Test connection' }).click()
    await expectText(okta, 'The connection works')
    await shot('01-connections')
  })

  it('takes a leaver from SCIM and shows them on the overview and the leavers page', async () => {
    const created = (await (
      await org.owner.request('POST', '/api/v1/feeds/scim-tokens', { label: 'Okta provisioning' })
    ).json()) as { token: string }
    const user = await scim(created.token, 'POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: LEAVER,
      name: { givenName: 'Dana', familyName: 'Reyes' },
      emails: [{ value: LEAVER, primary: true, type: 'work' }],
      active: true,
    })
    expect(user.status).toBe(201)
    const deactivated = await scim(created.token, 'PATCH', `/Users/${user.body.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', value: { active: false } }],
    })
    expect(deactivated.status).toBe(200)

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Overview' })
      .click()
    const card = page
      .locator('.stat-card, [class*="stat"]', { hasText: 'Leavers with live grants' })
      .first()
    await expectText(card, /1/)
    await shot('02-overview')

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Leavers' })
      .click()
    const row = page.getByRole('row', { name: /Dana Reyes|dana\.reyes/ })
    await expectText(row, '8')
    await expectText(row, /scim/i)
    await shot('03-leavers')
    await row.getByRole('link').first().click()
    await page.getByRole('heading', { name: 'Grants to revoke' }).waitFor()
    personId = page.url().split('/').pop()!
    await expectText(page.locator('main'), 'GitHub username needed')
    await shot('04-case')
  })

  it('records the GitHub login the revocation needs, on the case page', async () => {
    const form = page.locator('form', { hasText: 'GitHub' }).first()
    await form.getByRole('textbox').fill(GITHUB_LOGIN)
    await form.getByRole('button').click()
    await expect
      .poll(async () => {
        const kase = (await (
          await org.owner.request('GET', `/api/v1/leavers/${personId}`)
        ).json()) as {
          person: { githubLogin: string | null }
        }
        return kase.person.githubLogin
      })
      .toBe(GITHUB_LOGIN)
    await page.reload()
    await page.getByRole('heading', { name: 'Grants to revoke' }).waitFor()
  })

  it('plans, refuses the planner as approver, and runs once a second admin approves; Okta fails', async () => {
    // Okta's API token was revoked at Okta: its calls now answer 401.
    const broken = await connect('okta', {
      orgUrl: 'https://acme.okta.test',
      apiToken: 'expired-token-000000',
    })
    expect(broken.status).toBe(200)

    await page.getByRole('button', { name: 'Plan revocation' }).click()
    const approve = page.getByRole('button', { name: /Approve and revoke 8 grants/ })
    await approve.waitFor()
    await shot('05-dry-run')
    await approve.click()
    await expectText(page.locator('main'), 'Another admin must approve this plan')
    await shot('06-second-approver-required')

    const second = await newPage()
    await login(second, approver.email)
    await second.goto(`${admin.baseUrl}/leavers/${personId}`)
    await second.getByRole('button', { name: /Approve and revoke 8 grants/ }).click()
    const progress = second.locator('.progress-text')
    await expectText(progress, '6 of 8 verified', 60_000)
    await expectText(progress, '2 failed', 60_000)
    const table = second.getByRole('table', { name: 'Revocation of each grant' })
    await expectText(table, /401/)
    await shot('07-progress-with-failures', second)
    // The planner's page followed along live.
    await expectText(page.locator('.progress-text'), '6 of 8 verified', 30_000)
    for (const g of GRANTS.filter((g) => g.provider !== 'okta'))
      expect(sims.hasGrant({ ...g, email: LEAVER, githubLogin: GITHUB_LOGIN }), g.appName).toBe(
        false
      )
    for (const g of GRANTS.filter((g) => g.provider === 'okta'))
      expect(sims.hasGrant({ ...g, email: LEAVER, githubLogin: GITHUB_LOGIN }), g.appName).toBe(
        true
      )
    await second.context().close()
  })

  it('retries the failed revocations once the connection is fixed, until every grant is verified', async () => {
    expect((await connect('okta', sims.credentials.okta)).status).toBe(200)
    await page.getByRole('button', { name: /Retry failed \(2\)/ }).click()
    await expectText(page.locator('.progress-text'), '8 of 8 verified', 60_000)
    await expectText(
      page.locator('.progress-text'),
      'every grant is revoked and verified gone',
      30_000
    )
    await shot('08-all-verified')
    for (const g of GRANTS)
      expect(sims.hasGrant({ ...g, email: LEAVER, githubLogin: GITHUB_LOGIN }), g.appName).toBe(
        false
      )

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Revocations' })
      .click()
    await page.getByRole('heading', { name: 'Revocations' }).first().waitFor()
    await expectText(page.locator('main'), 'Reclaim.ai')
    await shot('09-revocations')
  })

  it('closes the case and exports evidence whose hashes the audit chain confirms', async () => {
    await page.goto(`${admin.baseUrl}/leavers/${personId}`)
    await page.getByRole('button', { name: /Close case/ }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByRole('button', { name: /Close case/ }).click()
    await expectText(page.locator('main'), /Closed|done/i)
    await shot('10-case-closed')

    const res = await page.request.get(`${admin.baseUrl}/api/v1/leavers/${personId}/evidence`)
    expect(res.status()).toBe(200)
    const evidence = (await res.json()) as {
      case: { state: string }
      summary: { grants: number; verified: number; stillLive: number }
      plans: Array<{ plannedBy: string; approvedBy: string }>
      audit: { entries: Array<{ seq: number; hash: string; action: string }> }
    }
    expect(evidence.case.state).toBe('done')
    expect(evidence.summary).toMatchObject({ grants: 8, verified: 8, stillLive: 0 })
    expect(evidence.plans[0]).toMatchObject({
      plannedBy: org.owner.email,
      approvedBy: approver.email,
    })
    const actions = new Set(evidence.audit.entries.map((e) => e.action))
    for (const action of [
      'person.left',
      'revocation.planned',
      'revocation.approved',
      'revocation.dead',
      'revocation.retried',
      'revocation.verified',
      'case.closed',
    ])
      expect(actions, action).toContain(action)
    const verify = await page.request.post(`${admin.baseUrl}/api/v1/audit/verify`, {
      data: { entries: evidence.audit.entries.map(({ seq, hash }) => ({ seq, hash })) },
      headers: { 'x-csrf-token': await csrfOf(page) },
    })
    expect(verify.status()).toBe(200)
    expect(await verify.json()).toMatchObject({ ok: true, chainOk: true })

    const printable = await page.context().newPage()
    await printable.goto(`${admin.baseUrl}/api/v1/leavers/${personId}/evidence.html`)
    await printable.getByRole('heading', { name: /Offboarding evidence/ }).waitFor()
    await expectText(printable.locator('body'), 'intact')
    await shot('11-evidence', printable)
    await printable.pdf({ path: join(shots, 'evidence.pdf'), format: 'A4' })
    await printable.close()
    expect(cspErrors).toEqual([])
  })

  it('revokes an app for everyone from its page, approved by a second admin on the Revocations page', async () => {
    const { items } = (await (await org.owner.request('GET', '/api/v1/apps')).json()) as {
      items: Array<{ id: string; clientId: string }>
    }
    const appId = items.find((a) => a.clientId === DROPPED.clientId)!.id
    await page.goto(`${admin.baseUrl}/apps/${appId}`)
    await page.getByRole('button', { name: 'Revoke for everyone' }).click()
    const dialog = page.getByRole('dialog')
    await expectText(dialog, /2 grants?/)
    await dialog.getByRole('button', { name: 'Approve' }).click()
    await expectText(dialog, 'A second admin must approve this plan')
    await shot('12-revoke-for-everyone')
    await dialog.getByRole('button', { name: 'Close' }).click()

    const second = await newPage()
    await login(second, approver.email)
    await second
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Revocations' })
      .click()
    const row = second.getByRole('row', { name: /Every grant of an app/ })
    await row.getByRole('button', { name: 'Approve' }).click()
    await expect
      .poll(
        async () => {
          await second.getByRole('button', { name: 'Refresh' }).click()
          return (await row.textContent()) ?? ''
        },
        { timeout: 60_000, interval: 1000 }
      )
      .toContain('2 verified')
    await shot('13-app-revoked-for-everyone', second)
    for (const email of COLLEAGUES)
      expect(sims.hasGrant({ ...DROPPED, email, githubLogin: null }), email).toBe(false)
    await second.context().close()
    expect(cspErrors).toEqual([])
  })
})

/** The session's CSRF token, as the app reads it from /auth/me. */
async function csrfOf(p: Page): Promise<string> {
  const me = await p.request.get(`${admin.baseUrl}/api/v1/auth/me`)
  return ((await me.json()) as { csrfToken: string }).csrfToken
}
