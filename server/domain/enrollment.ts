// Enrollment tokens (admin-created, expiring, revocable) and the device credentials they buy.
import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm'
import { devices, enrollmentTokens, organisations, people } from '../db/schema/index.ts'
import type { Db, Tx } from '../db/client.ts'
import { appendAudit, auditByAdmin } from './audit-chain.ts'
import { createToken, hashToken } from './secrets.ts'
import { stampOnce } from './stamp-once.ts'

export interface Actor {
  orgId: string
  adminId: string
}

export async function createEnrollmentToken(
  db: Db,
  actor: Actor,
  input: { label: string; expiresInHours: number },
  now: Date
) {
  const token = createToken('cet')
  const expiresAt = new Date(now.getTime() + input.expiresInHours * 3_600_000)
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(enrollmentTokens)
      .values({
        orgId: actor.orgId,
        tokenHash: hashToken(token),
        label: input.label,
        createdBy: actor.adminId,
        expiresAt,
        createdAt: now,
      })
      .returning({ id: enrollmentTokens.id })
    if (!row) throw new Error('enrollment token insert returned nothing')
    await auditByAdmin(
      tx,
      actor,
      {
        action: 'enrollment_token.created',
        subjectType: 'enrollment_token',
        subjectId: row.id,
        data: { label: input.label, expiresAt: expiresAt.toISOString() },
      },
      now
    )
    return { id: row.id, token, label: input.label, expiresAt }
  })
}

export async function listEnrollmentTokens(db: Db, orgId: string) {
  return db
    .select({
      id: enrollmentTokens.id,
      label: enrollmentTokens.label,
      expiresAt: enrollmentTokens.expiresAt,
      revokedAt: enrollmentTokens.revokedAt,
      uses: enrollmentTokens.uses,
      createdAt: enrollmentTokens.createdAt,
    })
    .from(enrollmentTokens)
    .where(eq(enrollmentTokens.orgId, orgId))
    .orderBy(desc(enrollmentTokens.createdAt))
}

export function revokeEnrollmentToken(
  db: Db,
  actor: Actor,
  id: string,
  now: Date
): Promise<boolean> {
  return stampOnce(
    db,
    actor,
    {
      table: enrollmentTokens,
      id: enrollmentTokens.id,
      orgId: enrollmentTokens.orgId,
      stamp: enrollmentTokens.revokedAt,
      set: { revokedAt: now },
    },
    id,
    { action: 'enrollment_token.revoked', subjectType: 'enrollment_token' },
    now
  )
}

/** Find or create the person with this email (lower case) in the organisation. */
export async function upsertPerson(
  tx: Tx,
  orgId: string,
  email: string,
  now: Date
): Promise<string> {
  const normalized = email.toLowerCase()
  const [row] = await tx
    .insert(people)
    .values({ orgId, email: normalized, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [people.orgId, people.email],
      set: { email: sql`excluded.email` },
    })
    .returning({ id: people.id })
  if (!row) throw new Error('person upsert returned nothing')
  return row.id
}

export type EnrollResult =
  | { ok: true; deviceId: string; orgId: string; orgName: string; credential: string }
  | { ok: false; reason: 'invalid_token' }

export async function enrollDevice(
  db: Db,
  input: {
    token: string
    email: string | null
    browser: string | null
    extensionVersion: string | null
  },
  now: Date
): Promise<EnrollResult> {
  const credential = createToken('cdv')
  return db.transaction(async (tx) => {
    const [token] = await tx
      .update(enrollmentTokens)
      .set({ uses: sql`${enrollmentTokens.uses} + 1` })
      .where(
        and(
          eq(enrollmentTokens.tokenHash, hashToken(input.token)),
          isNull(enrollmentTokens.revokedAt),
          gt(enrollmentTokens.expiresAt, now)
        )
      )
      .returning({ id: enrollmentTokens.id, orgId: enrollmentTokens.orgId })
    if (!token) return { ok: false, reason: 'invalid_token' } as const
    const personId = input.email ? await upsertPerson(tx, token.orgId, input.email, now) : null
    const [device] = await tx
      .insert(devices)
      .values({
        orgId: token.orgId,
        credentialHash: hashToken(credential),
        enrollmentTokenId: token.id,
        personId,
        email: input.email?.toLowerCase() ?? null,
        browser: input.browser,
        extensionVersion: input.extensionVersion,
        enrolledAt: now,
        lastSeenAt: now,
      })
      .returning({ id: devices.id })
    if (!device) throw new Error('device insert returned nothing')
    const [org] = await tx
      .select({ name: organisations.name })
      .from(organisations)
      .where(eq(organisations.id, token.orgId))
    await appendAudit(
      tx,
      token.orgId,
      [
        {
          actorType: 'device',
          actorId: device.id,
          action: 'device.enrolled',
          subjectType: 'device',
          subjectId: device.id,
          data: { enrollmentTokenId: token.id, email: input.email, browser: input.browser },
        },
      ],
      now
    )
    return {
      ok: true,
      deviceId: device.id,
      orgId: token.orgId,
      orgName: org?.name ?? '',
      credential,
    } as const
  })
}

export interface DeviceIdentity {
  deviceId: string
  orgId: string
  personId: string | null
  email: string | null
}

/** The enrolled, unrevoked device behind a credential, or null. */
export async function authenticateDevice(
  db: Db,
  credential: string
): Promise<DeviceIdentity | null> {
  const [row] = await db
    .select({
      deviceId: devices.id,
      orgId: devices.orgId,
      personId: devices.personId,
      email: devices.email,
    })
    .from(devices)
    .where(and(eq(devices.credentialHash, hashToken(credential)), isNull(devices.revokedAt)))
  return row ?? null
}

export async function touchDevice(db: Db, deviceId: string, now: Date): Promise<void> {
  await db.update(devices).set({ lastSeenAt: now }).where(eq(devices.id, deviceId))
}

export async function listDevices(db: Db, orgId: string) {
  return db
    .select({
      id: devices.id,
      email: devices.email,
      personId: devices.personId,
      browser: devices.browser,
      extensionVersion: devices.extensionVersion,
      enrolledAt: devices.enrolledAt,
      lastSeenAt: devices.lastSeenAt,
      revokedAt: devices.revokedAt,
    })
    .from(devices)
    .where(eq(devices.orgId, orgId))
    .orderBy(desc(devices.enrolledAt))
}

export function revokeDevice(db: Db, actor: Actor, id: string, now: Date): Promise<boolean> {
  return stampOnce(
    db,
    actor,
    {
      table: devices,
      id: devices.id,
      orgId: devices.orgId,
      stamp: devices.revokedAt,
      set: { revokedAt: now },
    },
    id,
    { action: 'device.revoked', subjectType: 'device' },
    now
  )
}
