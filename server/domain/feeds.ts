// Settings of the leaver feeds: SCIM bearer tokens, the HR webhook secret, the Shared Signals
// transmitter (issuer, audience, JWKS). Secrets are shown once and stored hashed or sealed.
import { randomBytes } from 'node:crypto'
import { and, desc, eq, isNull } from 'drizzle-orm'
import { feedSettings, scimTokens } from '../db/schema/index.ts'
import type { Db } from '../db/client.ts'
import { auditByAdmin } from './audit-chain.ts'
import type { Actor } from './enrollment.ts'
import type { SecretBox } from './secret-box.ts'
import { createToken, hashToken } from './secrets.ts'
import { stampOnce } from './stamp-once.ts'

export async function createScimToken(db: Db, actor: Actor, label: string, now: Date) {
  const token = createToken('cscim')
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(scimTokens)
      .values({ orgId: actor.orgId, tokenHash: hashToken(token), label, createdAt: now })
      .returning({ id: scimTokens.id })
    if (!row) throw new Error('scim token insert returned nothing')
    await auditByAdmin(
      tx,
      actor,
      {
        action: 'scim_token.created',
        subjectType: 'scim_token',
        subjectId: row.id,
        data: { label },
      },
      now
    )
    return { id: row.id, token, label }
  })
}

export function listScimTokens(db: Db, orgId: string) {
  return db
    .select({
      id: scimTokens.id,
      label: scimTokens.label,
      createdAt: scimTokens.createdAt,
      revokedAt: scimTokens.revokedAt,
    })
    .from(scimTokens)
    .where(eq(scimTokens.orgId, orgId))
    .orderBy(desc(scimTokens.createdAt))
}

export function revokeScimToken(db: Db, actor: Actor, id: string, now: Date): Promise<boolean> {
  return stampOnce(
    db,
    actor,
    {
      table: scimTokens,
      id: scimTokens.id,
      orgId: scimTokens.orgId,
      stamp: scimTokens.revokedAt,
      set: { revokedAt: now },
    },
    id,
    { action: 'scim_token.revoked', subjectType: 'scim_token' },
    now
  )
}

/** The organisation a SCIM bearer token belongs to, or null (unknown or revoked). */
export async function authenticateScimToken(
  db: Db,
  token: string
): Promise<{ orgId: string; tokenId: string } | null> {
  const [row] = await db
    .select({ orgId: scimTokens.orgId, tokenId: scimTokens.id })
    .from(scimTokens)
    .where(and(eq(scimTokens.tokenHash, hashToken(token)), isNull(scimTokens.revokedAt)))
  return row ?? null
}

/** A new HR webhook signing secret (the old one stops working); returned once. */
export async function rotateHrSecret(
  db: Db,
  actor: Actor,
  box: SecretBox,
  now: Date
): Promise<string> {
  const secret = `hrsec_${randomBytes(24).toString('base64url')}`
  await db.transaction(async (tx) => {
    await tx
      .insert(feedSettings)
      .values({ orgId: actor.orgId, hrSecretCiphertext: box.seal(secret), updatedAt: now })
      .onConflictDoUpdate({
        target: feedSettings.orgId,
        set: { hrSecretCiphertext: box.seal(secret), updatedAt: now },
      })
    await auditByAdmin(
      tx,
      actor,
      { action: 'hr_webhook.secret_rotated', subjectType: 'org', subjectId: actor.orgId },
      now
    )
  })
  return secret
}

export interface SsfConfig {
  issuer: string
  audience: string
  jwksUrl: string | null
  jwks: { keys: unknown[] } | null
}

export async function setSsfConfig(
  db: Db,
  actor: Actor,
  config: SsfConfig,
  now: Date
): Promise<void> {
  const values = {
    ssfIssuer: config.issuer,
    ssfAudience: config.audience,
    ssfJwksUrl: config.jwksUrl,
    ssfJwks: config.jwks,
    updatedAt: now,
  }
  await db.transaction(async (tx) => {
    await tx
      .insert(feedSettings)
      .values({ orgId: actor.orgId, ...values })
      .onConflictDoUpdate({ target: feedSettings.orgId, set: values })
    await auditByAdmin(
      tx,
      actor,
      {
        action: 'ssf.configured',
        subjectType: 'org',
        subjectId: actor.orgId,
        data: { issuer: config.issuer, audience: config.audience, jwksUrl: config.jwksUrl },
      },
      now
    )
  })
}

export async function getFeedSettings(db: Db, orgId: string) {
  const [row] = await db.select().from(feedSettings).where(eq(feedSettings.orgId, orgId))
  return row ?? null
}
