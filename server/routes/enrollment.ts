// Enrollment tokens (admins) and the exchange of a token for a device credential (extension).
import { Hono } from 'hono'
import { z } from 'zod'
import { CreateEnrollmentToken, EnrollRequest } from '../../shared/api/enrollment.ts'
import type { AppEnv } from '../app-env.ts'
import {
  createEnrollmentToken,
  enrollDevice,
  listEnrollmentTokens,
  revokeEnrollmentToken,
} from '../domain/enrollment.ts'
import { hitRateLimit } from '../domain/rate-limit.ts'
import { canManage, requireAdmin } from '../middleware/auth.ts'
import { clientAddress } from '../middleware/client-address.ts'
import { apiError } from '../middleware/errors.ts'
import { validate } from '../middleware/validate.ts'

const IdParam = z.object({ id: z.uuid() })
const actorOf = (c: { var: AppEnv['Variables'] }) => ({
  orgId: c.var.admin.orgId,
  adminId: c.var.admin.adminId,
})

export const enrollmentTokens = new Hono<AppEnv>()
  .use(requireAdmin)
  .get('/', async (c) =>
    c.json({ items: await listEnrollmentTokens(c.var.deps.db, c.var.admin.orgId) })
  )
  .post('/', canManage, validate('json', CreateEnrollmentToken), async (c) =>
    c.json(
      await createEnrollmentToken(
        c.var.deps.db,
        actorOf(c),
        c.req.valid('json'),
        c.var.deps.clock()
      ),
      201
    )
  )
  .delete('/:id', canManage, validate('param', IdParam), async (c) => {
    const ok = await revokeEnrollmentToken(
      c.var.deps.db,
      actorOf(c),
      c.req.valid('param').id,
      c.var.deps.clock()
    )
    return ok
      ? c.json({ ok: true })
      : apiError(c, 404, 'not_found', 'No such active enrollment token')
  })

export const enroll = new Hono<AppEnv>().post('/', validate('json', EnrollRequest), async (c) => {
  const { db, clock, trustProxy } = c.var.deps
  const limit = await hitRateLimit(
    db,
    `enroll:${clientAddress(c, trustProxy)}`,
    30,
    60_000,
    clock()
  )
  if (!limit.allowed) {
    c.header('Retry-After', String(limit.retryAfterSeconds))
    return apiError(c, 429, 'rate_limited', 'Too many enrollment attempts')
  }
  const result = await enrollDevice(db, c.req.valid('json'), clock())
  if (!result.ok)
    return apiError(c, 401, 'invalid_token', 'The enrollment token is invalid, revoked or expired')
  const { ok: _, ...body } = result
  return c.json(body, 201)
})

export { actorOf }
