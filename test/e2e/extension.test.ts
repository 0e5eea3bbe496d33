// End to end in Debian's Chromium: the built extension, the real server over HTTP, and local
// pages standing in for Google's and Microsoft's consent screens and the apps' callbacks.
import { serve, type ServerType } from '@hono/node-server'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestServer, type OrgFixture, type TestServer } from '../support/test-server.ts'
import { launchWithExtension, type ExtensionBrowser } from './support/browser.ts'
import { APP_HOSTS, IDP_HOSTS, startFakeIdp, type FakeIdp } from './support/fake-idp.ts'

const root = join(import.meta.dirname, '..', '..')
const extensionDir = join(root, 'extension', '.output', 'chrome-mv3')
const artifacts = join(root, 'test-results', 'e2e')
const userDataDir = mkdtempSync(join(tmpdir(), 'consentry-chromium-'))

let server: TestServer
let http: ServerType | null = null
let serverPort = 0
let idp: FakeIdp
let browser: ExtensionBrowser
let org: OrgFixture
const EMPLOYEE = 'ada@acme.example'

function listen(port = 0): Promise<number> {
  return new Promise((resolve) => {
    http = serve({ fetch: server.app.fetch, port, hostname: '127.0.0.1' }, (info) =>
      resolve(info.port)
    )
  })
}
function stopListening(): Promise<void> {
  return new Promise((resolve) => (http ? http.close(() => resolve()) : resolve()))
}

type Grant = {
  personEmail: string
  status: string
  appName: string | null
  clientId: string
  scopes: string[]
}
async function grantsOf(clientId: string): Promise<Grant[]> {
  const res = await org.owner.request('GET', '/api/v1/grants?limit=200')
  return ((await res.json()) as { items: Grant[] }).items.filter((g) => g.clientId === clientId)
}

const launch = () => launchWithExtension(extensionDir, userDataDir, [...IDP_HOSTS, ...APP_HOSTS])

function googleConsent(clientId: string, redirectHost = 'app.fireflies.ai') {
  const q = new URLSearchParams({
    client_id: clientId,
    redirect_uri: `https://${redirectHost}:${idp.port}/oauth/google`,
    response_type: 'code',
    scope: 'openid email https://www.googleapis.com/auth/drive.readonly',
    access_type: 'offline',
    state: 'STATE-SECRET',
    login_hint: EMPLOYEE,
  })
  return idp.url('accounts.google.com', `/o/oauth2/v2/auth?${q}`)
}

/** Press "Sync now" in the popup: delivers the outbox and refreshes the policy. */
async function syncNow() {
  const popup = await browser.context.newPage()
  await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`)
  await popup.getByRole('button', { name: 'Sync now' }).click()
  await popup.getByRole('button', { name: 'Sync now' }).waitFor()
  await popup.close()
}

async function overlay(page: Page) {
  const dialog = page.locator('consentry-warning [role="alertdialog"]')
  await dialog.waitFor({ timeout: 15_000 })
  return dialog
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true })
  execFileSync('npx', ['wxt', 'build', 'extension'], { cwd: root, stdio: 'ignore' })
  server = await createTestServer('pglite', {}, { realClock: true })
  serverPort = await listen()
  org = await server.createOrg('Acme')
  idp = await startFakeIdp()
  browser = await launch()
  // Enroll through the options page, as an employee would.
  const token = (
    (await (
      await org.owner.request('POST', '/api/v1/enrollment-tokens', { label: 'e2e' })
    ).json()) as { token: string }
  ).token
  const options = await browser.context.newPage()
  await options.goto(`chrome-extension://${browser.extensionId}/options.html`)
  await options.fill('#server', `http://127.0.0.1:${serverPort}`)
  await options.fill('#token', token)
  await options.fill('#email', EMPLOYEE)
  await options.click('button[type=submit]')
  await options.getByText('Enrolled in Acme.').waitFor({ timeout: 15_000 })
  await options.screenshot({ path: join(artifacts, '0-options-enrolled.png') })
  await options.close()
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await idp?.close()
  await stopListening()
  await server?.close()
  rmSync(userDataDir, { recursive: true, force: true })
})

describe('extension end to end', { timeout: 180_000 }, () => {
  it('(1) warns on a Google Drive consent by an AI tool, and the grant reaches the inventory', async () => {
    const page = await browser.context.newPage()
    await page.goto(googleConsent('1111-fireflies.apps.googleusercontent.com'))
    const dialog = await overlay(page)
    await expect
      .poll(() => dialog.textContent())
      .toContain('Fireflies.ai wants access to your Google account')
    const text = (await dialog.textContent()) ?? ''
    expect(text).toContain('AI tool')
    expect(text).toContain('Read all your Google Drive files')
    expect(text).toContain('Critical risk')
    // Default policy for critical risk: justify before continuing.
    const proceed = dialog.getByRole('button', { name: 'Continue' })
    expect(await proceed.isDisabled()).toBe(true)
    await dialog.locator('textarea').fill('Meeting notes for customer calls')
    await page.screenshot({ path: join(artifacts, '1-overlay-justify.png') })
    await proceed.click()
    await page.click('#allow')
    await page.locator('#app-page').waitFor()
    await expect
      .poll(() => grantsOf('1111-fireflies.apps.googleusercontent.com'), { timeout: 20_000 })
      .toMatchObject([{ personEmail: EMPLOYEE, status: 'active', appName: 'Fireflies.ai' }])
    const audit = (await (
      await org.owner.request('GET', '/api/v1/audit?action=consent.policy_continued')
    ).json()) as { items: Array<{ data: { justification: string } }> }
    expect(audit.items.map((e) => e.data.justification)).toContain(
      'Meeting notes for customer calls'
    )
    await page.close()
  })

  it('(2) records a Microsoft Graph consent the employee denies as denied', async () => {
    const page = await browser.context.newPage()
    const q = new URLSearchParams({
      client_id: '22222222-2222-2222-2222-222222222222',
      response_type: 'code',
      redirect_uri: `https://otter.ai:${idp.port}/ms/callback`,
      scope: 'https://graph.microsoft.com/Mail.Read offline_access',
      state: 'STATE-SECRET',
    })
    await page.goto(idp.url('login.microsoftonline.com', `/common/oauth2/v2.0/authorize?${q}`))
    const dialog = await overlay(page)
    await expect.poll(() => dialog.textContent()).toContain('Read all your email and attachments')
    // Mail read with offline access rates critical: the default policy asks for a reason.
    await dialog.locator('textarea').fill('Testing the Outlook integration')
    await page.screenshot({ path: join(artifacts, '2-overlay-justify-mail.png') })
    await dialog.getByRole('button', { name: 'Continue' }).click()
    await page.click('#deny')
    await page.locator('#app-page').waitFor()
    await expect
      .poll(() => grantsOf('22222222-2222-2222-2222-222222222222'), { timeout: 20_000 })
      .toMatchObject([{ personEmail: EMPLOYEE, status: 'denied', appName: 'Otter.ai' }])
    await page.close()
  })

  it('(3) stops a consent the policy blocks, and the approval request reaches the server', async () => {
    expect(
      (
        await org.owner.request('PUT', '/api/v1/admin/policy/risk', {
          low: 'allow',
          medium: 'warn',
          high: 'warn',
          critical: 'block',
        })
      ).status
    ).toBe(200)
    await syncNow()

    const page = await browser.context.newPage()
    await page.goto(googleConsent('3333-blocked.apps.googleusercontent.com', 'notes.example'))
    const dialog = await overlay(page)
    await expect.poll(() => dialog.textContent()).toContain('does not allow this app')
    expect(await dialog.getByRole('button', { name: 'Continue' }).count()).toBe(0)
    // The provider's Allow button cannot be reached under the overlay.
    await expect(page.click('#allow', { timeout: 1500 })).rejects.toThrow()
    await dialog.locator('textarea').fill('Our sales team needs shared notes')
    await dialog.getByRole('button', { name: 'Request approval' }).click()
    await dialog.getByText('Your request was sent to IT').waitFor()
    await page.screenshot({ path: join(artifacts, '3-overlay-blocked.png') })
    await expect
      .poll(
        async () => {
          const res = await org.owner.request('GET', '/api/v1/audit?action=approval.requested')
          return (
            (await res.json()) as { items: Array<{ data: { clientId: string; reason: string } }> }
          ).items.map((e) => [e.data.clientId, e.data.reason])
        },
        { timeout: 20_000 }
      )
      .toEqual([['3333-blocked.apps.googleusercontent.com', 'Our sales team needs shared notes']])
    expect(await grantsOf('3333-blocked.apps.googleusercontent.com')).toEqual([])
    await page.close()
    await org.owner.request('PUT', '/api/v1/admin/policy/risk', {
      low: 'allow',
      medium: 'allow',
      high: 'warn',
      critical: 'warn',
    })
    await syncNow()
  })

  it('(4) loses nothing and duplicates nothing across a server outage and a browser restart', async () => {
    await stopListening()
    const clients = ['4444-a.apps.googleusercontent.com', '4444-b.apps.googleusercontent.com']
    for (const clientId of clients) {
      const page = await browser.context.newPage()
      await page.goto(googleConsent(clientId))
      const dialog = await overlay(page)
      const proceed = dialog.getByRole('button', { name: 'Continue' })
      if (await dialog.locator('textarea').count())
        await dialog.locator('textarea').fill('Needed for my work, offline test')
      await proceed.click()
      await page.click('#allow')
      await page.locator('#app-page').waitFor()
      await page.close()
    }
    const popup = await browser.context.newPage()
    await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`)
    await expect
      .poll(
        async () =>
          Number(await popup.locator('dt:has-text("Waiting to send") + dd').textContent()),
        { timeout: 10_000 }
      )
      .toBeGreaterThanOrEqual(4)
    await popup.screenshot({ path: join(artifacts, '4-popup-offline.png') })
    await browser.close()

    browser = await launch()
    await listen(serverPort)
    for (const clientId of clients) {
      await expect
        .poll(() => grantsOf(clientId), { timeout: 60_000, interval: 1000 })
        .toMatchObject([{ status: 'active', personEmail: EMPLOYEE }])
    }
    // Exactly once: one "pending" and one "granted" event per flow, and one grant per app.
    const rows = await server.db.db.execute(
      `select payload->'request'->>'clientId' as client, payload->>'outcome' as outcome, count(*)::int as n from consent_events where payload->'request'->>'clientId' like '4444-%' group by 1, 2 order by 1, 2` as never
    )
    const list = (
      Array.isArray(rows) ? rows : (rows as unknown as { rows: unknown[] }).rows
    ) as Array<{ client: string; outcome: string; n: number }>
    expect(list).toEqual(
      clients.flatMap((client) => [
        { client, outcome: 'granted', n: 1 },
        { client, outcome: 'pending', n: 1 },
      ])
    )
    for (const clientId of clients) expect(await grantsOf(clientId)).toHaveLength(1)

    const after = await browser.context.newPage()
    await after.goto(`chrome-extension://${browser.extensionId}/popup.html`)
    await after.getByText('My AI connections').waitFor()
    await expect
      .poll(() => after.locator('.connections > li').count(), { timeout: 10_000 })
      .toBeGreaterThanOrEqual(3)
    await after.screenshot({ path: join(artifacts, '5-popup-connections.png') })
  })
})
