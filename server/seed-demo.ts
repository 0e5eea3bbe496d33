// `npm run seed:demo`: fills the first organisation with a living inventory (hundreds of people,
// dozens of AI apps from the catalog, thousands of grants over six months) through the same
// ingestion path devices use. Run it while the server is stopped (PGlite has one owner).
import { resolve } from 'node:path'
import { randomBytes, randomUUID } from 'node:crypto'
import { hashPassword } from './domain/secrets.ts'
import { AI_TOOLS } from '../shared/catalog/ai-tools.ts'
import type { DeviceEventInput } from '../shared/api/events.ts'
import type { Db } from './db/client.ts'
import { openConfiguredDb } from './open-configured-db.ts'
import { ensureFirstOrganisation } from './domain/organisations.ts'
import { createEnrollmentToken, enrollDevice, type DeviceIdentity } from './domain/enrollment.ts'
import { ingestEvents } from './domain/ingest-events.ts'
import { sanctionApp } from './domain/apps.ts'
import { setRiskPolicy } from './domain/policy.ts'
import { parseEnv } from './env.ts'
import { adminUsers, apps } from './db/schema/index.ts'
import { createSecretBox, loadSecretKey, type SecretBox } from './domain/secret-box.ts'
import {
  createDemoSimulators,
  DEMO_SIMULATOR_PORT,
  demoBaseUrls,
  type DemoSimulators,
} from './demo/provider-simulators.ts'
import { seedLeavers } from './demo/seed-leavers.ts'
import { and, eq } from 'drizzle-orm'

const FIRST = [
  'ada',
  'grace',
  'alan',
  'linus',
  'margaret',
  'ken',
  'barbara',
  'dennis',
  'frances',
  'john',
  'radia',
  'tim',
  'katherine',
  'guido',
  'hedy',
  'vint',
  'shafi',
  'donald',
  'sophie',
  'edsger',
]
const LAST = [
  'lovelace',
  'hopper',
  'turing',
  'torvalds',
  'hamilton',
  'thompson',
  'liskov',
  'ritchie',
  'allen',
  'backus',
  'perlman',
  'berners',
  'johnson',
  'vanrossum',
  'lamarr',
  'cerf',
  'goldwasser',
  'knuth',
  'wilson',
  'dijkstra',
]
const SCOPES: Record<string, string[][]> = {
  google: [
    ['openid', 'email', 'profile', 'https://www.googleapis.com/auth/calendar.readonly'],
    ['openid', 'email', 'https://www.googleapis.com/auth/drive.readonly'],
    [
      'openid',
      'email',
      'https://www.googleapis.com/auth/gmail.readonly',
      'https://www.googleapis.com/auth/calendar.events',
    ],
    ['openid', 'email', 'profile'],
    ['https://www.googleapis.com/auth/drive', 'https://www.googleapis.com/auth/documents'],
  ],
  microsoft: [
    [
      'openid',
      'profile',
      'email',
      'offline_access',
      'User.Read',
      'Calendars.Read',
      'OnlineMeetings.Read',
    ],
    ['openid', 'offline_access', 'Mail.Read', 'Files.Read.All'],
    ['openid', 'profile', 'User.Read'],
    ['offline_access', 'Files.ReadWrite.All', 'Sites.Read.All'],
  ],
  slack: [
    ['channels:history', 'channels:read', 'chat:write'],
    ['search:read', 'users:read'],
  ],
  github: [
    ['repo', 'read:org'],
    ['read:user', 'user:email'],
    ['repo', 'workflow'],
  ],
}
const HOST = {
  google: 'accounts.google.com',
  microsoft: 'login.microsoftonline.com',
  slack: 'slack.com',
  github: 'github.com',
} as const
type P = keyof typeof HOST

/** Mulberry32: the same demo every time. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export async function seedDemo(
  db: Db,
  opts: {
    people?: number
    grants?: number
    now?: Date
    /** Leavers, and the providers connected to these simulators (credentials sealed with the box). */
    offboarding?: { simulators: DemoSimulators; secretBox: SecretBox; publicUrl?: string }
  } = {}
) {
  const rand = rng(7)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T
  const now = opts.now ?? new Date()
  const { orgId } = await ensureFirstOrganisation(db, now)
  let [owner] = await db
    .select({ id: adminUsers.id, email: adminUsers.email })
    .from(adminUsers)
    .where(eq(adminUsers.orgId, orgId))
    .limit(1)
  let demoLogin: { email: string; password: string } | null = null
  if (!owner) {
    // No admin yet: create a demo owner (a fresh database is a demo database).
    demoLogin = { email: 'demo@acme.example', password: randomBytes(12).toString('base64url') }
    const [created] = await db
      .insert(adminUsers)
      .values({
        orgId,
        email: demoLogin.email,
        name: 'Demo Owner',
        role: 'owner',
        passwordHash: await hashPassword(demoLogin.password),
        createdAt: now,
      })
      .returning({ id: adminUsers.id, email: adminUsers.email })
    owner = created
  }
  const actor = { orgId, adminId: owner?.id ?? '' }
  const token = await createEnrollmentToken(
    db,
    actor,
    { label: 'Demo fleet', expiresInHours: 24 },
    now
  )

  const peopleCount = opts.people ?? 300
  const devices: DeviceIdentity[] = []
  for (let i = 0; i < peopleCount; i++) {
    const email = `${FIRST[i % FIRST.length]}.${LAST[Math.floor(i / FIRST.length) % LAST.length]}${i >= 400 ? i : ''}@acme.example`
    const enrolled = await enrollDevice(
      db,
      {
        token: token.token,
        email,
        browser: rand() < 0.8 ? 'chrome' : 'firefox',
        extensionVersion: '0.1.0',
      },
      now
    )
    if (enrolled.ok) devices.push({ deviceId: enrolled.deviceId, orgId, personId: null, email })
  }
  // enrollDevice made the people; look their ids up through a first tiny ingest per device.
  const tools = AI_TOOLS.filter((t) => t.redirectHosts.length > 0).slice(0, 48)
  const appsFor = tools.map((tool, i) => {
    const provider = (['google', 'microsoft', 'slack', 'github'] as const)[i % 4] as P
    const clientId =
      provider === 'google'
        ? `${100000 + i}-demo${i}.apps.googleusercontent.com`
        : provider === 'microsoft'
          ? `00000000-0000-4000-a000-${String(i).padStart(12, '0')}`
          : provider === 'slack'
            ? `${3000 + i}.${9000 + i}`
            : `Ov23liDemo${String(i).padStart(10, '0')}`
    return {
      tool,
      provider,
      clientId,
      scopes: pick(SCOPES[provider] ?? [[]]),
      weight: 1 / (1 + i / 6),
    }
  })
  const totalWeight = appsFor.reduce((n, a) => n + a.weight, 0)
  const pickApp = () => {
    let r = rand() * totalWeight
    for (const a of appsFor) if ((r -= a.weight) <= 0) return a
    return appsFor[0] as (typeof appsFor)[number]
  }
  const grantTarget = opts.grants ?? 3000
  const perDevice = new Map<string, DeviceEventInput[]>()
  for (let i = 0; i < grantTarget; i++) {
    const device = pick(devices)
    const app = pickApp()
    const when = new Date(now.getTime() - Math.floor(rand() ** 1.6 * 180 * 86_400_000))
    const outcome = rand() < 0.86 ? 'granted' : 'denied'
    const events = perDevice.get(device.deviceId) ?? []
    events.push({
      id: randomUUID(),
      type: 'consent',
      occurredAt: when.toISOString(),
      flowId: randomUUID(),
      outcome,
      request: {
        provider: app.provider,
        kind: app.provider === 'slack' ? 'app_install' : 'consent',
        host: HOST[app.provider],
        clientId: app.clientId,
        redirectHost: app.tool.redirectHosts[0] ?? null,
        scopes: app.scopes,
        loginHint: device.email,
        offlineAccess: app.provider === 'microsoft' || rand() < 0.5,
      },
    })
    if (rand() < 0.3) {
      const day = when.toISOString().slice(0, 10)
      events.push({
        id: randomUUID(),
        type: 'ai_usage',
        occurredAt: when.toISOString(),
        domain: app.tool.domains[0] ?? 'chatgpt.com',
        day,
        visits: 1 + Math.floor(rand() * 20),
        signIns: rand() < 0.2 ? 1 : 0,
      })
    }
    perDevice.set(device.deviceId, events)
  }
  let accepted = 0
  for (const device of devices) {
    const events = perDevice.get(device.deviceId) ?? []
    for (let i = 0; i < events.length; i += 200) {
      const deviceWithPerson = await withPerson(db, device)
      accepted += (await ingestEvents(db, deviceWithPerson, events.slice(i, i + 200), now)).accepted
        .length
    }
  }
  // A few approval requests, sanctions (one expired) and a stricter policy.
  const blocked = appsFor[appsFor.length - 1]
  for (const device of devices.slice(0, 4)) {
    if (!blocked) break
    await ingestEvents(
      db,
      await withPerson(db, device),
      [
        {
          id: randomUUID(),
          type: 'approval_request',
          occurredAt: now.toISOString(),
          flowId: randomUUID(),
          request: {
            provider: blocked.provider,
            kind: 'consent',
            host: HOST[blocked.provider],
            clientId: `${blocked.clientId}-new`,
            redirectHost: blocked.tool.redirectHosts[0] ?? null,
            scopes: blocked.scopes,
            offlineAccess: true,
          },
          reason: pick([
            'Our team uses it for customer call notes',
            'Needed for the Q3 research project',
            'My manager asked me to try it for meeting summaries',
            'Drafting release notes faster',
          ]),
        },
      ],
      now
    )
  }
  const rows = await db
    .select({ id: apps.id, clientId: apps.clientId })
    .from(apps)
    .where(and(eq(apps.orgId, orgId), eq(apps.isAi, true)))
    .limit(6)
  const owners = ['it-lead@acme.example', 'sales-ops@acme.example', 'eng-manager@acme.example']
  for (const [i, row] of rows.entries()) {
    const expiresAt =
      i === 0
        ? new Date(now.getTime() - 3 * 86_400_000)
        : new Date(now.getTime() + (60 + i * 30) * 86_400_000)
    await sanctionApp(
      db,
      actor,
      row.id,
      {
        sanctioned: true,
        ownerEmail: owners[i % owners.length] ?? null,
        purpose: pick([
          'Meeting notes for sales calls',
          'Engineering code review',
          'Marketing drafts',
        ]),
        expiresAt: expiresAt.toISOString(),
      },
      now
    )
  }
  await setRiskPolicy(
    db,
    actor,
    { low: 'allow', medium: 'allow', high: 'warn', critical: 'justify' },
    now
  )
  const offboarding =
    opts.offboarding && owner
      ? await seedLeavers(db, { orgId, owner, now, ...opts.offboarding })
      : null
  return {
    orgId,
    people: devices.length,
    accepted,
    demoLogin,
    approverLogin: offboarding?.approver ?? null,
    leavers: offboarding?.leavers ?? 0,
  }
}

const personCache = new Map<string, DeviceIdentity>()
async function withPerson(db: Db, device: DeviceIdentity): Promise<DeviceIdentity> {
  const cached = personCache.get(device.deviceId)
  if (cached) return cached
  const { devices } = await import('./db/schema/index.ts')
  const [row] = await db
    .select({ personId: devices.personId })
    .from(devices)
    .where(eq(devices.id, device.deviceId))
  const full = { ...device, personId: row?.personId ?? null }
  personCache.set(device.deviceId, full)
  return full
}

/** Print how to sign in: the owner's and the second admin's logins, when this run made them. */
export function printDemoLogins(result: Awaited<ReturnType<typeof seedDemo>>) {
  if (result.demoLogin)
    console.log(`Log in as ${result.demoLogin.email} with password ${result.demoLogin.password}`)
  if (result.approverLogin)
    console.log(
      `Approve revocations as ${result.approverLogin.email} with password ${result.approverLogin.password}`
    )
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const env = parseEnv(process.env)
  const dataDir = resolve(env.DATA_DIR)
  const database = await openConfiguredDb()
  const secretBox = createSecretBox(
    loadSecretKey({ secretKey: env.CONSENTRY_SECRET_KEY, dataDir, embedded: !env.DATABASE_URL })
  )
  const port = Number(process.env.DEMO_SIMULATOR_PORT || DEMO_SIMULATOR_PORT)
  // In process: the seed reaches the simulators without their ports (npm run demo serves them).
  const simulators = createDemoSimulators({ baseUrls: demoBaseUrls(port) })
  const started = Date.now()
  const result = await seedDemo(database.db, {
    offboarding: { simulators, secretBox, publicUrl: env.PUBLIC_URL },
  })
  console.log(
    `Seeded ${result.people} people, ${result.accepted} events and ${result.leavers} leavers into organisation ${result.orgId} in ${((Date.now() - started) / 1000).toFixed(1)} s.`
  )
  printDemoLogins(result)
  console.log('Start the server with its provider simulators with npm run demo.')
  await database.close()
}
