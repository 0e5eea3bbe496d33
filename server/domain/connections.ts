// Provider connections: credentials validated by the provider's schema, sealed at rest, never
// returned; "test connection"; and the connector a worker uses, built from the sealed credentials.
import { and, eq } from 'drizzle-orm'
import { providerConnections } from '../db/schema/index.ts'
import type { Db } from '../db/client.ts'
import { PROVIDER_REGISTRY } from '../providers/index.ts'
import type { ProviderConnector, ProviderId } from '../providers/types.ts'
import { auditByAdmin } from './audit-chain.ts'
import type { Actor } from './enrollment.ts'
import type { SecretBox } from './secret-box.ts'
import type { ResolvedConnector } from './revocation-worker.ts'

export type SaveResult = { ok: true } | { ok: false; message: string }

export async function saveConnection(
  db: Db,
  actor: Actor,
  input: {
    provider: ProviderId
    credentials: unknown
    baseUrls?: Record<string, string>
    requestsPerSecond?: number
  },
  box: SecretBox,
  now: Date
): Promise<SaveResult> {
  const entry = PROVIDER_REGISTRY[input.provider]
  const parsed = entry.credentials.safeParse(input.credentials)
  if (!parsed.success) {
    return {
      ok: false,
      message: `credentials: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    }
  }
  const values = {
    credentialsCiphertext: box.seal(JSON.stringify(parsed.data)),
    baseUrls: input.baseUrls ?? {},
    requestsPerSecond: input.requestsPerSecond ?? 5,
    updatedAt: now,
    lastTestedAt: null,
    lastTestOk: null,
    lastTestMessage: null,
  }
  await db.transaction(async (tx) => {
    await tx
      .insert(providerConnections)
      .values({ orgId: actor.orgId, provider: input.provider, createdAt: now, ...values })
      .onConflictDoUpdate({
        target: [providerConnections.orgId, providerConnections.provider],
        set: values,
      })
    await auditByAdmin(
      tx,
      actor,
      {
        action: 'connection.saved',
        subjectType: 'connection',
        subjectId: input.provider,
        data: { provider: input.provider, baseUrls: input.baseUrls ?? {} },
      },
      now
    )
  })
  return { ok: true }
}

export async function listConnections(db: Db, orgId: string) {
  return db
    .select({
      provider: providerConnections.provider,
      baseUrls: providerConnections.baseUrls,
      requestsPerSecond: providerConnections.requestsPerSecond,
      lastTestedAt: providerConnections.lastTestedAt,
      lastTestOk: providerConnections.lastTestOk,
      lastTestMessage: providerConnections.lastTestMessage,
      lastDiscoveryAt: providerConnections.lastDiscoveryAt,
      updatedAt: providerConnections.updatedAt,
    })
    .from(providerConnections)
    .where(eq(providerConnections.orgId, orgId))
}

export interface ConnectorContext {
  db: Db
  secretBox: SecretBox
  fetch: typeof fetch
  clock: () => Date
}

/** Build the connector for an organisation's provider from its sealed credentials. */
export async function resolveConnector(
  ctx: ConnectorContext,
  orgId: string,
  provider: string
): Promise<ResolvedConnector | null> {
  const entry = PROVIDER_REGISTRY[provider as ProviderId]
  if (!entry) return null
  const [row] = await ctx.db
    .select()
    .from(providerConnections)
    .where(and(eq(providerConnections.orgId, orgId), eq(providerConnections.provider, provider)))
  if (!row) return null
  const credentials = JSON.parse(ctx.secretBox.open(row.credentialsCiphertext)) as never
  const connector: ProviderConnector = entry.create({
    credentials,
    baseUrls: row.baseUrls,
    fetch: ctx.fetch,
    clock: ctx.clock,
  })
  return { connector, requestsPerSecond: row.requestsPerSecond }
}

export async function testConnection(
  ctx: ConnectorContext,
  actor: Actor,
  provider: ProviderId
): Promise<{ ok: boolean; message: string } | null> {
  const resolved = await resolveConnector(ctx, actor.orgId, provider)
  if (!resolved) return null
  const result = await resolved.connector.testConnection()
  const ok = result.ok
  const message = result.ok ? result.value : `${result.kind}: ${result.message}`
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(providerConnections)
      .set({ lastTestedAt: ctx.clock(), lastTestOk: ok, lastTestMessage: message.slice(0, 500) })
      .where(
        and(eq(providerConnections.orgId, actor.orgId), eq(providerConnections.provider, provider))
      )
    await auditByAdmin(
      tx,
      actor,
      {
        action: 'connection.tested',
        subjectType: 'connection',
        subjectId: provider,
        data: { ok, message: message.slice(0, 500) },
      },
      ctx.clock()
    )
  })
  return { ok, message }
}
