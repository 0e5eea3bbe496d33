// What the extension adds to navigations: an ordinary (non-consent) navigation and a consent
// navigation, in microseconds and as a ratio to `new URL()` on the same URLs; and the built
// bundle size of each entrypoint. Run: npm run bench:ext (builds the extension first).
import 'fake-indexeddb/auto'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { readFileSync } from 'node:fs'
import { createConsentTracker } from '../extension/lib/detect-navigation.ts'
import { createExtensionDb } from '../extension/lib/outbox/db.ts'
import { createOutbox } from '../extension/lib/outbox/outbox.ts'
import { createUsageTracker } from '../extension/lib/usage.ts'
import { IDP_RULES } from '../shared/consent/idps/index.ts'
import { mixedUrls } from './mixed-urls.ts'

const ordinary = mixedUrls(20_000, 0).filter((u) => !u.includes('client_id'))
const consents = IDP_RULES.flatMap((r) => r.examples)
const db = createExtensionDb('bench')
const outbox = createOutbox(db)
let n = 0
const newId = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`
const usage = createUsageTracker({ db, outbox, newId })
const tracker = createConsentTracker({ db, outbox, clock: Date.now, newId })
await tracker.ready()

/** The background's synchronous work for one committed navigation (what delays nothing else). */
function onCommitted(tabId: number, url: string) {
  tracker.onNavigation(tabId, url)
  usage.onVisit(url, 0)
}

function perUrlMicros(urls: string[], fn: (u: string, i: number) => unknown, rounds = 9): number {
  const samples: number[] = []
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint()
    urls.forEach((u, i) => fn(u, i))
    samples.push(Number(process.hrtime.bigint() - start) / 1000 / urls.length)
  }
  return samples.sort((a, b) => a - b)[Math.floor(rounds / 2)] ?? 0
}

const nonAi = ordinary.filter((u) => !/chatgpt\.com|claude\.ai/.test(u))
const base = perUrlMicros(nonAi, (u) => new URL(u))
const ordinaryCost = perUrlMicros(nonAi, (u, i) => onCommitted(1000 + (i % 50), u))
// A consent navigation: parse, open a flow, queue the "pending" event (IndexedDB writes, awaited).
const consentSamples: number[] = []
for (let i = 0; i < 300; i++) {
  const url = consents[i % consents.length] ?? ''
  const start = process.hrtime.bigint()
  await tracker.onNavigation(i, url)
  consentSamples.push(Number(process.hrtime.bigint() - start) / 1000)
}
consentSamples.sort((a, b) => a - b)

console.log(`Navigation cost (median of 9 rounds over ${nonAi.length} ordinary URLs; 300 consent navigations)`)
console.log(`  new URL() baseline, ordinary navigation      ${base.toFixed(2)} us`)
console.log(`  extension, ordinary navigation               ${ordinaryCost.toFixed(2)} us  (${(ordinaryCost / base).toFixed(2)}x new URL(); target < 1000 us)`)
console.log(`  extension, consent navigation p50 / p99      ${consentSamples[150]?.toFixed(0)} / ${consentSamples[297]?.toFixed(0)} us (fake-indexeddb in Node)`)

const out = join(import.meta.dirname, '..', 'extension', '.output', 'chrome-mv3')
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]))
}
try {
  console.log('\nBundle sizes (chrome-mv3)')
  for (const f of files(out).filter((f) => /\.(js|css|html)$/.test(f)).sort()) {
    const bytes = statSync(f).size
    console.log(`  ${f.slice(out.length + 1).padEnd(52)} ${(bytes / 1024).toFixed(1).padStart(7)} kB  gzip ${(gzipSync(readFileSync(f)).length / 1024).toFixed(1).padStart(6)} kB`)
  }
} catch {
  console.log('  (no build found: run npm run build:ext)')
}
db.close()
