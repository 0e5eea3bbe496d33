// Leavers: the list (upcoming, due, overdue, done), a leaver's offboarding case, marking someone
// as leaving by hand, and the CSV import.
import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { z } from 'zod'
import type { AppEnv } from '../app-env.ts'
import { importLeaversCsv } from '../domain/import-leavers-csv.ts'
import { markLeaving, upsertPersonRecord } from '../domain/leavers.ts'
import { getOffboardingCase, listLeavers } from '../domain/offboarding-case.ts'
import { buildCaseEvidence } from '../domain/case-evidence.ts'
import { closability, closeCase, plansForLeaver } from '../domain/close-case.ts'
import { actorOf } from './enrollment.ts'
import { renderEvidencePage } from './evidence-page.ts'
import { requireAdmin, requireRole } from '../middleware/auth.ts'
import { apiError } from '../middleware/errors.ts'
import { validate } from '../middleware/validate.ts'

const canOffboard = requireRole('owner', 'admin', 'offboarding')
const MAX_CSV_BYTES = 5 * 1024 * 1024

const MarkLeaving = z
  .object({
    email: z.email().max(320),
    departureDate: z.iso.date(),
    successorEmail: z.email().max(320).nullable().default(null),
  })
  .strict()

const PersonParam = z.object({ personId: z.uuid() })

/** A leaver's case as evidence, exported by the signed-in admin. */
const evidenceFor = (c: Context<AppEnv>, personId: string) =>
  buildCaseEvidence(c.var.deps.db, {
    tenantId: c.var.admin.orgId,
    personId,
    adminId: c.var.admin.adminId,
    now: c.var.deps.clock(),
  })

export const leavers = new Hono<AppEnv>()
  .use(requireAdmin)
  .get(
    '/',
    validate(
      'query',
      z
        .object({ when: z.enum(['upcoming', 'due', 'overdue', 'done', 'all']).default('all') })
        .strict()
    ),
    async (c) =>
      c.json({
        items: await listLeavers(c.var.deps.db, {
          tenantId: c.var.admin.orgId,
          when: c.req.valid('query').when,
          now: c.var.deps.clock(),
        }),
      })
  )
  .get('/:personId', validate('param', PersonParam), async (c) => {
    const key = { tenantId: c.var.admin.orgId, personId: c.req.valid('param').personId }
    const found = await getOffboardingCase(c.var.deps.db, key)
    if (!found) return apiError(c, 404, 'not_found', 'No such person')
    const plans = await plansForLeaver(c.var.deps.db, key)
    return c.json({ ...found, plans, closable: closability(found, plans) })
  })
  .post(
    '/:personId/close',
    canOffboard,
    validate('param', PersonParam),
    validate('json', z.object({ note: z.string().max(4000).nullable().default(null) }).strict()),
    async (c) => {
      const result = await closeCase(
        c.var.deps.db,
        actorOf(c),
        { personId: c.req.valid('param').personId, note: c.req.valid('json').note },
        c.var.deps.clock()
      )
      if (result.ok) return c.json({ ok: true })
      return result.reason === 'not_found'
        ? apiError(c, 404, 'not_found', 'No such person')
        : apiError(c, 409, 'not_closable', result.message)
    }
  )
  .get('/:personId/evidence', validate('param', PersonParam), async (c) => {
    const evidence = await evidenceFor(c, c.req.valid('param').personId)
    if (!evidence) return apiError(c, 404, 'not_found', 'No such person')
    c.header(
      'Content-Disposition',
      `attachment; filename="offboarding-evidence-${evidence.person.id}.json"`
    )
    return c.json(evidence)
  })
  .get('/:personId/evidence.html', validate('param', PersonParam), async (c) => {
    const evidence = await evidenceFor(c, c.req.valid('param').personId)
    if (!evidence) return apiError(c, 404, 'not_found', 'No such person')
    return c.html(renderEvidencePage(evidence, c.get('secureHeadersNonce') ?? ''))
  })
  .post('/', canOffboard, validate('json', MarkLeaving), async (c) => {
    const { db, clock } = c.var.deps
    const body = c.req.valid('json')
    const now = clock()
    const result = await db.transaction(async (tx) => {
      const { personId } = await upsertPersonRecord(
        tx,
        c.var.admin.orgId,
        { email: body.email },
        'manual',
        now
      )
      const marked = await markLeaving(
        tx,
        c.var.admin.orgId,
        {
          personId,
          departureDate: body.departureDate,
          source: 'manual',
          actor: { type: 'admin', id: c.var.admin.adminId },
          successorEmail: body.successorEmail,
        },
        now
      )
      return { personId, ...marked }
    })
    return c.json(result, result.changed ? 201 : 200)
  })
  .post(
    '/import',
    canOffboard,
    bodyLimit({
      maxSize: MAX_CSV_BYTES,
      onError: (c) => apiError(c, 413, 'payload_too_large', 'A CSV file may be at most 5 MiB'),
    }),
    async (c) => {
      const type = c.req.header('content-type') ?? ''
      if (!type.startsWith('text/csv'))
        return apiError(c, 400, 'invalid_request', 'Send the file as Content-Type: text/csv')
      const csv = await c.req.text()
      const result = await importLeaversCsv(
        c.var.deps.db,
        c.var.admin.orgId,
        csv,
        { type: 'admin', id: c.var.admin.adminId },
        c.var.deps.clock()
      )
      return c.json(result)
    }
  )
