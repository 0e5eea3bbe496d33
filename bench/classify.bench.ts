// Classification throughput on a mixed URL set, as a ratio to `new URL()` alone on the same URLs.
import { classifyUrl } from '../shared/consent/classify-url.ts'
import { parseConsentUrl } from '../shared/consent/parse-consent-url.ts'
import { mixedUrls } from './mixed-urls.ts'

const urls = mixedUrls(20_000, Number(process.env.CONSENT_SHARE ?? 0.1))
let sink = 0

function time(fn: (u: string) => unknown): number {
  const start = process.hrtime.bigint()
  for (const u of urls) if (fn(u)) sink++
  return Number(process.hrtime.bigint() - start) / urls.length
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? 0
}

const candidates = {
  'new URL() baseline': (u: string) => new URL(u),
  parseConsentUrl: (u: string) => parseConsentUrl(u),
  'parseConsentUrl + classifyConsent': (u: string) => classifyUrl(u).consent,
}
const samples: Record<string, number[]> = Object.fromEntries(
  Object.keys(candidates).map((k) => [k, []])
)
for (let round = 0; round < 15; round++) {
  for (const [name, fn] of Object.entries(candidates)) samples[name]?.push(time(fn))
}
const base = median(samples['new URL() baseline'] ?? [])
console.log(
  `${urls.length} URLs, consent share ${process.env.CONSENT_SHARE ?? 0.1}, median of 15 rounds`
)
for (const [name, xs] of Object.entries(samples)) {
  const ns = median(xs)
  console.log(
    `${name.padEnd(36)} ${ns.toFixed(0).padStart(6)} ns/url   ratio ${(ns / base).toFixed(2)}x`
  )
}
if (sink < 0) console.log(sink)
