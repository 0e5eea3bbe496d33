// The leavers and their grants: `perLeaver` grants each, split over the providers by `split`.
// Google, Microsoft and Okta grants draw distinct apps from a shared pool per provider (many
// people use the same apps); Slack keeps one org-wide approval per app, so each Slack grant is an
// app that leaver approved. GitHub tells a member's grants apart only by kind (the connector's
// clientId is the credential's type: a credential authorization names no app), so a leaver has at
// most two: a SAML-authorized personal access token, then a fine-grained PAT. Every leaver has a
// GitHub login, which the plan puts on GitHub jobs (GitHub finds org members by login, not email).

export const BENCH_PROVIDERS = ['google', 'microsoft', 'okta', 'slack', 'github'] as const
export type BenchProvider = (typeof BENCH_PROVIDERS)[number]

export interface SeedGrant {
  provider: BenchProvider
  clientId: string
  appName: string
  scopes: string[]
}

export interface Leaver {
  email: string
  name: string
  /** people.githubLogin (set by PATCH /api/v1/people/:id or SCIM in the product). */
  githubLogin: string
  grants: SeedGrant[]
}

export type Split = Record<BenchProvider, number>

/** The connector's clientId of each GitHub grant kind, in the order leavers get them. */
export const GITHUB_KINDS = [
  'credential:personal access token',
  'credential:fine-grained personal access token',
] as const

/** "google:6,microsoft:6,okta:4,slack:2,github:2" -> the grants per leaver of each provider. */
export function parseSplit(text: string): Split {
  const split: Split = { google: 0, microsoft: 0, okta: 0, slack: 0, github: 0 }
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, count] = part.split(':')
    if (!BENCH_PROVIDERS.includes(name as BenchProvider))
      throw new Error(
        `BENCH_SPLIT: unknown provider ${name} (one of ${BENCH_PROVIDERS.join(', ')})`
      )
    const n = Number(count)
    if (!Number.isInteger(n) || n < 0) throw new Error(`BENCH_SPLIT: bad count in ${part}`)
    split[name as BenchProvider] = n
  }
  if (split.github > GITHUB_KINDS.length)
    throw new Error(
      `BENCH_SPLIT: at most ${GITHUB_KINDS.length} GitHub grants per leaver (the connector tells ` +
        `a member's grants apart only by credential type)`
    )
  return split
}

const POOL: Record<Exclude<BenchProvider, 'slack' | 'github'>, number> = {
  google: 120,
  microsoft: 60,
  okta: 60,
}

const pad = (n: number, width: number) => String(n).padStart(width, '0')

function app(provider: BenchProvider, n: number): SeedGrant {
  switch (provider) {
    case 'google':
      return {
        provider,
        clientId: `${700_000_000 + n}-bench${n}.apps.googleusercontent.com`,
        appName: `Google app ${n}`,
        scopes: ['https://www.googleapis.com/auth/drive.readonly'],
      }
    case 'microsoft':
      return {
        provider,
        clientId: `0b3c4d5e-0000-4000-8000-${pad(n, 12)}`,
        appName: `Entra app ${n}`,
        scopes: ['Mail.Read', 'offline_access'],
      }
    case 'okta':
      return {
        provider,
        clientId: `0oabench${pad(n, 8)}`,
        appName: `Okta app ${n}`,
        scopes: ['okta.users.read'],
      }
    case 'slack':
      return {
        provider,
        clientId: `A0BENCH${pad(n, 6)}`,
        appName: `Slack app ${n}`,
        scopes: ['channels:history'],
      }
    case 'github':
      return {
        provider,
        clientId: GITHUB_KINDS[n - 1] as string,
        appName: n === 1 ? 'AI coding assistant' : 'AI agent',
        scopes: n === 1 ? ['repo', 'read:org'] : ['repository:contents:read'],
      }
  }
}

export function makeLeavers(count: number, split: Split): Leaver[] {
  const leavers: Leaver[] = []
  let slackApps = 0
  for (let i = 0; i < count; i++) {
    const grants: SeedGrant[] = []
    for (const provider of BENCH_PROVIDERS) {
      const k = split[provider]
      for (let j = 0; j < k; j++) {
        if (provider === 'slack') grants.push(app(provider, ++slackApps))
        else if (provider === 'github') grants.push(app(provider, j + 1))
        else {
          const pool = POOL[provider]
          if (k > pool) throw new Error(`at most ${pool} ${provider} grants per leaver`)
          grants.push(app(provider, ((i * k + j) % pool) + 1))
        }
      }
    }
    leavers.push({
      email: `leaver${pad(i + 1, 5)}@bench.example`,
      name: `Leaver ${i + 1}`,
      // Unlike the email on purpose: the jobs must carry the login, not derive it.
      githubLogin: `bench-dev-${pad(i + 1, 5)}`,
      grants,
    })
  }
  return leavers
}
