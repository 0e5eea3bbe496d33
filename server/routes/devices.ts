// Enrolled devices: listed by admins, revoked (locked out) by owners and admins.
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../app-env.ts'
import { listDevices, revokeDevice } from '../domain/enrollment.ts'
import { canManage, requireAdmin } from '../middleware/auth.ts'
import { apiError } from '../middleware/errors.ts'
import { validate } from '../middleware/validate.ts'
import { actorOf } from './enrollment.ts'

export const devices = new Hono<AppEnv>()
  .use(requireAdmin)
  .get('/', async (c) => c.json({ items: await listDevices(c.var.deps.db, c.var.admin.orgId) }))
  .post('/:id/revoke', canManage, validate('param', z.object({ id: z.uuid() })), async (c) => {
    const ok = await revokeDevice(
      c.var.deps.db,
      actorOf(c),
      c.req.valid('param').id,
      c.var.deps.clock()
    )
    return ok ? c.json({ ok: true }) : apiError(c, 404, 'not_found', 'No such active device')
  })
