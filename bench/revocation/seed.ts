// The organisation in the scratch database: an admin, the provider connections (saveConnection),
// the leavers with their apps and grants (inserted directly with drizzle: 20,000 grants through
// ingestEvents would take minutes and measure ingestion, not revocation; each person with their
// GitHub login), and one revocation plan per leaver (planRevocation, as the offboarding page makes
// them).
import { eq } from 'drizzle-orm'
import type { Db } from '../../server/db/client.ts'
import { adminUsers, apps, grants, people } from '../../server/db/schema/index.ts'
import { saveConnection } from '../../server/domain/connections.ts'
import type { Actor } from '../../server/domain/enrollment.ts'
import { createOrganisation } from '../../server/domain/organisations.ts'
import { planRevocation } from '../../server/domain/revocation-plans.ts'
import type { SecretBox } from '../../server/domain/secret-box.ts'
import type { ProviderId } from '../../server/providers/types.ts'
import type { ConnectionInput } from './simulators.ts'
import type { Leaver } from './workload.ts'

export interface Seeded {
  orgId: string
  actor: Actor
  planIds: string[]
  grants: number
  skipped: number
}

/** Run `fn` over `items` with at most `concurrency` at a time. */
export async function pool<T, R>(
  items: T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>
): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++
        results[i] = await fn(items[i] as T, i)
      }
    })
  )
  return results
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

export async function seedDatabase(opts: {
  db: Db
  box: SecretBox
  leavers: Leaver[]
  connections: ConnectionInput[]
  requestsPerSecond: number
  now: Date
}): Promise<Seeded> {
  const { db, box, leavers, now } = opts
  const org = await createOrganisation(db, 'Bench Org', now)
  const [admin] = await db
    .insert(adminUsers)
    .values({
      orgId: org.id,
      email: 'owner@bench.example',
      name: 'Bench Owner',
      passwordHash: 'not-a-login',
      role: 'owner',
      createdAt: now,
    })
    .returning({ id: adminUsers.id })
  if (!admin) throw new Error('admin insert returned nothing')
  const actor: Actor = { orgId: org.id, adminId: admin.id }

  for (const c of opts.connections) {
    const saved = await saveConnection(
      db,
      actor,
      {
        provider: c.provider as ProviderId,
        credentials: c.credentials,
        baseUrls: c.baseUrls,
        requestsPerSecond: opts.requestsPerSecond,
      },
      box,
      now
    )
    if (!saved.ok) throw new Error(`saveConnection(${c.provider}): ${saved.message}`)
  }

  const personIds = new Map<string, string>()
  for (const part of chunks(leavers, 1000)) {
    const rows = await db
      .insert(people)
      .values(
        part.map((l) => ({
          orgId: org.id,
          email: l.email,
          name: l.name,
          // What PATCH /api/v1/people/:id or SCIM sets; planRevocation puts it on GitHub jobs.
          githubLogin: l.githubLogin,
          status: 'leaving' as const,
          departureDate: now.toISOString().slice(0, 10),
          leavingSource: 'manual',
          createdAt: now,
          updatedAt: now,
        }))
      )
      .returning({ id: people.id, email: people.email })
    for (const r of rows) personIds.set(r.email, r.id)
  }

  const appKey = (provider: string, clientId: string) => `${provider} ${clientId}`
  const distinct = new Map<string, { provider: string; clientId: string; name: string }>()
  for (const l of leavers)
    for (const g of l.grants)
      distinct.set(appKey(g.provider, g.clientId), {
        provider: g.provider,
        clientId: g.clientId,
        name: g.appName,
      })
  const appIds = new Map<string, string>()
  for (const part of chunks([...distinct.values()], 1000)) {
    const rows = await db
      .insert(apps)
      .values(
        part.map((a) => ({
          orgId: org.id,
          provider: a.provider,
          clientId: a.clientId,
          name: a.name,
          isAi: true,
          firstSeenAt: now,
          lastSeenAt: now,
        }))
      )
      .returning({ id: apps.id, provider: apps.provider, clientId: apps.clientId })
    for (const r of rows) appIds.set(appKey(r.provider, r.clientId), r.id)
  }

  const grantRows = leavers.flatMap((l) =>
    l.grants.map((g) => ({
      orgId: org.id,
      appId: appIds.get(appKey(g.provider, g.clientId)) as string,
      personId: personIds.get(l.email) as string,
      account: l.email,
      provider: g.provider,
      scopes: g.scopes,
      risk: 'high' as const,
      offlineAccess: true,
      status: 'active' as const,
      source: 'provider_api' as const,
      firstSeenAt: now,
      lastSeenAt: now,
      updatedAt: now,
    }))
  )
  for (const part of chunks(grantRows, 1000)) await db.insert(grants).values(part)

  let skipped = 0
  const planIds = await pool(leavers, 4, async (l) => {
    const personId = personIds.get(l.email) as string
    const plan = await planRevocation(db, actor, { scope: 'leaver', personId }, now)
    if (!plan.ok) throw new Error(`planRevocation(${l.email}): ${plan.reason}`)
    skipped += plan.skipped.length
    return plan.planId
  })
  const count = await db.$count(grants, eq(grants.orgId, org.id))
  return { orgId: org.id, actor, planIds, grants: count, skipped }
}
