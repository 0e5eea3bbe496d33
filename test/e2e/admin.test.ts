// End to end in Debian's Chromium: the built admin web app against the real server over HTTP,
// with an inventory seeded through enrolled devices, as a security team would use it.
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PASSWORD, type OrgFixture } from '../support/test-server.ts'
import { APPS, seedInventory, type SeededOrg } from './admin-support/seed-inventory.ts'
import {
  buildWebApp,
  ROOT,
  startAdminServer,
  type AdminServer,
} from './admin-support/start-admin-server.ts'
import { CHROMIUM } from './support/browser.ts'

const shots = join(ROOT, 'test-results', 'admin')

let admin: AdminServer
let org: OrgFixture
let seeded: SeededOrg
let browser: Browser
let context: BrowserContext
let page: Page
const cspErrors: string[] = []

async function shot(name: string, target: Page = page) {
  await target.screenshot({ path: join(shots, `${name}.png`), fullPage: true })
}

async function api<T>(path: string): Promise<T> {
  const res = await org.owner.request('GET', path)
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`)
  return (await res.json()) as T
}

/** Wait until the locator's text contains `text` (Playwright's own expect is not used here). */
async function expectText(locator: Locator, text: string) {
  await expect.poll(async () => (await locator.textContent()) ?? '').toContain(text)
}

function nav(p: Page, name: string) {
  return p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true })
}

function watchConsole(p: Page) {
  p.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) cspErrors.push(m.text())
  })
}

async function login(p: Page, email: string) {
  await p.goto(`${admin.baseUrl}/`)
  await p.getByLabel('Email').fill(email)
  await p.getByLabel('Password').fill(PASSWORD)
  await p.getByRole('button', { name: 'Sign in' }).click()
  await p.getByRole('navigation', { name: 'Main' }).waitFor()
}

async function appIdOf(clientId: string): Promise<string> {
  const { items } = await api<{ items: { id: string; clientId: string }[] }>('/api/v1/apps')
  const app = items.find((a) => a.clientId === clientId)
  if (!app) throw new Error(`no app ${clientId}`)
  return app.id
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true })
  buildWebApp()
  admin = await startAdminServer()
  org = await admin.server.createOrg('Acme Corp')
  seeded = await seedInventory(org)
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
  context = await browser.newContext({
    viewport: { width: 1280, height: 860 },
    acceptDownloads: true,
  })
  page = await context.newPage()
  watchConsole(page)
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await admin?.close()
})

describe('admin web app end to end', { timeout: 120_000 }, () => {
  it('serves the app shell with long-cached hashed assets and no-cache index.html', async () => {
    const index = await fetch(`${admin.baseUrl}/apps/anything?x=1`)
    expect(index.status).toBe(200)
    expect(index.headers.get('cache-control')).toBe('no-cache')
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'")
    const html = await index.text()
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
    expect(html).not.toMatch(/\sstyle=/)
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1]
    expect(asset).toBeTruthy()
    const js = await fetch(`${admin.baseUrl}${asset}`)
    expect(js.status).toBe(200)
    expect(js.headers.get('cache-control')).toContain('immutable')
    // API paths never fall back to the app shell.
    const api404 = await fetch(`${admin.baseUrl}/api/v1/nope`)
    expect(api404.status).toBe(404)
    expect(await api404.text()).not.toContain('id="app"')
    expect((await fetch(`${admin.baseUrl}/healthz`)).headers.get('content-type')).toContain('json')
  })

  it('logs in and shows the overview counts', async () => {
    await page.goto(`${admin.baseUrl}/`)
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    await shot('01-login')
    // A wrong password shows the server's message.
    await page.getByLabel('Email').fill(org.owner.email)
    await page.getByLabel('Password').fill('not the password at all')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByText('Wrong email or password').waitFor()
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Overview' }).waitFor()
    const summary = await api<{
      aiApps: number
      peopleWithAiGrants: number
      highRiskGrants: number
    }>('/api/v1/summary')
    expect(summary.aiApps).toBeGreaterThanOrEqual(4)
    const stat = (label: string) =>
      page
        .locator('.stat', { has: page.locator('.stat-label', { hasText: label }) })
        .locator('.stat-value')
    await expect.poll(() => stat('AI apps in use').textContent()).toBe(String(summary.aiApps))
    expect(await stat('People with AI grants').textContent()).toBe(
      String(summary.peopleWithAiGrants)
    )
    expect(await stat('High or critical-risk grants').textContent()).toBe(
      String(summary.highRiskGrants)
    )
    await expect.poll(() => page.locator('.chart-bar').count()).toBeGreaterThan(0)
    await expectText(page.locator('.sidebar'), 'Acme Corp')
    await expectText(page.locator('.sidebar'), 'Owner')
    await shot('02-overview')
  })

  it('finds a critical-risk AI app in Apps, keeps the filter on reload, and reads its scopes', async () => {
    await nav(page, 'Apps').click()
    await page.getByRole('heading', { name: 'Apps', exact: true }).waitFor()
    await page.locator('table[aria-label="Apps"]').waitFor()
    await page.getByLabel('Risk').selectOption('critical')
    await expect.poll(() => page.url()).toContain('risk=critical')
    await page.getByLabel('AI only').check()
    await expect.poll(() => page.url()).toContain('ai=true')
    const row = page.locator('tr.row-link', { hasText: 'Fireflies.ai' })
    await row.waitFor()
    await expect.poll(() => page.locator('tr.row-link', { hasText: 'Otter.ai' }).count()).toBe(0)
    // Sort by people, then reload: the URL keeps filter and sort.
    await page.getByRole('button', { name: /People/ }).click()
    await expect.poll(() => page.url()).toContain('sort=people')
    await page.reload()
    await row.waitFor()
    expect(await page.getByLabel('Risk').inputValue()).toBe('critical')
    expect(await page.getByLabel('AI only').isChecked()).toBe(true)
    await shot('03-apps-filtered')
    // Keyboard: focus the row, Enter opens the app.
    await row.focus()
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: /Fireflies\.ai/ }).waitFor()
    const canDo = page.locator('section', {
      has: page.getByRole('heading', { name: 'What it can do' }),
    })
    await expectText(canDo, 'Read all your Google Drive files')
    await expectText(canDo, 'High risk · Google Drive')
    await expectText(page.locator('section', { hasText: 'Who granted it' }), 'grace@acme.example')
    await shot('04-app-detail')
  })

  it('blocks the app, and a device then gets the block in its policy', async () => {
    await page.locator('#app-policy').selectOption('block')
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    await expect.poll(() => page.locator('.policy-effective').textContent()).toContain('Block')
    await expectText(page.locator('.policy-effective'), "this app's rule")
    const device = seeded.devices['ada@acme.example']!
    const res = await device.request('GET', '/api/v1/policy')
    expect(res.status).toBe(200)
    const policy = (await res.json()) as {
      apps: { provider: string; clientId: string; action: string }[]
    }
    expect(policy.apps).toContainEqual({
      provider: 'google',
      clientId: APPS.fireflies.clientId,
      action: 'block',
    })
    await shot('05-app-blocked')
  })

  it('sanctions another app with an owner, a purpose and an expiry', async () => {
    const otterId = await appIdOf(APPS.otter.clientId)
    await page.goto(`${admin.baseUrl}/apps/${otterId}`)
    await page.getByRole('heading', { name: /Otter\.ai/ }).waitFor()
    // Validation first: no owner.
    await page.getByRole('button', { name: 'Sanction app' }).click()
    await page.getByText('Name the person accountable for this app.').waitFor()
    const until = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10)
    await page.locator('input[name=ownerEmail]').fill('grace@acme.example')
    await page.locator('input[name=purpose]').fill('Meeting transcripts for the support team')
    await page.locator('input[name=expires]').fill(until)
    await page.getByRole('button', { name: 'Sanction app' }).click()
    await page.getByRole('button', { name: 'Withdraw sanction' }).waitFor()
    await expectText(page.locator('.sanction-status'), 'Sanctioned')
    const detail = await api<{
      app: { sanctioned: boolean; ownerEmail: string; sanctionExpiresAt: string }
    }>(`/api/v1/apps/${otterId}`)
    expect(detail.app).toMatchObject({ sanctioned: true, ownerEmail: 'grace@acme.example' })
    expect(detail.app.sanctionExpiresAt.slice(0, 4)).toBe(until.slice(0, 4))
    await shot('06-app-sanctioned')
  })

  it("approves an employee's request after the dialog checks its fields", async () => {
    await nav(page, 'Requests').click()
    const row = page.locator('tr.row-link', { hasText: 'katherine@acme.example' })
    await row.waitFor()
    await shot('07-requests-open')
    await row.getByRole('button', { name: 'Approve' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.waitFor()
    await expectText(dialog, 'Customer calls in German')
    await dialog.locator('input[name=ownerEmail]').fill('')
    await dialog.getByRole('button', { name: 'Approve' }).click()
    await dialog.getByText('Name the person accountable for this app').waitFor()
    await dialog.getByText('Say what the app is approved for.').waitFor()
    await shot('08-approve-dialog-errors')
    await dialog.locator('input[name=ownerEmail]').fill('katherine@acme.example')
    await dialog.locator('textarea[name=purpose]').fill('Notes of German-language customer calls')
    await dialog.getByLabel('Only katherine@acme.example').check()
    await dialog.getByRole('button', { name: 'Approve' }).click()
    await dialog.waitFor({ state: 'detached' })
    await page.getByText(/^Approved /).waitFor()
    await page.getByText('No open requests').waitFor()
    const approved = await api<{ items: { status: string; decidedBy: string }[] }>(
      '/api/v1/approval-requests?status=approved'
    )
    expect(approved.items).toHaveLength(1)
    await page.getByRole('tab', { name: 'Decided' }).click()
    await page.locator('table[aria-label="Decided requests"]').getByText('Approved').waitFor()
    await shot('09-requests-decided')
  })

  it('shows people, a person, and devices with a token shown once', async () => {
    await nav(page, 'People').click()
    const ada = page.locator('tr.row-link', { hasText: 'ada@acme.example' })
    await ada.waitFor()
    await shot('10-people')
    await ada.click()
    await page.getByRole('heading', { name: 'ada@acme.example' }).waitFor()
    await page.locator('table[aria-label="Grants of ada@acme.example"]').waitFor()
    await shot('11-person')
    await nav(page, 'Devices & enrollment').click()
    await page.locator('table[aria-label="Devices"]').waitFor()
    await page.locator('input[name=label]').fill('Sales laptops')
    await page.getByRole('button', { name: 'Create token' }).click()
    const secret = page.getByTestId('secret-value')
    await secret.waitFor()
    expect(await secret.textContent()).toMatch(/^cet_/)
    await page.locator('table[aria-label="Enrollment tokens"]').getByText('Sales laptops').waitFor()
    await shot('12-devices')
  })

  it('exports the audit log as JSON lines and verifies the chain', async () => {
    await nav(page, 'Audit log').click()
    await page.locator('table[aria-label="Audit log"]').waitFor()
    const download = page.waitForEvent('download')
    await page.getByRole('link', { name: 'Export JSONL' }).click()
    const file = await (await download).path()
    const lines = readFileSync(file, 'utf8').trim().split('\n')
    const entries = lines.map((l) => JSON.parse(l) as { action: string; seq: number })
    expect(entries.length).toBeGreaterThan(5)
    const actions = entries.map((e) => e.action)
    expect(actions.some((a) => a.startsWith('policy.'))).toBe(true)
    expect(actions.some((a) => a.includes('sanction'))).toBe(true)
    const csv = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')
    expect(csv).toContain('format=csv')
    await page.getByRole('button', { name: 'Verify chain' }).click()
    await expectText(page.getByTestId('verify-result'), 'Chain OK')
    await shot('13-audit-verified')
    // Enter on an entry opens its detail.
    await page.locator('tr.row-link').first().focus()
    await page.keyboard.press('Enter')
    await page.getByRole('dialog').getByText('Previous hash').waitFor()
    await shot('14-audit-entry')
    await page.keyboard.press('Escape')
    await page.getByRole('dialog').waitFor({ state: 'detached' })
  })

  it('shows settings: policy defaults, admin users and webhooks', async () => {
    await nav(page, 'Settings').click()
    await page.getByRole('heading', { name: 'Policy defaults by risk' }).waitFor()
    await page.locator('table[aria-label="Admin users"]').waitFor()
    await page.getByRole('heading', { name: 'Webhooks' }).waitFor()
    await page.locator('input[name=url]').fill('https://siem.acme.example/hooks/consentry')
    await page.getByRole('button', { name: 'Add webhook' }).click()
    await page.getByTestId('secret-value').waitFor()
    await shot('15-settings')
    await page.setViewportSize({ width: 1920, height: 1080 })
    await nav(page, 'Apps').click()
    await page.locator('table[aria-label="Apps"]').waitFor()
    await shot('16-apps-wide')
    await page.setViewportSize({ width: 1280, height: 860 })
  })

  it('shows an auditor no button that changes anything', async () => {
    const auditor = await org.addAdmin('auditor')
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } })
    const p = await ctx.newPage()
    watchConsole(p)
    await login(p, auditor.email)
    const firefliesId = await appIdOf(APPS.fireflies.clientId)
    await p.goto(`${admin.baseUrl}/apps/${firefliesId}`)
    await p.getByRole('heading', { name: 'What it can do' }).waitFor()
    await p.locator('.policy-effective').waitFor()
    expect(await p.locator('#app-policy').count()).toBe(0)
    expect(await p.getByRole('button', { name: /Save|Sanction|Withdraw/ }).count()).toBe(0)
    await shot('17-auditor-app-detail', p)
    await nav(p, 'Devices & enrollment').click()
    await p.locator('table[aria-label="Devices"]').waitFor()
    expect(await p.getByRole('button', { name: /Create token|Revoke/ }).count()).toBe(0)
    await nav(p, 'Requests').click()
    await p.getByRole('tab', { name: 'Decided' }).waitFor()
    expect(await p.getByRole('button', { name: /Approve|Deny/ }).count()).toBe(0)
    await ctx.close()
  })

  it('logs out, and the browser saw no CSP violation', async () => {
    await page.getByRole('button', { name: 'Logout' }).click()
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    expect((await fetch(`${admin.baseUrl}/api/v1/auth/me`)).status).toBe(401)
    expect(cspErrors).toEqual([])
  })
})
