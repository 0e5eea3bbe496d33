// Debian's Chromium driven by playwright-core, with the built extension loaded and the fake
// providers' hosts mapped to loopback.
import { chromium, type BrowserContext, type Worker } from 'playwright-core'
import { existsSync } from 'node:fs'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export interface ExtensionBrowser {
  context: BrowserContext
  extensionId: string
  worker: Worker
  close(): Promise<void>
}

export async function launchWithExtension(
  extensionDir: string,
  userDataDir: string,
  mappedHosts: string[]
): Promise<ExtensionBrowser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`
    )
  const rules = mappedHosts.map((h) => `MAP ${h} 127.0.0.1`).join(', ')
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: false,
    ignoreDefaultArgs: [
      '--disable-extensions',
      '--disable-component-extensions-with-background-pages',
    ],
    viewport: { width: 1280, height: 860 },
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--ignore-certificate-errors',
      `--host-resolver-rules=${rules}, EXCLUDE localhost, EXCLUDE 127.0.0.1`,
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
    ],
  })
  const worker =
    context.serviceWorkers()[0] ??
    (await context.waitForEvent('serviceworker', { timeout: 30_000 }))
  // The worker appears before its listeners are registered: wait for them (known flake otherwise).
  for (let i = 0; i < 100; i++) {
    const ready = await worker.evaluate(() =>
      (
        globalThis as unknown as {
          chrome: { webNavigation: { onBeforeNavigate: { hasListeners(): boolean } } }
        }
      ).chrome.webNavigation.onBeforeNavigate.hasListeners()
    )
    if (ready) break
    await new Promise((r) => setTimeout(r, 100))
  }
  const extensionId = new URL(worker.url()).host
  return { context, extensionId, worker, close: () => context.close() }
}
