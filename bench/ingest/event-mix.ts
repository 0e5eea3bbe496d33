// A realistic batch of device events: ~70% ai_usage, ~30% consent over a pool of ~200 apps.
import { randomUUID } from 'node:crypto'
import { AI_TOOLS } from '../../shared/catalog/ai-tools.ts'
import type { DeviceEventInput } from '../../shared/api/events.ts'

const USAGE_DOMAINS = [
  'chatgpt.com',
  'claude.ai',
  'otter.ai',
  'gemini.google.com',
  'copilot.microsoft.com',
  'chat.mistral.ai',
  'perplexity.ai',
  'fireflies.ai',
  'poe.com',
  'grammarly.com',
  'chat.deepseek.com',
  'granola.ai',
] as const

const AI_REDIRECT_HOSTS = [...new Set(AI_TOOLS.flatMap((t) => t.redirectHosts))]

const PROVIDERS = {
  google: {
    host: 'accounts.google.com',
    scopes: [
      ['openid', 'email', 'profile'],
      ['openid', 'https://www.googleapis.com/auth/calendar.readonly'],
      ['openid', 'https://www.googleapis.com/auth/drive.readonly'],
      [
        'https://www.googleapis.com/auth/gmail.readonly',
        'https://www.googleapis.com/auth/calendar',
      ],
    ],
  },
  microsoft: {
    host: 'login.microsoftonline.com',
    scopes: [
      ['openid', 'profile', 'User.Read'],
      ['openid', 'offline_access', 'Calendars.Read', 'User.Read'],
      ['offline_access', 'Mail.Read', 'Files.Read.All'],
    ],
  },
  github: {
    host: 'github.com',
    scopes: [['read:user'], ['repo', 'read:org'], ['user:email']],
  },
} as const
type ProviderName = keyof typeof PROVIDERS

interface App {
  provider: ProviderName
  clientId: string
  redirectHost: string
  scopes: readonly string[]
  offlineAccess: boolean
}

/** A fixed pool of apps: ~40% known AI tools (by redirect host), the rest ordinary SaaS. */
export function appPool(size = 200): App[] {
  const apps: App[] = []
  for (let i = 0; i < size; i++) {
    const provider: ProviderName = i % 20 < 10 ? 'google' : i % 20 < 17 ? 'microsoft' : 'github'
    const n = String(i).padStart(3, '0')
    const clientId =
      provider === 'google'
        ? `${100000 + i}-bench${n}.apps.googleusercontent.com`
        : provider === 'microsoft'
          ? `00000000-0000-4000-8000-000000000${n}`
          : `Iv1.bench${n}abcdef01`
    const redirectHost =
      i % 5 < 2
        ? (AI_REDIRECT_HOSTS[i % AI_REDIRECT_HOSTS.length] ?? 'app.example.com')
        : `app${n}.saas.example`
    const scopeSets = PROVIDERS[provider].scopes
    const scopes = scopeSets[i % scopeSets.length] ?? []
    apps.push({
      provider,
      clientId,
      redirectHost,
      scopes,
      offlineAccess: provider !== 'github' && i % 3 === 0,
    })
  }
  return apps
}

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)] as T

export interface MixOptions {
  batchSize: number
  /** Share of ai_usage events (the rest are consent events). */
  usageShare: number
  apps: App[]
}

/** One batch for one device: fresh UUIDs every call, timestamps within the last six hours. */
export function makeBatch(
  deviceEmail: string,
  deviceIndex: number,
  opts: MixOptions
): DeviceEventInput[] {
  const now = Date.now()
  const events: DeviceEventInput[] = []
  const usageCount = Math.round(opts.batchSize * opts.usageShare)
  for (let i = 0; i < opts.batchSize; i++) {
    const at = new Date(now - Math.floor(Math.random() * 6 * 3_600_000))
    const occurredAt = at.toISOString()
    if (i < usageCount) {
      events.push({
        id: randomUUID(),
        type: 'ai_usage',
        occurredAt,
        domain: pick(USAGE_DOMAINS),
        day: occurredAt.slice(0, 10),
        visits: 1 + Math.floor(Math.random() * 20),
        signIns: Math.random() < 0.1 ? 1 : 0,
      })
      continue
    }
    // Popular apps are seen more often (skewed towards the start of the pool).
    const app = opts.apps[Math.floor(opts.apps.length * Math.random() ** 2)] ?? opts.apps[0]!
    const r = Math.random()
    const outcome = r < 0.5 ? 'granted' : r < 0.7 ? 'denied' : 'pending'
    events.push({
      id: randomUUID(),
      type: 'consent',
      occurredAt,
      flowId: randomUUID(),
      outcome,
      request: {
        provider: app.provider,
        kind: 'consent',
        host: PROVIDERS[app.provider].host,
        clientId: app.clientId,
        redirectHost: app.redirectHost,
        scopes: [...app.scopes],
        offlineAccess: app.offlineAccess,
        // Mostly the employee's work account, sometimes a personal one.
        loginHint: Math.random() < 0.85 ? deviceEmail : `personal.${deviceIndex}@gmail.com`,
        pkce: 'S256',
      },
      grantedScopes: outcome === 'granted' ? [...app.scopes] : null,
    } as DeviceEventInput)
  }
  return events
}
