// Organisations and the first-admin setup: a one-time token printed at first start.
import { and, eq, gt, isNull, sql } from 'drizzle-orm'
import { adminUsers, organisations, setupTokens } from '../db/schema/index.ts'
import type { Db, Tx } from '../db/client.ts'
import { appendAudit } from './audit-chain.ts'
import { createToken, hashPassword, hashToken } from './secrets.ts'

const SETUP_TOKEN_HOURS = 24

export async function createOrganisation(db: Db, name: string, now: Date) {
  return db.transaction(async (tx) => {
    const [org] = await tx.insert(organisations).values({ name, createdAt: now }).returning()
    if (!org) throw new Error('organisation insert returned nothing')
    await appendAudit(
      tx,
      org.id,
      [
        {
          actorType: 'system',
          actorId: null,
          action: 'org.created',
          subjectType: 'org',
          subjectId: org.id,
          data: { name },
        },
      ],
      now
    )
    return org
  })
}

export async function issueSetupToken(db: Tx, orgId: string, now: Date): Promise<string> {
  const token = createToken('cst')
  await db.insert(setupTokens).values({
    orgId,
    tokenHash: hashToken(token),
    expiresAt: new Date(now.getTime() + SETUP_TOKEN_HOURS * 3_600_000),
    createdAt: now,
  })
  return token
}

export interface FirstStart {
  orgId: string
  /** Present when the organisation has no admin yet: print it as a setup link. */
  setupToken: string | null
}

/**
 * On start: make sure an organisation exists and, while it has no admin, hand out a setup token.
 * Several processes starting together agree through an advisory lock.
 */
export async function ensureFirstOrganisation(db: Db, now: Date): Promise<FirstStart> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(727003002)`)
    let [org] = await tx.select().from(organisations).orderBy(organisations.createdAt).limit(1)
    if (!org) {
      ;[org] = await tx
        .insert(organisations)
        .values({ name: 'My organisation', createdAt: now })
        .returning()
      if (!org) throw new Error('organisation insert returned nothing')
      await appendAudit(
        tx,
        org.id,
        [
          {
            actorType: 'system',
            actorId: null,
            action: 'org.created',
            subjectType: 'org',
            subjectId: org.id,
            data: { name: org.name },
          },
        ],
        now
      )
    }
    const [admin] = await tx
      .select({ id: adminUsers.id })
      .from(adminUsers)
      .where(eq(adminUsers.orgId, org.id))
      .limit(1)
    if (admin) return { orgId: org.id, setupToken: null }
    // A fresh token on every start until the first admin exists: a lost link costs a restart.
    const token = await issueSetupToken(tx, org.id, now)
    return { orgId: org.id, setupToken: token }
  })
}

export type SetupResult =
  | { ok: true; adminId: string; orgId: string }
  | { ok: false; reason: 'invalid_token' | 'email_taken' }

/** Exchange a setup token for the organisation's first (owner) admin account. */
export async function completeSetup(
  db: Db,
  input: { token: string; email: string; name: string; password: string },
  now: Date
): Promise<SetupResult> {
  const passwordHash = await hashPassword(input.password)
  const email = input.email.toLowerCase()
  return db.transaction(async (tx) => {
    const [claimed] = await tx
      .update(setupTokens)
      .set({ usedAt: now })
      .where(
        and(
          eq(setupTokens.tokenHash, hashToken(input.token)),
          isNull(setupTokens.usedAt),
          gt(setupTokens.expiresAt, now)
        )
      )
      .returning({ orgId: setupTokens.orgId })
    if (!claimed) return { ok: false, reason: 'invalid_token' } as const
    const [taken] = await tx
      .select({ id: adminUsers.id })
      .from(adminUsers)
      .where(eq(adminUsers.email, email))
    if (taken) return { ok: false, reason: 'email_taken' } as const
    const [admin] = await tx
      .insert(adminUsers)
      .values({
        orgId: claimed.orgId,
        email,
        name: input.name,
        passwordHash,
        role: 'owner',
        createdAt: now,
      })
      .returning({ id: adminUsers.id })
    if (!admin) throw new Error('admin insert returned nothing')
    await appendAudit(
      tx,
      claimed.orgId,
      [
        {
          actorType: 'admin',
          actorId: admin.id,
          action: 'admin.setup',
          subjectType: 'admin',
          subjectId: admin.id,
          data: { email, role: 'owner' },
        },
      ],
      now
    )
    return { ok: true, adminId: admin.id, orgId: claimed.orgId } as const
  })
}
