// Reading the audit log: filtered pages, and exports as JSON lines or CSV.
import { and, asc, desc, eq, gt, gte, lte, or, type SQL } from 'drizzle-orm'
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
