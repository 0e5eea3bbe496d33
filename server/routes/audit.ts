// The audit log: list and export (JSON, JSON lines, CSV), and verify the hash chain.
import { Hono } from 'hono'
import { AuditQuery } from '../../shared/api/inventory.ts'
import type { AppEnv } from '../app-env.ts'
import { z } from 'zod'
import { auditHashesAt, auditToCsv, auditToJsonLines, listAudit } from '../db/queries/audit.ts'
import { verifyAuditChain } from '../domain/audit-chain.ts'
import { requireAdmin } from '../middleware/auth.ts'
import { validate } from '../middleware/validate.ts'

const VerifyBody = z
  .object({
    entries: z
      .array(
        z.object({ seq: z.number().int().positive(), hash: z.string().regex(/^[0-9a-f]{64}$/) })
      )
      .min(1)
      .max(10_000),
  })
  .strict()

export const audit = new Hono<AppEnv>()
  .use(requireAdmin)
  .get('/', validate('query', AuditQuery), async (c) => {
    const query = c.req.valid('query')
    const entries = await listAudit(c.var.deps.db, { tenantId: c.var.admin.orgId, ...query })
    if (query.format === 'csv') {
      c.header('Content-Disposition', 'attachment; filename="consentry-audit.csv"')
      return c.body(auditToCsv(entries), 200, { 'Content-Type': 'text/csv; charset=utf-8' })
    }
    if (query.format === 'jsonl') {
      c.header('Content-Disposition', 'attachment; filename="consentry-audit.jsonl"')
      return c.body(auditToJsonLines(entries), 200, { 'Content-Type': 'application/x-ndjson' })
    }
    return c.json({ items: entries })
  })
  .get('/verify', async (c) => c.json(await verifyAuditChain(c.var.deps.db, c.var.admin.orgId)))
  // Evidence check: the chain verified, and each given entry's hash is the one at its place.
  .post('/verify', validate('json', VerifyBody), async (c) => {
    const { entries } = c.req.valid('json')
    const chain = await verifyAuditChain(c.var.deps.db, c.var.admin.orgId)
    const stored = await auditHashesAt(c.var.deps.db, {
      tenantId: c.var.admin.orgId,
      seqs: [...new Set(entries.map((e) => e.seq))],
    })
    const checked = entries.map((e) => ({ ...e, ok: stored.get(e.seq) === e.hash }))
    return c.json({
      ...chain,
      ok: chain.ok && checked.every((e) => e.ok),
      chainOk: chain.ok,
      checked,
    })
  })
