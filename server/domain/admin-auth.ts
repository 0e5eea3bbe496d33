// Admin accounts: password login, sessions (random token in an HTTP-only cookie), roles.
import { and, eq, gt, isNull } from 'drizzle-orm'
import { randomBytes } from 'node:crypto'
import type { AdminRole } from '../../shared/api/admin.ts'
import { adminSessions, adminUsers, organisations } from '../db/schema/index.ts'
import type { Db } from '../db/client.ts'
import { appendAudit, auditByAdmin } from './audit-chain.ts'
import {
  createToken,
  DUMMY_PASSWORD_HASH,
  hashPassword,
  hashToken,
  verifyPassword,
} from './secrets.ts'

export const SESSION_HOURS = 12

export interface AdminSession {
  sessionId: string
  adminId: string
  orgId: string
  orgName: string
  email: string
  name: string
  role: AdminRole
  csrfToken: string
}

export type LoginResult =
  | { ok: true; token: string; session: AdminSession; expiresAt: Date }
  | { ok: false; reason: 'bad_credentials' }

export async function login(
  db: Db,
  email: string,
  password: string,
  now: Date,
  client: string | null
): Promise<LoginResult> {
  const [admin] = await db
    .select()
    .from(adminUsers)
    .where(eq(adminUsers.email, email.toLowerCase()))
  const valid = await verifyPassword(password, admin?.passwordHash ?? DUMMY_PASSWORD_HASH)
  if (!admin || !valid || admin.disabledAt) {
    if (admin) {
      await db.transaction((tx) =>
        appendAudit(
          tx,
          admin.orgId,
          [
            {
              actorType: 'admin',
              actorId: admin.id,
              action: 'admin.login_failed',
              subjectType: 'admin',
              subjectId: admin.id,
              data: { client },
            },
          ],
          now
        )
      )
    }
    return { ok: false, reason: 'bad_credentials' }
  }
  const token = createToken('cses')
  const csrfToken = randomBytes(24).toString('base64url')
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3_600_000)
  const session = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(adminSessions)
      .values({
        orgId: admin.orgId,
        adminId: admin.id,
        tokenHash: hashToken(token),
        csrfToken,
        createdAt: now,
        expiresAt,
      })
      .returning({ id: adminSessions.id })
    await appendAudit(
      tx,
      admin.orgId,
      [
        {
          actorType: 'admin',
          actorId: admin.id,
          action: 'admin.login',
          subjectType: 'admin',
          subjectId: admin.id,
          data: { client },
        },
      ],
      now
    )
    return row
  })
  const [org] = await db
    .select({ name: organisations.name })
    .from(organisations)
    .where(eq(organisations.id, admin.orgId))
  return {
    ok: true,
    token,
    expiresAt,
    session: {
      sessionId: session?.id ?? '',
      adminId: admin.id,
      orgId: admin.orgId,
      orgName: org?.name ?? '',
      email: admin.email,
      name: admin.name,
      role: admin.role,
      csrfToken,
    },
  }
}

/** The live session behind a cookie token, or null (unknown, expired, or admin disabled). */
export async function findSession(db: Db, token: string, now: Date): Promise<AdminSession | null> {
  const [row] = await db
    .select({
      sessionId: adminSessions.id,
      adminId: adminUsers.id,
      orgId: adminUsers.orgId,
      orgName: organisations.name,
      email: adminUsers.email,
      name: adminUsers.name,
      role: adminUsers.role,
      csrfToken: adminSessions.csrfToken,
    })
    .from(adminSessions)
    .innerJoin(adminUsers, eq(adminUsers.id, adminSessions.adminId))
    .innerJoin(organisations, eq(organisations.id, adminUsers.orgId))
    .where(
      and(
        eq(adminSessions.tokenHash, hashToken(token)),
        gt(adminSessions.expiresAt, now),
        isNull(adminUsers.disabledAt)
      )
    )
  return row ?? null
}

export async function logout(db: Db, session: AdminSession, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(adminSessions).where(eq(adminSessions.id, session.sessionId))
    await appendAudit(
      tx,
      session.orgId,
      [
        {
          actorType: 'admin',
          actorId: session.adminId,
          action: 'admin.logout',
          subjectType: 'admin',
          subjectId: session.adminId,
        },
      ],
      now
    )
  })
}

export type CreateAdminResult = { ok: true; id: string } | { ok: false; reason: 'email_taken' }

export async function createAdmin(
  db: Db,
  actor: AdminSession,
  input: { email: string; name: string; role: AdminRole; password: string },
  now: Date
): Promise<CreateAdminResult> {
  const passwordHash = await hashPassword(input.password)
  const email = input.email.toLowerCase()
  return db.transaction(async (tx) => {
    const [taken] = await tx
      .select({ id: adminUsers.id })
      .from(adminUsers)
      .where(eq(adminUsers.email, email))
    if (taken) return { ok: false, reason: 'email_taken' } as const
    const [row] = await tx
      .insert(adminUsers)
      .values({
        orgId: actor.orgId,
        email,
        name: input.name,
        role: input.role,
        passwordHash,
        createdAt: now,
      })
      .returning({ id: adminUsers.id })
    if (!row) throw new Error('admin insert returned nothing')
    await auditByAdmin(
      tx,
      actor,
      {
        action: 'admin.created',
        subjectType: 'admin',
        subjectId: row.id,
        data: { email, role: input.role },
      },
      now
    )
    return { ok: true, id: row.id } as const
  })
}

export async function listAdmins(db: Db, orgId: string) {
  return db
    .select({
      id: adminUsers.id,
      email: adminUsers.email,
      name: adminUsers.name,
      role: adminUsers.role,
      disabledAt: adminUsers.disabledAt,
      createdAt: adminUsers.createdAt,
    })
    .from(adminUsers)
    .where(eq(adminUsers.orgId, orgId))
    .orderBy(adminUsers.createdAt)
}

export type UpdateAdminResult =
  { ok: true } | { ok: false; reason: 'not_found' | 'self' | 'last_owner' }

/** Change an admin's role or disable them; never yourself, never the last active owner. */
export async function updateAdmin(
  db: Db,
  actor: AdminSession,
  id: string,
  input: { role?: AdminRole; disabled?: boolean },
  now: Date
): Promise<UpdateAdminResult> {
  if (id === actor.adminId) return { ok: false, reason: 'self' }
  return db.transaction(async (tx) => {
    const [target] = await tx
      .select()
      .from(adminUsers)
      .where(and(eq(adminUsers.id, id), eq(adminUsers.orgId, actor.orgId)))
      .for('update')
    if (!target) return { ok: false, reason: 'not_found' } as const
    const losesOwner =
      target.role === 'owner' && ((input.role && input.role !== 'owner') || input.disabled === true)
    if (losesOwner) {
      const owners = await tx
        .select({ id: adminUsers.id })
        .from(adminUsers)
        .where(
          and(
            eq(adminUsers.orgId, actor.orgId),
            eq(adminUsers.role, 'owner'),
            isNull(adminUsers.disabledAt)
          )
        )
      if (owners.length <= 1) return { ok: false, reason: 'last_owner' } as const
    }
    await tx
      .update(adminUsers)
      .set({
        ...(input.role ? { role: input.role } : {}),
        ...(input.disabled === undefined ? {} : { disabledAt: input.disabled ? now : null }),
      })
      .where(eq(adminUsers.id, id))
    // A disabled admin's sessions end now.
    if (input.disabled) await tx.delete(adminSessions).where(eq(adminSessions.adminId, id))
    await auditByAdmin(
      tx,
      actor,
      { action: 'admin.updated', subjectType: 'admin', subjectId: id, data: { ...input } },
      now
    )
    return { ok: true } as const
  })
}
