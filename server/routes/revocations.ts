// Revocations: plan (a dry run), approve, retry failed, follow progress (JSON or server-sent events).
import { Hono } from 'hono'
import { streamSSE } from 'hono/streaming'
import { eq } from 'drizzle-orm'
import { z } from 'zod'
import type { AppEnv } from '../app-env.ts'
import { organisations } from '../db/schema/index.ts'
import {
  approvePlan,
  cancelPlan,
  getPlan,
  listPlans,
  planRevocation,
  retryFailed,
} from '../domain/revocation-plans.ts'
import { requireAdmin, requireRole } from '../middleware/auth.ts'
import { apiError } from '../middleware/errors.ts'
import { validate } from '../middleware/validate.ts'
import { actorOf } from './enrollment.ts'
import { listRevocationJobs } from '../db/queries/revocation-jobs.ts'
import { jobState } from '../db/schema/revocation.ts'
import { PROVIDER_IDS } from '../providers/types.ts'

const canRevoke = requireRole('owner', 'admin', 'offboarding')
const PlanBody = z.discriminatedUnion('scope', [
  z.object({ scope: z.literal('leaver'), personId: z.uuid() }).strict(),
  z.object({ scope: z.literal('app'), appId: z.uuid() }).strict(),
  z
    .object({ scope: z.literal('selection'), grantIds: z.array(z.uuid()).min(1).max(5000) })
    .strict(),
])
const IdParam = z.object({ id: z.uuid() })
/** requireSecondApprover; offboardingMode: what happens on a leaver's day (notify, plan, auto). */
const Settings = z
  .object({
    requireSecondApprover: z.boolean().optional(),
    offboardingMode: z.enum(['notify', 'plan', 'auto']).optional(),
  })
  .strict()
  .refine(
    (v) => v.requireSecondApprover !== undefined || v.offboardingMode !== undefined,
    'nothing to change'
  )

const JobsQuery = z
  .object({
    /** One state, or several separated by commas (failed,dead: every failed revocation). */
    state: z
      .string()
      .transform((v) => v.split(','))
      .pipe(z.array(z.enum(jobState.enumValues)).min(1).max(jobState.enumValues.length))
      .optional(),
    provider: z.enum(PROVIDER_IDS).optional(),
    planId: z.uuid().optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict()

export const revocations = new Hono<AppEnv>()
  .use(requireAdmin)
  .get('/jobs', validate('query', JobsQuery), async (c) => {
    const result = await listRevocationJobs(c.var.deps.db, {
      tenantId: c.var.admin.orgId,
      ...c.req.valid('query'),
    })
    if (!result.ok)
      return apiError(c, 400, 'invalid_request', 'query: cursor is not one this server issued')
    return c.json({ items: result.items, nextCursor: result.nextCursor })
  })
  .get('/plans', async (c) =>
    c.json({ items: await listPlans(c.var.deps.db, { tenantId: c.var.admin.orgId }) })
  )
  .post('/plans', canRevoke, validate('json', PlanBody), async (c) => {
    const result = await planRevocation(
      c.var.deps.db,
      actorOf(c),
      c.req.valid('json'),
      c.var.deps.clock()
    )
    if (!result.ok)
      return apiError(
        c,
        result.reason === 'not_found' ? 404 : 409,
        result.reason,
        result.reason === 'not_found' ? 'No such leaver' : 'There is no live grant to revoke'
      )
    return c.json(result, 201)
  })
  .get('/plans/:id', validate('param', IdParam), async (c) => {
    const plan = await getPlan(c.var.deps.db, {
      tenantId: c.var.admin.orgId,
      planId: c.req.valid('param').id,
    })
    return plan ? c.json(plan) : apiError(c, 404, 'not_found', 'No such plan')
  })
  .post('/plans/:id/approve', canRevoke, validate('param', IdParam), async (c) => {
    const result = await approvePlan(
      c.var.deps.db,
      actorOf(c),
      c.req.valid('param').id,
      c.var.deps.clock()
    )
    if (result.ok) return c.json({ ok: true })
    if (result.reason === 'not_found') return apiError(c, 404, 'not_found', 'No such plan')
    return apiError(
      c,
      409,
      result.reason,
      result.reason === 'second_approver_required'
        ? 'Another admin must approve a plan you made'
        : 'This plan is not waiting for approval'
    )
  })
  .post('/plans/:id/cancel', canRevoke, validate('param', IdParam), async (c) => {
    const result = await cancelPlan(
      c.var.deps.db,
      actorOf(c),
      c.req.valid('param').id,
      c.var.deps.clock()
    )
    if (result.ok) return c.json({ ok: true })
    return result.reason === 'not_found'
      ? apiError(c, 404, 'not_found', 'No such plan')
      : apiError(c, 409, 'not_planned', 'Only a plan nobody has approved yet can be cancelled')
  })
  .post('/plans/:id/retry', canRevoke, validate('param', IdParam), async (c) =>
    c.json({
      retried: await retryFailed(
        c.var.deps.db,
        actorOf(c),
        c.req.valid('param').id,
        c.var.deps.clock()
      ),
    })
  )
  .get('/plans/:id/events', validate('param', IdParam), async (c) => {
    const tenantId = c.var.admin.orgId
    const planId = c.req.valid('param').id
    if (!(await getPlan(c.var.deps.db, { tenantId, planId })))
      return apiError(c, 404, 'not_found', 'No such plan')
    return streamSSE(c, async (stream) => {
      let last = ''
      while (!stream.aborted) {
        const plan = await getPlan(c.var.deps.db, { tenantId, planId })
        const body = JSON.stringify({
          state: plan?.plan.state,
          counts: plan?.counts,
          jobs: plan?.jobs.map((j) => ({
            id: j.id,
            state: j.state,
            lastError: j.lastError,
            lastStatus: j.lastStatus,
          })),
        })
        if (body !== last) {
          await stream.writeSSE({ event: 'progress', data: body })
          last = body
        }
        if (plan?.plan.state === 'done' || plan?.plan.state === 'cancelled') break
        await stream.sleep(1000)
      }
    })
  })
  .put('/settings', requireRole('owner'), validate('json', Settings), async (c) => {
    await c.var.deps.db
      .update(organisations)
      .set(c.req.valid('json'))
      .where(eq(organisations.id, c.var.admin.orgId))
    return c.json({ ok: true })
  })
