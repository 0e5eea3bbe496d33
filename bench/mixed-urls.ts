// A deterministic mix of ordinary navigations and consent URLs, as a browser sees them.
import { IDP_RULES } from '../shared/consent/idps/index.ts'

const HOSTS = [
  'www.google.com',
  'mail.google.com',
  'docs.google.com',
  'github.com',
  'www.youtube.com',
  'news.ycombinator.com',
  'en.wikipedia.org',
  'app.slack.com',
  'outlook.office.com',
  'www.linkedin.com',
  'stackoverflow.com',
  'www.amazon.com',
  'chatgpt.com',
  'claude.ai',
  'acme.atlassian.net',
  'www.notion.so',
  'zoom.us',
  'intranet.acme.example',
  'localhost:3000',
]
const PATHS = [
  '/',
  '/search',
  '/u/0/inbox',
  '/acme/repo/pull/123',
  '/wiki/OAuth',
  '/c/abc-def',
  '/browse/PROJ-1',
]

/** Mulberry32: a small seeded PRNG so every run measures the same URLs. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function mixedUrls(count: number, consentShare = 0.1): string[] {
  const rand = rng(42)
  const consent = IDP_RULES.flatMap((r) => r.examples)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T
  const out: string[] = []
  for (let i = 0; i < count; i++) {
    if (rand() < consentShare) {
      out.push(pick(consent))
      continue
    }
    const q =
      rand() < 0.5 ? `?q=${Math.floor(rand() * 1e9).toString(36)}&utm_source=x&ref=${i}` : ''
    out.push(`https://${pick(HOSTS)}${pick(PATHS)}${q}`)
  }
  return out
}
