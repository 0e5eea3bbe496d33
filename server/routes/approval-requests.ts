// Employees' approval requests: list, approve (sanction + open the policy), deny with a reason.
import { Hono } from 'hono'
import { z } from 'zod'
import { ApproveRequest, DenyRequest, ListRequestsQuery } from '../../shared/api/governance.ts'
import type { AppEnv } from '../app-env.ts'
import {
  approveRequest,
  denyRequest,
  listApprovalRequests,
  type DecisionResult,
} from '../domain/approval-requests.ts'
import { canManage, requireAdmin } from '../middleware/auth.ts'
import { apiError } from '../middleware/errors.ts'
import { validate } from '../middleware/validate.ts'
import type { Context } from 'hono'
import { actorOf } from './enrollment.ts'

const IdParam = z.object({ id: z.uuid() })

function answer(c: Context<AppEnv>, result: DecisionResult) {
  if (result.ok) return c.json({ ok: true })
  return result.reason === 'not_found'
    ? apiError(c, 404, 'not_found', 'No such request')
    : apiError(c, 409, 'already_decided', 'This request was already decided')
}

export const approvalRequestsRoutes = new Hono<AppEnv>()
  .use(requireAdmin)
  .get('/', validate('query', ListRequestsQuery), async (c) =>
    c.json({
      items: await listApprovalRequests(c.var.deps.db, {
        tenantId: c.var.admin.orgId,
        ...c.req.valid('query'),
      }),
    })
  )
  .post(
    '/:id/approve',
    canManage,
    validate('param', IdParam),
    validate('json', ApproveRequest),
    async (c) =>
      answer(
        c,
        await approveRequest(
          c.var.deps.db,
          actorOf(c),
          c.req.valid('param').id,
          c.req.valid('json'),
          c.var.deps.clock()
        )
      )
  )
  .post(
    '/:id/deny',
    canManage,
    validate('param', IdParam),
    validate('json', DenyRequest),
    async (c) =>
      answer(
        c,
        await denyRequest(
          c.var.deps.db,
          actorOf(c),
          c.req.valid('param').id,
          c.req.valid('json').reason,
          c.var.deps.clock()
        )
      )
  )
