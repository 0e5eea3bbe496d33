// The demo's offboarding part: the organisation's five providers connected to the demo's
// simulators, eight leavers (SCIM, CSV and by hand; due today, overdue, upcoming, one done) with
// grants at those providers, and a second admin to approve revocations.
import { randomBytes, randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { AI_TOOLS } from '../../shared/catalog/ai-tools.ts'
import type { DeviceEventInput } from '../../shared/api/events.ts'
import type { Db } from '../db/client.ts'
import { devices, organisations, revocationJobs } from '../db/schema/index.ts'
import { silentLogger } from '../deps.ts'
import { createAdmin } from '../domain/admin-auth.ts'
import { closeCase } from '../domain/close-case.ts'
import { resolveConnector, saveConnection } from '../domain/connections.ts'
import { runDueDiscovery } from '../domain/discover-grants.ts'
import { createEnrollmentToken, enrollDevice } from '../domain/enrollment.ts'
import { createScimToken } from '../domain/feeds.ts'
import { importLeaversCsv } from '../domain/import-leavers-csv.ts'
import { updatePerson } from '../domain/update-person.ts'
import { ingestEvents } from '../domain/ingest-events.ts'
import { isoDay, markLeaving, upsertPersonRecord } from '../domain/leavers.ts'
import { approvePlan, planRevocation } from '../domain/revocation-plans.ts'
import { drainRevocations, type WorkerDeps } from '../domain/revocation-worker.ts'
import { createScimUser, patchScimUser } from '../domain/scim/scim-provisioning.ts'
import { PatchOpBody } from '../domain/scim/scim-patch.ts'
import { ScimUserBody } from '../domain/scim/scim-user.ts'
import type { SecretBox } from '../domain/secret-box.ts'
import { PROVIDER_IDS, type ProviderId } from '../providers/types.ts'
import { loadLeaverGrants, type DemoSimulators } from './provider-simulators.ts'

/** Requests per second the demo connections allow: modest, so progress is watchable. */
export const DEMO_REQUESTS_PER_SECOND = 10

const CONSENT_HOST: Record<ProviderId, string> = {
  google: 'accounts.google.com',
  microsoft: 'login.microsoftonline.com',
  github: 'github.com',
  slack: 'slack.com',
  okta: 'acme.okta.com',
}

const SCOPES: Record<ProviderId, string[]> = {
  google: [
    'openid',
    'email',
    'https://www.googleapis.com/auth/calendar.readonly',
    'https://www.googleapis.com/auth/drive.readonly',
  ],
  microsoft: ['openid', 'offline_access', 'User.Read', 'Calendars.Read', 'Mail.Read'],
  github: ['repo', 'read:org'],
  slack: ['channels:history', 'channels:read', 'chat:write'],
  okta: ['openid', 'profile', 'email'],
}

type Feed = 'scim' | 'csv' | 'manual' | 'done'

interface Leaver {
  email: string
  name: string
  /** Days from today to the leaving day (SCIM deactivation means today). */
  inDays: number
  feed: Feed
  githubLogin?: string
  successor?: string
  /** AI tools (catalog ids) per provider: one grant each. */
  grants: Partial<Record<ProviderId, string[]>>
}

/** The demo's leavers: the first one has grants at all five providers. */
export const DEMO_LEAVERS: Leaver[] = [
  {
    email: 'mona.octo@acme.example',
    name: 'Mona Octo',
    inDays: 0,
    feed: 'scim',
    githubLogin: 'mona-octo',
    grants: {
      google: ['otter-ai', 'fireflies-ai'],
      microsoft: ['read-ai'],
      github: ['devin', 'coderabbit'],
      slack: ['glean'],
      okta: ['lindy'],
    },
  },
  {
    email: 'alex.rivera@acme.example',
    name: 'Alex Rivera',
    inDays: 0,
    feed: 'manual',
    grants: { google: ['fathom'], slack: ['dust'], okta: ['moveworks'] },
  },
  {
    email: 'priya.natarajan@acme.example',
    name: 'Priya Natarajan',
    inDays: -4,
    feed: 'csv',
    githubLogin: 'priya-n',
    grants: { microsoft: ['fyxer', 'avoma'], google: ['tldv'], github: ['cursor'] },
  },
  {
    email: 'tomas.ortega@acme.example',
    name: 'Tomás Ortega',
    inDays: -9,
    feed: 'manual',
    grants: { okta: ['relevance-ai', 'bardeen'], slack: ['zapier'] },
  },
  {
    email: 'jun.park@acme.example',
    name: 'Jun Park',
    inDays: 3,
    feed: 'csv',
    grants: { google: ['granola'], microsoft: ['supernormal'] },
  },
  {
    email: 'fatima.zahra@acme.example',
    name: 'Fatima Zahra',
    inDays: 14,
    feed: 'manual',
    githubLogin: 'fzahra',
    successor: 'grace.hopper@acme.example',
    grants: { github: ['sweep'], okta: ['reclaim-ai'], google: ['motion'] },
  },
  {
    email: 'lena.fischer@acme.example',
    name: 'Lena Fischer',
    inDays: 30,
    feed: 'csv',
    grants: { slack: ['lindy'], microsoft: ['jamie'] },
  },
  {
    email: 'sam.okafor@acme.example',
    name: 'Sam Okafor',
    inDays: -12,
    feed: 'done',
    grants: { google: ['read-ai'], microsoft: ['tactiq'], okta: ['granola'] },
  },
]

/** A client id in the form each provider's admin API reports it (what a revocation looks up). */
function clientIdFor(provider: ProviderId, leaver: number, grant: number): string {
  const n = `${leaver}${grant}`
  switch (provider) {
    case 'google':
      return `${740000 + leaver * 10 + grant}-demo${n}.apps.googleusercontent.com`
    case 'microsoft':
      return `0dea1e00-0000-4000-8000-${n.padStart(12, '0')}`
    case 'slack':
      // A Slack install is org-wide: each leaver's app is their own, so revoking one is harmless.
      return `A0DEMO${n.padStart(5, '0')}`
    case 'okta':
      return `0oademo${n.padStart(5, '0')}x7`
    case 'github':
      // GitHub's org API shows a member's tokens, not apps: two kinds tell them apart.
      return grant === 0
        ? 'credential:personal access token'
        : 'credential:fine-grained personal access token'
  }
}

export interface DemoLogins {
  owner: { email: string; password: string | null }
  approver: { email: string; password: string }
}

export async function seedLeavers(
  db: Db,
  opts: {
    orgId: string
    owner: { id: string; email: string }
    simulators: DemoSimulators
    secretBox: SecretBox
    now: Date
    publicUrl?: string
  }
): Promise<{ approver: { email: string; password: string } | null; leavers: number }> {
  const { orgId, simulators, secretBox, now } = opts
  const actor = { orgId, adminId: opts.owner.id }

  // A second admin, so a plan one admin makes can be approved by another, as the rule says.
  const approver = {
    email: 'approver@acme.example',
    password: randomBytes(12).toString('base64url'),
  }
  const created = await createAdmin(
    db,
    {
      sessionId: '',
      csrfToken: '',
      adminId: opts.owner.id,
      orgId,
      orgName: '',
      email: opts.owner.email,
      name: '',
      role: 'owner',
    },
    { email: approver.email, name: 'Demo Approver', role: 'admin', password: approver.password },
    now
  )
  if (!created.ok)
    throw new Error(`seed: ${approver.email} exists already: is this database seeded?`)
  // What PUT /api/v1/revocations/settings does.
  await db
    .update(organisations)
    .set({ requireSecondApprover: true })
    .where(eq(organisations.id, orgId))

  for (const provider of PROVIDER_IDS) {
    const saved = await saveConnection(
      db,
      actor,
      {
        provider,
        credentials: simulators.credentials[provider],
        baseUrls: simulators.baseUrls[provider],
        requestsPerSecond: DEMO_REQUESTS_PER_SECOND,
      },
      secretBox,
      now
    )
    if (!saved.ok) throw new Error(`seed: connecting ${provider}: ${saved.message}`)
  }

  // The leavers' browsers report their consents, as every other employee's do.
  const token = await createEnrollmentToken(
    db,
    actor,
    { label: 'Demo leavers', expiresInHours: 24 },
    now
  )
  const personIds = new Map<string, string>()
  for (const [i, leaver] of DEMO_LEAVERS.entries()) {
    const enrolled = await enrollDevice(
      db,
      { token: token.token, email: leaver.email, browser: 'chrome', extensionVersion: '0.1.0' },
      now
    )
    if (!enrolled.ok) throw new Error(`seed: enrolling ${leaver.email} failed`)
    const [device] = await db
      .select({ personId: devices.personId })
      .from(devices)
      .where(eq(devices.id, enrolled.deviceId))
    if (!device?.personId) throw new Error(`seed: no person for ${leaver.email}`)
    personIds.set(leaver.email, device.personId)
    await db.transaction((tx) =>
      upsertPersonRecord(tx, orgId, { email: leaver.email, name: leaver.name }, 'manual', now)
    )
    // What an admin enters on the person's page: GitHub finds org members by login only.
    if (leaver.githubLogin)
      await updatePerson(db, actor, device.personId, { githubLogin: leaver.githubLogin }, now)
    const events: DeviceEventInput[] = []
    for (const provider of PROVIDER_IDS)
      for (const [j, toolId] of (leaver.grants[provider] ?? []).entries()) {
        const tool = AI_TOOLS.find((t) => t.id === toolId)
        if (!tool) throw new Error(`seed: no AI tool ${toolId} in the catalog`)
        const when = new Date(now.getTime() - (20 + i * 7 + j * 3) * 86_400_000)
        events.push({
          id: randomUUID(),
          type: 'consent',
          occurredAt: when.toISOString(),
          flowId: randomUUID(),
          outcome: 'granted',
          request: {
            provider,
            kind: provider === 'slack' ? 'app_install' : 'consent',
            host: CONSENT_HOST[provider],
            clientId: clientIdFor(provider, i, j),
            redirectHost: tool.redirectHosts[0] ?? null,
            scopes: SCOPES[provider],
            loginHint: leaver.email,
            offlineAccess: true,
          },
        })
      }
    const identity = {
      deviceId: enrolled.deviceId,
      orgId,
      personId: device.personId,
      email: leaver.email,
    }
    const ingested = await ingestEvents(db, identity, events, now)
    if (ingested.accepted.length !== events.length)
      throw new Error(`seed: ${leaver.email}: ${events.length - ingested.accepted.length} refused`)
  }

  // Each feed the product has says who leaves: the IdP over SCIM, HR's CSV, an admin by hand.
  const scimToken = await createScimToken(db, actor, 'Demo IdP', now)
  const scim = {
    db,
    orgId,
    tokenId: scimToken.id,
    now,
    usersUrl: `${opts.publicUrl ?? 'http://localhost:8787'}/scim/v2/Users`,
  }
  const csv: string[] = ['email,departure_date,successor']
  for (const leaver of DEMO_LEAVERS) {
    const day = isoDay(new Date(now.getTime() + leaver.inDays * 86_400_000))
    if (leaver.feed === 'scim') {
      const [given, family] = leaver.name.split(' ')
      const user = await createScimUser(
        scim,
        ScimUserBody.parse({
          userName: leaver.email,
          name: { givenName: given, familyName: family },
          emails: [{ value: leaver.email, type: 'work', primary: true }],
          active: true,
        })
      )
      if (!user.ok) throw new Error(`seed: SCIM ${leaver.email}: ${user.detail}`)
      const off = await patchScimUser(
        scim,
        user.value.id,
        PatchOpBody.parse({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', value: { active: false } }],
        })
      )
      if (!off.ok) throw new Error(`seed: SCIM ${leaver.email}: ${off.detail}`)
    } else if (leaver.feed === 'csv') {
      csv.push(`${leaver.email},${day},${leaver.successor ?? ''}`)
    } else {
      await db.transaction(async (tx) => {
        const { personId } = await upsertPersonRecord(
          tx,
          orgId,
          { email: leaver.email },
          'manual',
          now
        )
        await markLeaving(
          tx,
          orgId,
          {
            personId,
            departureDate: day,
            source: 'manual',
            actor: { type: 'admin', id: opts.owner.id },
            successorEmail: leaver.successor ?? null,
          },
          now
        )
      })
    }
  }
  const imported = await importLeaversCsv(
    db,
    orgId,
    csv.join('\n'),
    { type: 'system', id: 'hr-export' },
    now
  )
  if (imported.rejected.length) throw new Error(`seed: CSV: ${JSON.stringify(imported.rejected)}`)

  // The providers hold what the leavers granted.
  for (const grant of await loadLeaverGrants(db, orgId)) simulators.addGrant(grant)

  // One leaver is already done: revoked through a plan the second admin approved, case closed.
  const worker: WorkerDeps = {
    db,
    clock: () => new Date(),
    log: silentLogger,
    random: Math.random,
    workerId: 'seed-demo',
    resolveConnector: (org, provider, wrapFetch) =>
      resolveConnector(
        {
          db,
          secretBox,
          fetch: wrapFetch ? wrapFetch(simulators.fetch) : simulators.fetch,
          clock: () => new Date(),
        },
        org,
        provider
      ),
  }
  for (const leaver of DEMO_LEAVERS.filter((l) => l.feed === 'done')) {
    const personId = personIds.get(leaver.email) ?? ''
    const plan = await planRevocation(db, actor, { scope: 'leaver', personId }, now)
    if (!plan.ok) throw new Error(`seed: planning ${leaver.email}: ${plan.reason}`)
    const approved = await approvePlan(db, { orgId, adminId: created.id }, plan.planId, now)
    if (!approved.ok) throw new Error(`seed: approving ${leaver.email}: ${approved.reason}`)
    await runToEnd(worker, plan.planId)
    const closed = await closeCase(db, actor, { personId, note: null }, new Date())
    if (!closed.ok) throw new Error(`seed: closing ${leaver.email}: ${closed.reason}`)
  }

  // Discovery's first run finds what the inventory holds: nothing new, and it is not due again
  // for hours (a newcomer's first revocation does not wait behind it).
  await runDueDiscovery(
    db,
    async (org, provider) => {
      const resolved = await worker.resolveConnector(org, provider)
      // The seed may list everyone at once: the simulators do not mind.
      return resolved && { ...resolved, requestsPerSecond: 10_000 }
    },
    new Date()
  )
  return { approver, leavers: DEMO_LEAVERS.length }
}

const TERMINAL = ['verified', 'dead', 'needs_decision', 'cancelled'] as const

/** Run the workers until every job of the plan is verified (the seed fails loudly otherwise). */
async function runToEnd(worker: WorkerDeps, planId: string) {
  const deadline = Date.now() + 60_000
  for (;;) {
    await drainRevocations(worker)
    const jobs = await worker.db
      .select({ state: revocationJobs.state, lastError: revocationJobs.lastError })
      .from(revocationJobs)
      .where(eq(revocationJobs.planId, planId))
    if (jobs.every((j) => (TERMINAL as readonly string[]).includes(j.state))) {
      const failed = jobs.filter((j) => j.state !== 'verified')
      if (failed.length)
        throw new Error(`seed: revocation failed: ${failed.map((j) => j.lastError).join('; ')}`)
      return
    }
    if (Date.now() > deadline) throw new Error('seed: the revocation did not finish in a minute')
    await new Promise((r) => setTimeout(r, 200))
  }
}
