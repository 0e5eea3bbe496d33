// Reading the audit log: filtered pages, and exports as JSON lines or CSV.
import { and, asc, count, desc, eq, gt, gte, inArray, lte, or, type SQL } from 'drizzle-orm'
import type { AuditQuery } from '../../../shared/api/inventory.ts'
import { auditLog } from '../schema/index.ts'
import type { Db } from '../client.ts'
import { auditRowToEntry, type AuditEntry } from '../../domain/audit-chain.ts'

export async function listAudit(
  db: Db,
  p: AuditQuery & { tenantId: string }
): Promise<AuditEntry[]> {
  const where: SQL[] = [eq(auditLog.orgId, p.tenantId)]
  if (p.action) where.push(eq(auditLog.action, p.action))
  if (p.actor) where.push(eq(auditLog.actorId, p.actor))
  if (p.subject) {
    const subject = or(eq(auditLog.subjectId, p.subject), eq(auditLog.subjectType, p.subject))
    if (subject) where.push(subject)
  }
  if (p.from) where.push(gte(auditLog.at, new Date(p.from).toISOString()))
  if (p.to) where.push(lte(auditLog.at, new Date(p.to).toISOString()))
  if (p.afterSeq !== undefined) where.push(gt(auditLog.seq, p.afterSeq))
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(p.order === 'desc' ? desc(auditLog.seq) : asc(auditLog.seq))
    .limit(p.limit)
  return rows.map(auditRowToEntry)
}

const CSV_COLUMNS = [
  'seq',
  'at',
  'actorType',
  'actorId',
  'action',
  'subjectType',
  'subjectId',
  'data',
  'prevHash',
  'hash',
] as const

function csvCell(value: unknown): string {
  const text =
    value === null || value === undefined
      ? ''
      : typeof value === 'string'
        ? value
        : JSON.stringify(value)
  // Quote everything; neutralise spreadsheet formulas.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
  return `"${safe.replace(/"/g, '""')}"`
}

export function auditToCsv(entries: AuditEntry[]): string {
  const lines = [CSV_COLUMNS.join(',')]
  for (const e of entries) lines.push(CSV_COLUMNS.map((k) => csvCell(e[k])).join(','))
  return lines.join('\r\n') + '\r\n'
}

export function auditToJsonLines(entries: AuditEntry[]): string {
  return entries.map((e) => JSON.stringify(e)).join('\n') + (entries.length ? '\n' : '')
}

/** How many times an action was recorded since a moment (e.g. grants that reappeared lately). */
export async function countAuditActions(
  db: Db,
  p: { tenantId: string; action: string; since: Date }
): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.orgId, p.tenantId),
        eq(auditLog.action, p.action),
        gte(auditLog.at, p.since.toISOString())
      )
    )
  return row?.n ?? 0
}

/** Entries about any of the given subjects (grants, a case, plans, a person), in chain order. */
export async function auditForSubjects(
  db: Db,
  p: { tenantId: string; subjectIds: string[] }
): Promise<AuditEntry[]> {
  if (p.subjectIds.length === 0) return []
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.orgId, p.tenantId), inArray(auditLog.subjectId, p.subjectIds)))
    .orderBy(asc(auditLog.seq))
  return rows.map(auditRowToEntry)
}

/** The stored hashes at the given positions of the chain. */
export async function auditHashesAt(
  db: Db,
  p: { tenantId: string; seqs: number[] }
): Promise<Map<number, string>> {
  if (p.seqs.length === 0) return new Map()
  const rows = await db
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .where(and(eq(auditLog.orgId, p.tenantId), inArray(auditLog.seq, p.seqs)))
  return new Map(rows.map((r) => [r.seq, r.hash]))
}
