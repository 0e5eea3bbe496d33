// Discovery: the connectors' list calls, run on a schedule per connected provider, add the grants
// made before the extension was installed or in another browser (source: provider_api).
import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm'
import { classifyConsent } from '../../shared/consent/classify-consent.ts'
import type { ConsentRequest, Provider } from '../../shared/consent/types.ts'
import { apps, grants, people, providerConnections } from '../db/schema/index.ts'
import type { Db } from '../db/client.ts'
import type { RemoteGrant } from '../providers/types.ts'
import { appendAudit } from './audit-chain.ts'
import { hitRateLimit } from './rate-limit.ts'
import type { ResolvedConnector } from './revocation-worker.ts'
import { enqueueAlert } from './webhooks.ts'

export const DISCOVERY_INTERVAL_MS = 6 * 3_600_000

function asRequest(provider: string, g: RemoteGrant): ConsentRequest {
  return {
    provider: provider as Provider,
    kind: 'consent',
    host: '',
    endpoint: '',
    clientId: g.clientId,
    appSlug: null,
    redirectUri: null,
    redirectHost: null,
    responseType: null,
    scopes: g.scopes,
    userScopes: [],
    optionalScopes: [],
    tenant: null,
    audience: null,
    loginHint: g.userEmail,
    offlineAccess: true,
    prompt: null,
    pkce: null,
    incrementalAuth: false,
    nested: false,
  }
}

export interface DiscoveryResult {
  people: number
  found: number
  added: number
  reappeared: number
  errors: string[]
}

/** List every person's grants at one provider and record what the inventory did not know. */
export async function discoverGrants(
  db: Db,
  orgId: string,
  provider: string,
  resolved: ResolvedConnector,
  now: Date
): Promise<DiscoveryResult> {
  const result: DiscoveryResult = { people: 0, found: 0, added: 0, reappeared: 0, errors: [] }
  const staff = await db
    .select({ id: people.id, email: people.email, githubLogin: people.githubLogin })
    .from(people)
    .where(and(eq(people.orgId, orgId), inArray(people.status, ['active', 'leaving'])))
  for (const person of staff) {
    // GitHub finds members by login only: without one there is nothing to ask.
    if (provider === 'github' && !person.githubLogin) continue
    // Stay within the connection's request budget, like the revocation workers.
    for (;;) {
      const budget = await hitRateLimit(
        db,
        `provider:${orgId}:${provider}`,
        resolved.requestsPerSecond,
        1000,
        new Date()
      )
      if (budget.allowed) break
      await new Promise((r) => setTimeout(r, budget.retryAfterSeconds * 1000))
    }
    const listed = await resolved.connector.listGrants({
      email: person.email,
      providerUserId: provider === 'github' ? person.githubLogin : null,
    })
    result.people += 1
    if (!listed.ok) {
      if (result.errors.length < 20)
        result.errors.push(`${person.email}: ${listed.kind}: ${listed.message}`)
      continue
    }
    for (const remote of listed.value) {
      result.found += 1
      await db.transaction(async (tx) => {
        const match = classifyConsent(asRequest(provider, remote))
        const [inserted] = await tx
          .insert(apps)
          .values({
            orgId,
            provider,
            clientId: remote.clientId,
            name: remote.appName ?? match.app.name,
            vendor: match.app.vendor,
            toolId: match.app.toolId,
            isAi: match.app.isAi,
            category: match.app.category,
            firstSeenAt: now,
            lastSeenAt: now,
          })
          .onConflictDoNothing({ target: [apps.orgId, apps.provider, apps.clientId] })
          .returning({ id: apps.id })
        const appId =
          inserted?.id ??
          (
            await tx
              .select({ id: apps.id })
              .from(apps)
              .where(
                and(
                  eq(apps.orgId, orgId),
                  eq(apps.provider, provider),
                  eq(apps.clientId, remote.clientId)
                )
              )
          )[0]?.id
        if (!appId) return
        const [existing] = await tx
          .select({ id: grants.id, status: grants.status })
          .from(grants)
          .where(
            and(eq(grants.orgId, orgId), eq(grants.appId, appId), eq(grants.personId, person.id))
          )
          .limit(1)
        if (!existing) {
          const [row] = await tx
            .insert(grants)
            .values({
              orgId,
              appId,
              personId: person.id,
              account: person.email,
              provider,
              scopes: remote.scopes,
              risk: match.risk,
              offlineAccess: true,
              status: 'active',
              source: 'provider_api',
              firstSeenAt: now,
              lastSeenAt: now,
              updatedAt: now,
            })
            .onConflictDoNothing()
            .returning({ id: grants.id })
          if (row) {
            result.added += 1
            await appendAudit(
              tx,
              orgId,
              [
                {
                  actorType: 'system',
                  actorId: 'discovery',
                  action: 'grant.discovered',
                  subjectType: 'grant',
                  subjectId: row.id,
                  data: {
                    provider,
                    clientId: remote.clientId,
                    personEmail: person.email,
                    scopes: remote.scopes,
                  },
                },
              ],
              now
            )
          }
          return
        }
        // A grant we revoked is back at the provider: it is live again, and that is news.
        if (existing.status === 'revoked') {
          result.reappeared += 1
          await tx
            .update(grants)
            .set({ status: 'active', lastSeenAt: now, updatedAt: now })
            .where(eq(grants.id, existing.id))
          await appendAudit(
            tx,
            orgId,
            [
              {
                actorType: 'system',
                actorId: 'discovery',
                action: 'grant.reappeared',
                subjectType: 'grant',
                subjectId: existing.id,
                data: { provider, clientId: remote.clientId, personEmail: person.email },
              },
            ],
            now
          )
          const [app] = await tx.select({ name: apps.name }).from(apps).where(eq(apps.id, appId))
          await enqueueAlert(
            tx,
            orgId,
            'grant.reappeared',
            {
              grantId: existing.id,
              provider,
              userEmail: person.email,
              clientId: remote.clientId,
              appName: app?.name ?? remote.appName,
            },
            now
          )
        } else {
          await tx.update(grants).set({ lastSeenAt: now }).where(eq(grants.id, existing.id))
        }
      })
    }
  }
  return result
}

/** Claim the connections due for discovery (one process each) and run them. */
export async function runDueDiscovery(
  db: Db,
  resolve: (orgId: string, provider: string) => Promise<ResolvedConnector | null>,
  now: Date,
  intervalMs = DISCOVERY_INTERVAL_MS
): Promise<number> {
  const due = await db
    .update(providerConnections)
    .set({ lastDiscoveryAt: now })
    .where(
      and(
        or(
          isNull(providerConnections.lastDiscoveryAt),
          lt(providerConnections.lastDiscoveryAt, new Date(now.getTime() - intervalMs))
        ),
        sql`${providerConnections.id} in (select id from provider_connections order by last_discovery_at nulls first limit 5 for update skip locked)`
      )
    )
    .returning({ orgId: providerConnections.orgId, provider: providerConnections.provider })
  for (const c of due) {
    const resolved = await resolve(c.orgId, c.provider)
    if (resolved) await discoverGrants(db, c.orgId, c.provider, resolved, now)
  }
  return due.length
}
