// The per-organisation hash-chained audit log: append inside the caller's transaction, verify.
import { createHash } from 'node:crypto'
import { and, asc, desc, eq, gt, sql } from 'drizzle-orm'
import { auditLog } from '../db/schema/index.ts'
import type { Db, Transaction } from '../db/client.ts'

export const GENESIS_HASH = '0'.repeat(64)

export interface AuditInput {
  actorType: 'admin' | 'device' | 'system' | 'scim' | 'hr' | 'api'
  actorId: string | null
  action: string
  subjectType?: string | null
  subjectId?: string | null
  data?: Record<string, unknown>
}

export interface AuditEntry {
  orgId: string
  seq: number
  at: string
  actorType: string
  actorId: string | null
  action: string
  subjectType: string | null
  subjectId: string | null
  data: Record<string, unknown>
  prevHash: string
  hash: string
}

/** JSON with object keys sorted at every level: the bytes every verifier hashes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

export function hashEntry(entry: Omit<AuditEntry, 'hash'>): string {
  const { prevHash, ...body } = entry
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(canonicalJson(body))
    .digest('hex')
}

/**
 * Append entries for one organisation. Takes a transaction-scoped advisory lock on the
 * organisation so concurrent writers (in any process) extend the chain one after another.
 */
export async function appendAudit(
  // A transaction, never the bare database: the advisory lock lives until commit.
  tx: Transaction,
  orgId: string,
  inputs: AuditInput[],
  now: Date
): Promise<AuditEntry[]> {
  if (inputs.length === 0) return []
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${'audit:' + orgId}, 0))`)
  const [last] = await tx
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .where(eq(auditLog.orgId, orgId))
    .orderBy(desc(auditLog.seq))
    .limit(1)
  let seq = last?.seq ?? 0
  let prevHash = last?.hash ?? GENESIS_HASH
  const at = now.toISOString()
  const entries: AuditEntry[] = inputs.map((input) => {
    seq += 1
    const body = {
      orgId,
      seq,
      at,
      actorType: input.actorType,
      actorId: input.actorId,
      action: input.action,
      subjectType: input.subjectType ?? null,
      subjectId: input.subjectId ?? null,
      data: input.data ?? {},
      prevHash,
    }
    const entry = { ...body, hash: hashEntry(body) }
    prevHash = entry.hash
    return entry
  })
  await tx.insert(auditLog).values(entries)
  return entries
}

export type VerifyResult =
  | { ok: true; entries: number; lastHash: string }
  | { ok: false; entries: number; firstBroken: { seq: number; reason: string } }

function rowToEntry(row: typeof auditLog.$inferSelect): AuditEntry {
  return {
    orgId: row.orgId,
    seq: row.seq,
    at: new Date(row.at).toISOString(),
    actorType: row.actorType,
    actorId: row.actorId,
    action: row.action,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    data: row.data,
    prevHash: row.prevHash,
    hash: row.hash,
  }
}

/** Recompute the whole chain of an organisation and report the first entry that does not fit. */
export async function verifyAuditChain(db: Db, orgId: string): Promise<VerifyResult> {
  let prevHash = GENESIS_HASH
  let expectedSeq = 1
  let count = 0
  const PAGE = 2000
  for (;;) {
    const rows = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, orgId), gt(auditLog.seq, expectedSeq - 1)))
      .orderBy(asc(auditLog.seq))
      .limit(PAGE)
    for (const row of rows) {
      const entry = rowToEntry(row)
      if (entry.seq !== expectedSeq) {
        return {
          ok: false,
          entries: count,
          firstBroken: { seq: expectedSeq, reason: 'entry missing' },
        }
      }
      if (entry.prevHash !== prevHash) {
        return {
          ok: false,
          entries: count,
          firstBroken: { seq: entry.seq, reason: 'previous hash does not match' },
        }
      }
      const { hash, ...body } = entry
      if (hashEntry(body) !== hash) {
        return {
          ok: false,
          entries: count,
          firstBroken: { seq: entry.seq, reason: 'content does not match its hash' },
        }
      }
      prevHash = hash
      expectedSeq += 1
      count += 1
    }
    if (rows.length < PAGE) return { ok: true, entries: count, lastHash: prevHash }
  }
}

export { rowToEntry as auditRowToEntry }

/** An admin's action on one subject, appended inside the caller's transaction. */
export function auditByAdmin(
  tx: Transaction,
  actor: { orgId: string; adminId: string | null },
  entry: {
    action: string
    subjectType: string
    subjectId: string | null
    data?: Record<string, unknown>
  },
  now: Date
): Promise<AuditEntry[]> {
  return appendAudit(
    tx,
    actor.orgId,
    [{ actorType: 'admin', actorId: actor.adminId, ...entry }],
    now
  )
}
